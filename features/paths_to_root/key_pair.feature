@linux @paths_to_root @side_doors
Feature: AttachKeyPair makes an SSH key root's
  AttachKeyPair carries no ecs:CommandRunAs: it binds an SSH key pair to a Linux instance, and
  from the next restart the key pair's public key is root's authorized key (password logon ends),
  so whoever holds its private key logs on as root (assumption A72). The guide's policies do not
  name it, so alone they refuse it.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"
    And the SSH key pair "commandUserKey" holding a public key of commandUser's

  @assumption_A4
  Scenario Outline: the guide's policies alone refuse attaching an SSH key pair
    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSReadOnlyAccess"
    When commandUser attaches the SSH key pair "commandUserKey" to the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an implicit deny

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @finding @assumption_A72
  Scenario Outline: beside AliyunECSFullAccess, commandUser attaches its own SSH key pair and from the next restart it is root's key, so root gets in
    Fix: attach commandUserPolicy.side-doors-closed: its explicit Deny on `ecs:AttachKeyPair`
    holds whatever else is attached. (With the allow-list beside full access, root may also run
    directly: full access allows RunCommand as anyone.)

    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSFullAccess"
    When commandUser attaches the SSH key pair "commandUserKey" to the Linux instance
    Then after the next restart of the Linux instance root's SSH key is the public key of "commandUserKey", so its holder logs on as root

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @assumption_A4
  Scenario: the policy that closes the side doors refuses attaching an SSH key pair even beside full access
    Given the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed" and "AliyunECSFullAccess"
    When commandUser attaches the SSH key pair "commandUserKey" to the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
    And the decoded refusal names the policy "commandUserPolicy.side-doors-closed"
