@linux @effective_permissions @self_escalation
Feature: One RAM permission too many lets commandUser widen its own rights
  The guide gives commandUser ECS permissions only. A user that may also call
  `ram:AttachPolicyToUser`, `ram:AddUserToGroup`, `ram:CreatePolicyVersion` on its own policy,
  `ram:CreateAccessKey` for another user, or `ram:PassRole` with `ecs:AttachInstanceRamRole`,
  can widen its own rights and run as root however the run-as condition is written (Pacu,
  iam__privesc_scan). Each of these permissions is a path to root; the guide's setup grants
  none of them.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"

  Scenario Outline: the guide's setup gives commandUser no RAM permission to widen its rights
    Given the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "AliyunECSReadOnlyAccess"
    And the group "ecsAdmins" with the policy "AliyunECSFullAccess"
    And the RAM user "opsAdmin" with the policy "AliyunECSFullAccess"
    When commandUser <attempt>
    Then the request is refused with "NoPermission"

    Examples:
      | attempt                                                                            |
      | tries to attach the policy "AliyunECSFullAccess" to itself                         |
      | tries to add itself to the group "ecsAdmins"                                       |
      | tries to make "commandUserPolicy.anyone" the default version of its policy "commandUserPolicy" |
      | tries to create an AccessKey of opsAdmin                                           |

  @finding
  Scenario: allowed ram:AttachPolicyToUser, commandUser attaches AliyunECSFullAccess to itself and runs as root
    Fix: never grant commandUser ram:AttachPolicyToUser (nor ram:AttachPolicyToGroup); keep RAM
    administration with the administrator.

    Given the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "mayAttachPolicies"
    And commandUser has attached the policy "AliyunECSFullAccess" to itself
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"

  @finding
  Scenario: allowed ram:AddUserToGroup, commandUser joins a group with full access and runs as root
    Fix: never grant commandUser ram:AddUserToGroup.

    Given the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "mayJoinGroups"
    And the group "ecsAdmins" with the policy "AliyunECSFullAccess"
    And commandUser has added itself to the group "ecsAdmins"
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"

  @finding
  Scenario: allowed ram:CreatePolicyVersion, commandUser rewrites its own policy and runs as root
    Fix: never grant commandUser ram:CreatePolicyVersion or ram:SetDefaultPolicyVersion on its
    own policy; a control policy that denies them keeps the policy as the administrator wrote it.

    Given the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "mayRewriteItsPolicy"
    And commandUser has made the document of "commandUserPolicy.anyone" the default version of its policy "commandUserPolicy"
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"

  @finding
  Scenario: allowed ram:CreateAccessKey for any user, commandUser signs as an administrator and runs as root
    Fix: never grant commandUser ram:CreateAccessKey on users other than itself (scope the
    Resource to `acs:ram:*:*:user/commandUser`, or leave the permission out).

    Given the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "mayCreateKeys"
    And the RAM user "opsAdmin" with the policy "AliyunECSFullAccess"
    And commandUser has created an AccessKey of opsAdmin for itself
    When opsAdmin runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"

  @assumption_A4
  Scenario: the guide's setup gives commandUser no way to hand the instance a RAM role
    Given the RAM user "commandUser" with the policies "commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"
    And the administrator's RAM role "EcsOperatorRole", trusted by ECS, with the policy "AliyunECSFullAccess"
    When commandUser attaches the RAM role "EcsOperatorRole" to the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an implicit deny

  @finding @assumption_A70 @assumption_A71
  Scenario: allowed ram:PassRole and ecs:AttachInstanceRamRole, commandUser hands the instance the administrator's role, signs as that role and runs as root
    Fix: never grant commandUser ram:PassRole (nor ecs:AttachInstanceRamRole); whatever role an
    instance holds, every user who may run a command there holds it too (the metadata service
    asks no one), so give instances no role beyond what their programs need. Even the guide's
    allow-list does not help: user01's own command hands the role's credentials out.

    Given the RAM user "commandUser" with the policies "commandUserPolicy.allowlist", "AliyunECSReadOnlyAccess" and "mayAttachInstanceRoles"
    And the administrator's RAM role "EcsOperatorRole", trusted by ECS, with the policy "AliyunECSFullAccess"
    And commandUser has attached the RAM role "EcsOperatorRole" to the Linux instance
    And commandUser has read the credentials of "EcsOperatorRole" from the metadata service of the Linux instance as "user01"
    When EcsOperatorRole runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"
