@linux @effective_permissions
Feature: A group's policies count for each of its members
  RAM evaluates commandUser's own policies together with those of every group it belongs to.
  A group that grants AliyunECSFullAccess therefore lets root in beside the guide's deny-list,
  and a check of ListPoliciesForUser alone does not see it: ListGroupsForUser and
  ListPoliciesForGroup do.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"

  @finding
  Scenario: a group with AliyunECSFullAccess lets root in beside the guide's deny-list
    Fix: keep commandUser out of groups that allow ecs:RunCommand or ecs:InvokeCommand
    without the run-as condition, or attach commandUserPolicy.hardened, whose explicit Deny
    holds whatever a group grants.

    Given the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "AliyunECSReadOnlyAccess"
    And commandUser is a member of the group "ecsAdmins" with the policy "AliyunECSFullAccess"
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"

  Scenario: removing commandUser from the group closes the way to root
    Given the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "AliyunECSReadOnlyAccess"
    And commandUser is a member of the group "ecsAdmins" with the policy "AliyunECSFullAccess"
    And the administrator has removed commandUser from the group "ecsAdmins"
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the request is refused with "Forbidden.RAM"
    And nothing ran on the instance

  @assumption_A4
  Scenario: the hardened policy holds beside a group's full access
    Given the RAM user "commandUser" with the policy "commandUserPolicy.hardened"
    And commandUser is a member of the group "ecsAdmins" with the policy "AliyunECSFullAccess"
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
    And the decoded refusal names the policy "commandUserPolicy"
