@windows @paths_to_root @denylist
Feature: On Windows, the deny-list lets commandUser run as Administrator
  The deny-list names system and root. The built-in Administrator, and every member of the local
  Administrators group, is neither, so RAM lets commandUser run as them once their password is
  in the parameter: the machine is theirs.

  @finding @assumption_A5
  Scenario: under the deny-list commandUser runs as Administrator, so the machine's administrator gets in
    Fix: attach the allow-list commandUserPolicy (or commandUserPolicy.side-doors-closed), which
    names the regular users that may be run as; keep administrators' passwords out of the
    parameters commandUser may name.

    Given a Windows instance with the regular users "user01" and "Administrator"
    And the RAM user "commandUser" with the policies "commandUserPolicy.denylist", "AliyunECSReadOnlyAccess", "AliyunOOSReadOnlyAccess" and "kmsPolicy"
    And the password of "Administrator" is kept in the encrypted parameter "axtSecretPassword" in the instance's region
    And the instance has the RAM role "AxtSecretRamRole" with the policy "AxtSecretRamRolePolicy"
    When commandUser runs "whoami" on the Windows instance as "Administrator" with the password in "axtSecretPassword"
    Then the command succeeds as the Windows user "Administrator"
