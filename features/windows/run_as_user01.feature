@windows
Feature: On Windows, commandUser runs commands as user01 with a password kept in OOS
  On Windows, Cloud Assistant needs the password of the user it runs as. The guide keeps
  user01's logon password in an OOS encrypted parameter, "axtSecretPassword", in the instance's
  region, and lets the instance read it through the RAM role "AxtSecretRamRole". commandUser
  names the parameter when it runs a command; System, Windows' most privileged account, is
  refused by the same commandUserPolicy as on Linux.

  Background:
    Given a Windows instance with the regular user "user01"
    And the password of "user01" is kept in the encrypted parameter "axtSecretPassword" in the instance's region
    And the instance has the RAM role "AxtSecretRamRole" with the policy "AxtSecretRamRolePolicy"

  Rule: under the allow-list policy
    Background:
      Given the RAM user "commandUser" with the policies "commandUserPolicy.allowlist", "AliyunECSReadOnlyAccess", "AliyunOOSReadOnlyAccess" and "kmsPolicy"

    @assumption_A5
    Scenario: user01 runs a command, and Windows says it ran as user01
      When commandUser runs "whoami" on the Windows instance as "user01" with the password in "axtSecretPassword"
      Then the command succeeds as the Windows user "user01"

    Scenario Outline: System is refused in any letter case
      When commandUser runs "whoami" on the Windows instance as "<user>"
      Then the request is refused with "Forbidden.RAM"
      And nothing ran on the instance

      Examples:
        | user   |
        | System |
        | system |
        | SYSTEM |

    @assumption_A1
    Scenario: a command that names no user would run as System, so it is refused
      When commandUser runs "whoami" on the Windows instance without naming a user
      Then the request is refused with "Forbidden.RAM"
      And nothing ran on the instance

  Rule: under the deny-list policy
    Background:
      Given the RAM user "commandUser" with the policies "commandUserPolicy.denylist", "AliyunECSReadOnlyAccess", "AliyunOOSReadOnlyAccess" and "kmsPolicy"

    @assumption_A5
    Scenario: under the deny-list too, user01 runs a command and Windows says it ran as user01
      When commandUser runs "whoami" on the Windows instance as "user01" with the password in "axtSecretPassword"
      Then the command succeeds as the Windows user "user01"

    Scenario Outline: the deny-list refuses System in any letter case
      When commandUser runs "whoami" on the Windows instance as "<user>"
      Then the request is refused with "Forbidden.RAM"
      And nothing ran on the instance

      Examples:
        | user   |
        | System |
        | SYSTEM |

    @assumption_A1
    Scenario: the deny-list refuses a command that names no user, as it would run as System
      When commandUser runs "whoami" on the Windows instance without naming a user
      Then the request is refused with "Forbidden.RAM"
      And nothing ran on the instance
