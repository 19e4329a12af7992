@paths_to_root @denylist
Feature: A run-as name made to look like root never runs as root
  The deny-list compares names, ignoring letter case. A name that differs from root or system
  only by white space, an invisible or look-alike character, a path or a number may pass that
  comparison; what matters is that the instance has no such account, so nothing runs. Names are
  written with escapes (`\u200b` is a zero-width space, `\u043e` a Cyrillic o), so no invisible
  character hides in this file. The instance looks a name up as the OS does (assumption A47).

  @linux @assumption_A47
  Scenario Outline: on Linux, a name made to look like root is refused or fails, and never runs as root
    Given a Linux instance with the regular users "user01" and "user02"
    And the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "AliyunECSReadOnlyAccess"
    When commandUser runs "whoami" on the Linux instance as the name written "<name>"
    Then it is refused, or it fails on the instance, and it never runs as root or System

    Examples:
      | name            |
      | ROOT            |
      | rOoT            |
      | \u0020root      |
      | root\u0020      |
      | root\t          |
      | ro\u200bot      |
      | \ufeffroot      |
      | r\u043e\u043et  |
      | ./root          |
      | 0               |
      | SYSTEM          |

  @windows @assumption_A47 @assumption_A5
  Scenario Outline: on Windows, a name made to look like System is refused or fails, and never runs as System
    Given a Windows instance with the regular user "user01"
    And the RAM user "commandUser" with the policies "commandUserPolicy.denylist", "AliyunECSReadOnlyAccess", "AliyunOOSReadOnlyAccess" and "kmsPolicy"
    And the password of "user01" is kept in the encrypted parameter "axtSecretPassword" in the instance's region
    And the instance has the RAM role "AxtSecretRamRole" with the policy "AxtSecretRamRolePolicy"
    When commandUser runs "whoami" on the Windows instance as the name written "<name>" with the password in "axtSecretPassword"
    Then it is refused, or it fails on the instance, and it never runs as root or System

    Examples:
      | name                 |
      | system               |
      | .\\System            |
      | NT AUTHORITY\\SYSTEM |
      | LocalSystem          |
      | \u0020System         |
      | Syst\u0435m          |
