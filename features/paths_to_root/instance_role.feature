@linux @paths_to_root @side_doors
Feature: AttachInstanceRamRole hands the instance a RAM role, and every user on it the role's rights
  Any program on the instance, run by any local user, reads the instance RAM role's temporary
  credentials from the metadata service (http://100.100.100.200). So giving the instance a more
  powerful role hands that role to whoever may run a regular user's command there: with an
  administrator's role, commandUser signs as the administrator and runs as root. Attaching a role
  carries no ecs:CommandRunAs; it also needs ram:PassRole on the role.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"
    And the administrator's RAM role "EcsOperatorRole", trusted by ECS, with the policy "AliyunECSFullAccess"

  @assumption_A4
  Scenario Outline: the guide's policies alone refuse attaching a RAM role to the instance
    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSReadOnlyAccess"
    When commandUser attaches the RAM role "EcsOperatorRole" to the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an implicit deny

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  Scenario: beside AliyunECSFullAccess alone, attaching a role is refused for want of ram:PassRole
    Given the RAM user "commandUser" with the policies "commandUserPolicy.allowlist" and "AliyunECSFullAccess"
    When commandUser attaches the RAM role "EcsOperatorRole" to the Linux instance
    Then the request is refused with "InvalidUser.PassRoleForbidden"

  @finding @assumption_A70 @assumption_A71
  Scenario Outline: beside AliyunECSFullAccess and ram:PassRole, commandUser gives the instance the administrator's role and user01 hands its credentials out, so root gets in
    Fix: never grant commandUser ram:PassRole (passing roles stays with the administrator), and
    attach commandUserPolicy.side-doors-closed: its explicit Deny on `ecs:AttachInstanceRamRole`
    holds whatever else is attached. (Beside full access, root may also run directly: full
    access allows RunCommand as anyone.)

    Given the RAM user "commandUser" with the policies "<policy>", "AliyunECSFullAccess" and "mayPassRoles"
    When commandUser attaches the RAM role "EcsOperatorRole" to the Linux instance
    And commandUser reads the credentials of "EcsOperatorRole" from the metadata service of the Linux instance as "user01"
    And EcsOperatorRole runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @assumption_A4
  Scenario: the policy that closes the side doors refuses attaching a RAM role even beside full access and ram:PassRole
    Given the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed", "AliyunECSFullAccess" and "mayPassRoles"
    When commandUser attaches the RAM role "EcsOperatorRole" to the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
    And the decoded refusal names the policy "commandUserPolicy.side-doors-closed"

  @finding @assumption_A70 @assumption_A71
  Scenario: a powerful role the administrator gave the instance is user01's too, so even the policy that closes the side doors lets root in
    Fix: give an instance no RAM role that may do more than every user who can run a command on
    it may: its credentials act with the role's policies, not with commandUser's. (The guide's
    own Windows role, AxtSecretRamRole, lets any local user read every secret it may read.)

    Given the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed" and "AliyunECSReadOnlyAccess"
    And the administrator has attached the RAM role "EcsOperatorRole" to the Linux instance
    And commandUser has read the credentials of "EcsOperatorRole" from the metadata service of the Linux instance as "user01"
    When EcsOperatorRole runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"
