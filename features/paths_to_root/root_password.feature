@linux @paths_to_root @side_doors
Feature: ModifyInstanceAttribute sets the root password
  ModifyInstanceAttribute carries no ecs:CommandRunAs: with Password it sets the logon password
  of root (Administrator on Windows), with UserData a script that runs as root at the next start
  (assumption A46). The guide's policies do not name it, so alone they refuse it.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"

  @assumption_A4
  Scenario Outline: the guide's policies alone refuse setting the root password
    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSReadOnlyAccess"
    When commandUser sets a new root password on the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an implicit deny

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @finding @assumption_A46
  Scenario Outline: beside AliyunECSFullAccess, commandUser sets the root password, so root gets in
    Fix: attach commandUserPolicy.side-doors-closed: its explicit Deny on `ecs:ModifyInstanceAttribute` holds whatever
    else is attached. (With the allow-list beside full access, root may also run directly:
    full access allows RunCommand as anyone.)

    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSFullAccess"
    When commandUser sets a new root password on the Linux instance
    Then the request is accepted, so root's password is commandUser's to choose

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @assumption_A4
  Scenario: the policy that closes the side doors refuses setting the root password even beside full access
    Given the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed" and "AliyunECSFullAccess"
    When commandUser sets a new root password on the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
