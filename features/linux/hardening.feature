@linux @hardening
Feature: The deny-list is an Allow with a condition, not a Deny
  The guide's deny-list commandUserPolicy keeps root out only because nothing else lets it in:
  its one statement is an Allow whose condition leaves out root and system. Any other policy that
  allows RunCommand, such as AliyunECSFullAccess, lets root through. The hardened variant adds an
  explicit Deny statement on `ecs:CommandRunAs`, which refuses root whatever else is attached.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"

  @finding
  Scenario: with AliyunECSFullAccess also attached, the guide's deny-list no longer keeps root out
    Fix: attach commandUserPolicy.hardened instead of the deny-list: its explicit Deny on
    `ecs:CommandRunAs` root and system holds whatever else is attached.

    Given the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "AliyunECSFullAccess"
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"

  @assumption_A4
  Scenario Outline: the hardened policy refuses root and system even beside AliyunECSFullAccess
    Given the RAM user "commandUser" with the policies "commandUserPolicy.hardened" and "AliyunECSFullAccess"
    When commandUser runs "whoami" on the Linux instance as "<user>"
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
    And nothing ran on the instance

    Examples:
      | user   |
      | root   |
      | Root   |
      | SYSTEM |

  @assumption_A1 @assumption_A4
  Scenario: the hardened policy refuses a command that names no user, even beside full access
    Given the RAM user "commandUser" with the policies "commandUserPolicy.hardened" and "AliyunECSFullAccess"
    When commandUser runs "whoami" on the Linux instance without naming a user
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
    And nothing ran on the instance

  Scenario: the hardened policy still lets a regular user run
    Given the RAM user "commandUser" with the policies "commandUserPolicy.hardened" and "AliyunECSReadOnlyAccess"
    When commandUser runs "whoami" on the Linux instance as "user01"
    Then the command succeeds with the output "user01"

  @assumption_A1
  Scenario: the hardened policy refuses every spelling of root and system beside AliyunECSFullAccess, proved for every name
    Given the RAM user "commandUser" with the policies "commandUserPolicy.hardened" and "AliyunECSFullAccess"
    Then no user name that is root or system can be run as

  @finding
  Scenario: the hardened Deny names only root and system, so ecs-assist-user, a passwordless sudoer, still gets in; only the allow-list keeps it out
    Given the RAM user "commandUser" with the policies "commandUserPolicy.hardened" and "AliyunECSReadOnlyAccess"
    Then commandUser can run as "ecs-assist-user", a passwordless sudoer on every Linux instance where Cloud Assistant has opened a session
