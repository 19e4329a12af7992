@windows @paths_to_root @denylist
Feature: On Windows, the deny-list lets commandUser run as Administrator
  The deny-list names system and root. The built-in Administrator, and every member of the local
  Administrators group, is neither, so RAM lets commandUser run as them: the agent then logs on
  as Administrator with whatever password the named parameter holds. Only that password stands
  between commandUser and the machine's administrator.

  @finding @assumption_A5
  Scenario: under the deny-list RAM lets commandUser run as Administrator, so only a password keeps the administrator out
    Fix: attach the allow-list commandUserPolicy (or commandUserPolicy.side-doors-closed), which
    names the regular users that may be run as; keep administrators' passwords out of every
    parameter commandUser may name.

    Given a Windows instance with the regular user "user01"
    And the RAM user "commandUser" with the policies "commandUserPolicy.denylist", "AliyunECSReadOnlyAccess", "AliyunOOSReadOnlyAccess" and "kmsPolicy"
    And the password of "user01" is kept in the encrypted parameter "axtSecretPassword" in the instance's region
    And the instance has the RAM role "AxtSecretRamRole" with the policy "AxtSecretRamRolePolicy"
    When commandUser runs "whoami" on the Windows instance as "Administrator" with the password in "axtSecretPassword"
    Then RAM accepted it, and the instance tried it as the Windows user "Administrator"
