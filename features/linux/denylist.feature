@linux @denylist
Feature: Under the deny-list policy, commandUser runs commands as anyone but root and system
  The guide's deny-list commandUserPolicy allows Cloud Assistant commands only when
  `ecs:CommandRunAs` is neither "system" nor "root", in any letter case. Every other user passes
  RAM; whether the user exists is then up to the instance.

  Background:
    Given a Linux instance with the regular users "user01", "user02" and "deploy"
    And the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "AliyunECSReadOnlyAccess"

  Scenario Outline: root and system are refused in any letter case
    When commandUser runs "whoami" on the Linux instance as "<user>"
    Then the request is refused with "Forbidden.RAM"
    And nothing ran on the instance

    Examples:
      | user   |
      | root   |
      | ROOT   |
      | Root   |
      | system |
      | SYSTEM |

  @assumption_A1
  Scenario: a command that names no user runs as root by default, so it is refused
    When commandUser runs "whoami" on the Linux instance without naming a user
    Then the request is refused with "Forbidden.RAM"
    And nothing ran on the instance

  Scenario Outline: any regular user on the instance runs a command as themselves
    When commandUser runs "whoami" on the Linux instance as "<user>"
    Then the command succeeds with the output "<user>"

    Examples:
      | user   |
      | user01 |
      | user02 |
      | deploy |

  Scenario: a user missing from the instance passes RAM and then fails on the instance
    When commandUser runs "whoami" on the Linux instance as "user03"
    Then the command fails on the instance with "AccountNotExists"

  Scenario: under the deny-list, every user the administrator says must be refused is refused
    When commandUser runs "whoami" on the Linux instance as each user that must be refused
    Then each of those requests is refused with "Forbidden.RAM"
    And nothing ran on the instance

  @assumption_A1
  Scenario: no spelling of root or system gets past the deny-list, proved for every name
    Then no user name that is root or system can be run as

  @finding
  Scenario: the deny-list refuses only root and system, so ecs-assist-user, a passwordless sudoer, gets in; the allow-list keeps it out
    Then commandUser can run as "ecs-assist-user", a passwordless sudoer on every Linux instance where Cloud Assistant has opened a session
