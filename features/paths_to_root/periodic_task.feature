@linux @paths_to_root @side_doors
Feature: A root task that runs again can be given new content, and keeps running as root
  ModifyInvocationAttribute carries no ecs:CommandRunAs: it rewrites what an existing periodic
  or reboot task runs, and the task keeps its run-as user. An administrator's root task at every
  restart is then commandUser's root shell (assumptions A44, A45).

  Background:
    Given a Linux instance with the regular users "user01" and "user02"
    And the administrator has a task that runs "echo heartbeat" as root at every restart of the Linux instance

  @assumption_A4
  Scenario Outline: the guide's policies alone refuse changing a root task
    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSReadOnlyAccess"
    When commandUser changes that task to run "whoami"
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an implicit deny

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @finding @assumption_A44 @assumption_A45
  Scenario Outline: beside AliyunECSFullAccess, commandUser rewrites the administrator's root task, so root gets in
    Fix: attach commandUserPolicy.side-doors-closed: its explicit Deny on `ecs:ModifyInvocationAttribute` holds whatever
    else is attached. (With the allow-list beside full access, root may also run directly:
    full access allows RunCommand as anyone.)

    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSFullAccess"
    When commandUser changes that task to run "whoami"
    Then at the next restart of the Linux instance the task prints "root"

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @assumption_A4
  Scenario: the policy that closes the side doors refuses changing a root task even beside full access
    Given the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed" and "AliyunECSFullAccess"
    When commandUser changes that task to run "whoami"
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
    And the decoded refusal names the policy "commandUserPolicy.side-doors-closed"
