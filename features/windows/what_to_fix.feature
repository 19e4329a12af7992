@windows
Feature: Each missing piece of the Windows setup fails in its own way
  The Windows setup has several moving parts: the encrypted parameter and its region, the
  instance RAM role and what its policy allows, the password itself, and the user. When one is
  wrong, the command is accepted by RAM and then fails on the instance with an ErrorCode that
  names the part to fix. Each scenario names the fix in its title.

  Background:
    Given a Windows instance with the regular user "user01"
    And the RAM user "commandUser" with the policies "commandUserPolicy.allowlist", "AliyunECSReadOnlyAccess", "AliyunOOSReadOnlyAccess" and "kmsPolicy"

  Scenario: without WindowsPasswordName the request is refused: name the parameter that holds the password
    Given the password of "user01" is kept in the encrypted parameter "axtSecretPassword" in the instance's region
    And the instance has the RAM role "AxtSecretRamRole" with the policy "AxtSecretRamRolePolicy"
    When commandUser runs "whoami" on the Windows instance as "user01"
    Then the request is refused with "WindowsPasswordName.Missed"
    And nothing ran on the instance

  Scenario: without an instance RAM role the command fails: attach AxtSecretRamRole to the instance
    Given the password of "user01" is kept in the encrypted parameter "axtSecretPassword" in the instance's region
    When commandUser runs "whoami" on the Windows instance as "user01" with the password in "axtSecretPassword"
    Then the command fails on the instance with "InstanceRoleInvalid"

  @assumption_A5
  Scenario: without the parameter the command fails: create axtSecretPassword in OOS
    Given the instance has the RAM role "AxtSecretRamRole" with the policy "AxtSecretRamRolePolicy"
    When commandUser runs "whoami" on the Windows instance as "user01" with the password in "axtSecretPassword"
    Then the command fails on the instance with "QueryParameterStoreFailed"

  @assumption_A5
  Scenario: with the parameter in another region the command fails: create it in the instance's region
    Given the password of "user01" is kept in the encrypted parameter "axtSecretPassword" in the region "cn-shanghai"
    And the instance has the RAM role "AxtSecretRamRole" with the policy "AxtSecretRamRolePolicy"
    When commandUser runs "whoami" on the Windows instance as "user01" with the password in "axtSecretPassword"
    Then the command fails on the instance with "QueryParameterStoreFailed"

  @assumption_A5
  Scenario: when the role may not read the parameter the command fails: grant oos:GetSecretParameter and kms:GetSecretValue
    Given the password of "user01" is kept in the encrypted parameter "axtSecretPassword" in the instance's region
    And the instance has the RAM role "AxtSecretRamRole" with the policy "AliyunECSReadOnlyAccess"
    When commandUser runs "whoami" on the Windows instance as "user01" with the password in "axtSecretPassword"
    Then the command fails on the instance with "QueryParameterStoreFailed"

  @assumption_A5
  Scenario: with a wrong password in the parameter the command fails: store user01's current password
    Given the encrypted parameter "axtSecretPassword" holds a wrong password for "user01"
    And the instance has the RAM role "AxtSecretRamRole" with the policy "AxtSecretRamRolePolicy"
    When commandUser runs "whoami" on the Windows instance as "user01" with the password in "axtSecretPassword"
    Then the command fails on the instance with "UserOrPasswordInvalid"

  Scenario: for a user the instance does not have the command fails: create user02 on the instance, or name a user it has
    Given the password of "user01" is kept in the encrypted parameter "axtSecretPassword" in the instance's region
    And the instance has the RAM role "AxtSecretRamRole" with the policy "AxtSecretRamRolePolicy"
    When commandUser runs "whoami" on the Windows instance as "user02" with the password in "axtSecretPassword"
    Then the command fails on the instance with "AccountNotExists"
