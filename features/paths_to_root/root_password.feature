@linux @paths_to_root @side_doors
Feature: ModifyInstanceAttribute sets the root password and user data that runs as root
  ModifyInstanceAttribute carries no ecs:CommandRunAs: with Password it sets the logon password
  of root (Administrator on Windows), in effect from the next restart; with UserData a script
  that cloud-init runs as root at the next start (assumption A46). The guide's policies do not
  name it, so alone they refuse it. What changed is read back as root by the administrator:
  /etc/shadow by its digest (the hash never leaves the instance), the script's output in
  cloud-init's output log.

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
    Then after the next restart of the Linux instance root's password hash in the shadow file, read as root, has changed, so root's password is commandUser's to choose

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
    And the decoded refusal names the policy "commandUserPolicy.side-doors-closed"

  @assumption_A4
  Scenario Outline: the guide's policies alone refuse setting the instance's user data
    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSReadOnlyAccess"
    When commandUser sets the user data of the Linux instance to a script
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an implicit deny

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @finding @assumption_A46
  Scenario Outline: beside AliyunECSFullAccess, commandUser sets the instance's user data and at the next restart its script runs as root, so root gets in
    Fix: attach commandUserPolicy.side-doors-closed: its explicit Deny on `ecs:ModifyInstanceAttribute` holds whatever
    else is attached. (With the allow-list beside full access, root may also run directly:
    full access allows RunCommand as anyone.)

    Given the RAM user "commandUser" with the policies "<policy>" and "AliyunECSFullAccess"
    When commandUser sets the user data of the Linux instance to a script
    Then after the next restart of the Linux instance the script has printed "root" in the cloud-init output log, so commandUser's script ran as root

    Examples:
      | policy                      |
      | commandUserPolicy.allowlist |
      | commandUserPolicy.denylist  |

  @assumption_A4
  Scenario: the policy that closes the side doors refuses setting the instance's user data even beside full access
    Given the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed" and "AliyunECSFullAccess"
    When commandUser sets the user data of the Linux instance to a script
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
    And the decoded refusal names the policy "commandUserPolicy.side-doors-closed"
