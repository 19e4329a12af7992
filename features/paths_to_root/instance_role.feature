@linux @paths_to_root @side_doors
Feature: AttachInstanceRamRole gives what runs as root on the instance a RAM role
  Whatever runs on the instance as root can act with the instance's RAM role (the metadata
  service hands out its credentials), so attaching a more powerful role is a way up from the
  instance into the account. It carries no ecs:CommandRunAs, and it also needs ram:PassRole.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"

  @assumption_A4
  Scenario Outline: the guide's policies alone refuse attaching a RAM role to the instance
    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSReadOnlyAccess"
    When commandUser attaches the RAM role "AxtSecretRamRole" to the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an implicit deny

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @assumption_A4
  Scenario: the policy that closes the side doors refuses attaching a RAM role even beside full access
    Given the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed" and "AliyunECSFullAccess"
    When commandUser attaches the RAM role "AxtSecretRamRole" to the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
