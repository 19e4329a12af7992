@linux @paths_to_root @side_doors
Feature: SendFile writes a root-owned file, and a file in /etc/sudoers.d/ is root
  SendFile carries no ecs:CommandRunAs: it writes a file on the instance, owned by root unless
  told otherwise. A file in /etc/sudoers.d/ that gives a user passwordless sudo makes that user
  root. The guide's policies do not name SendFile, so alone they refuse it.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"

  @assumption_A4
  Scenario Outline: the guide's policies alone refuse sending a file
    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSReadOnlyAccess"
    When commandUser sends a file into "/etc/sudoers.d" on the Linux instance that gives "user01" passwordless sudo
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an implicit deny

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @finding @assumption_A42
  Scenario Outline: beside AliyunECSFullAccess, commandUser sends a sudoers file and user01 becomes root, so root gets in
    Fix: attach commandUserPolicy.side-doors-closed: its explicit Deny on `ecs:SendFile` holds whatever
    else is attached. (With the allow-list beside full access, root may also run directly:
    full access allows RunCommand as anyone.)

    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSFullAccess"
    When commandUser sends a file into "/etc/sudoers.d" on the Linux instance that gives "user01" passwordless sudo
    Then the file is written
    And "user01" can use sudo without a password on the Linux instance

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @assumption_A4
  Scenario: the policy that closes the side doors refuses sending a file even beside full access
    Given the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed" and "AliyunECSFullAccess"
    When commandUser sends a file into "/etc/sudoers.d" on the Linux instance that gives "user01" passwordless sudo
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
    And the decoded refusal names the policy "commandUserPolicy.side-doors-closed"
