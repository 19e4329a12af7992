@linux @paths_to_root
Feature: The Cloud Assistant agent's own user, ecs-assist-user, is root by another name
  For Session Manager the agent creates the local user `ecs-assist-user` and gives it
  passwordless sudo (`/etc/sudoers.d/ecs-assist-user`: `ALL=(ALL) NOPASSWD:ALL`). The guide's
  deny-list keeps out only the names root and system, so this user passes RAM, and from it
  `sudo` is root. The allow-list names user01 and user02 only, and refuses it.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"
    And Session Manager has been used on the Linux instance

  @finding @denylist @assumption_A40
  Scenario: under the deny-list, commandUser runs as ecs-assist-user and sudo makes it root, so root gets in
    Fix: attach the allow-list commandUserPolicy (or commandUserPolicy.side-doors-closed), which
    lets only the named regular users through; a deny-list cannot name every sudoer.

    Given the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "AliyunECSReadOnlyAccess"
    When commandUser runs "sudo -n whoami" on the Linux instance as "ecs-assist-user"
    Then the command succeeds with the output "root"

  @finding @hardening @assumption_A40
  Scenario: the guide's hardened deny-list also lets commandUser run as ecs-assist-user, so root gets in
    Fix: attach commandUserPolicy.side-doors-closed: its explicit Deny refuses every run-as user
    but user01 and user02, where commandUserPolicy.hardened denies only root and system.

    Given the RAM user "commandUser" with the policies "commandUserPolicy.hardened" and "AliyunECSReadOnlyAccess"
    When commandUser runs "sudo -n whoami" on the Linux instance as "ecs-assist-user"
    Then the command succeeds with the output "root"

  @allowlist @assumption_A4
  Scenario: the allow-list refuses ecs-assist-user before anything runs
    Given the RAM user "commandUser" with the policies "commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"
    When commandUser runs "sudo -n whoami" on the Linux instance as "ecs-assist-user"
    Then the request is refused with "Forbidden.RAM"
    And nothing ran on the instance

  @assumption_A4
  Scenario: the policy that closes the side doors refuses ecs-assist-user even beside full access
    Given the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed" and "AliyunECSFullAccess"
    When commandUser runs "sudo -n whoami" on the Linux instance as "ecs-assist-user"
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
    And nothing ran on the instance
