@linux @paths_to_root @side_doors
Feature: A Session Manager shell runs as ecs-assist-user, who is root by sudo
  StartTerminalSession carries no ecs:CommandRunAs. With no user named, the agent runs the
  Linux shell as ecs-assist-user, whom it gives passwordless sudo (assumption A40). The guide's
  policies do not name StartTerminalSession, so alone they refuse it.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"

  @assumption_A4
  Scenario Outline: the guide's policies alone refuse a Session Manager shell
    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSReadOnlyAccess"
    When commandUser opens a Session Manager shell on the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an implicit deny

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @finding @assumption_A40
  Scenario Outline: beside AliyunECSFullAccess, commandUser opens a shell as ecs-assist-user, who sudoes, so root gets in
    Fix: attach commandUserPolicy.side-doors-closed: its explicit Deny on `ecs:StartTerminalSession` holds whatever
    else is attached. (With the allow-list beside full access, root may also run directly:
    full access allows RunCommand as anyone.)

    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSFullAccess"
    When commandUser opens a Session Manager shell on the Linux instance
    Then the shell runs as "ecs-assist-user"
    And "ecs-assist-user" can use sudo without a password on the Linux instance

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @assumption_A4
  Scenario: the policy that closes the side doors refuses a Session Manager shell even beside full access
    Given the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed" and "AliyunECSFullAccess"
    When commandUser opens a Session Manager shell on the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
    And the decoded refusal names the policy "commandUserPolicy.side-doors-closed"
