@linux @effective_permissions
Feature: A Deny attached for a resource group holds only where nothing at account level decides
  Policies can be attached for one resource group (`ResourceGroupId`). RAM evaluates the
  policies attached at account level first, and when they return Allow or an explicit Deny "the
  evaluation ends"; only otherwise are those attached for the resource's resource group
  evaluated (RAM, Policy evaluation process). A hardened Deny attached for a resource group
  therefore protects that group's instances from a grant made for the same group, and from
  nothing granted at account level. `runAsGuard` is the hardened policy's Deny statement alone.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"

  @assumption_A4 @assumption_A61
  Scenario: a hardened Deny for the instance's resource group refuses root there
    Given the RAM user "commandUser" with the policy "commandUserPolicy.denylist"
    And commandUser has the policies "AliyunECSFullAccess" and "runAsGuard" for the resource group of the Linux instance
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the request is refused with "Forbidden.RAM"
    And the refusal was decided by a resource-group-level policy
    And the refusal is an explicit deny
    And the decoded refusal names the policy "runAsGuard"

  @assumption_A4 @assumption_A61 @assumption_A91
  Scenario: a hardened Deny attached through Resource Manager for the instance's resource group refuses root there
    Given the RAM user "commandUser" with the policy "commandUserPolicy.denylist"
    And commandUser has the policies "AliyunECSFullAccess" and "runAsGuard" for the resource group of the Linux instance, attached through Resource Manager
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the request is refused with "Forbidden.RAM"
    And the refusal was decided by a resource-group-level policy
    And the refusal is an explicit deny
    And the decoded refusal names the policy "runAsGuard"

  @finding @assumption_A61
  Scenario: an account-level Allow lets root in despite a hardened Deny for the instance's resource group
    Fix: attach runAsGuard (or commandUserPolicy.hardened) at account level, with no
    ResourceGroupId: a Deny
    attached for a resource group is never evaluated when an account-level policy allows.

    Given the RAM user "commandUser" with the policy "AliyunECSFullAccess"
    And commandUser has the policy "runAsGuard" for the resource group of the Linux instance
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"

  @finding
  Scenario: a hardened Deny for another resource group does not protect this instance
    Fix: attach the Deny for every resource group that holds instances, or at account level.

    Given the RAM user "commandUser" with the policy "commandUserPolicy.anyone"
    And commandUser has the policy "runAsGuard" for the empty resource group "staging"
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"
