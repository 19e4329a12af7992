@linux @effective_permissions @assumption_A65
Feature: A control policy is the guard rail that holds whatever is attached later
  Resource Directory control policies are evaluated before any identity policy, and an explicit
  Deny there refuses the request whatever commandUser's own or its groups' policies allow. A
  control policy that denies `ecs:CommandRunAs` root and system keeps them out even beside
  AliyunECSFullAccess; it grants nothing, so regular users still need the guide's policy.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"
    And the RAM user "commandUser" with the policy "AliyunECSFullAccess"
    And the control policy "denyRootRunAs.control" is attached to the resource directory

  @assumption_A4
  Scenario Outline: the control policy refuses root and system whatever identity policies say
    When commandUser runs "whoami" on the Linux instance as "<user>"
    Then the request is refused with "Forbidden.RAM"
    And the refusal was decided by a control policy
    And the refusal is an explicit deny
    And the decoded refusal names the policy "denyRootRunAs"
    And nothing ran on the instance

    Examples:
      | user   |
      | root   |
      | System |

  @assumption_A1 @assumption_A4
  Scenario: the control policy refuses a command that names no user
    When commandUser runs "whoami" on the Linux instance without naming a user
    Then the request is refused with "Forbidden.RAM"
    And the refusal was decided by a control policy

  Scenario: a regular user still runs under the control policy
    When commandUser runs "whoami" on the Linux instance as "user01"
    Then the command succeeds with the output "user01"
