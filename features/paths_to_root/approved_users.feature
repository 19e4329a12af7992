@linux @paths_to_root @allowlist
Feature: Each approved run-as user is a regular user on the instance, not root by another name
  The allow-list is only as good as the users it names. A user with passwordless sudo (even for
  one command: `sudo -n -l` lists a rule such as `NOPASSWD: /bin/bash`), in a
  group that administers the machine (sudo, wheel, admin, adm, docker, lxd, disk), or a second
  account with uid 0, is root under another name. Each check runs a real command as the user
  and reads its real output, so it holds on a real instance as on the fake.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"
    And the RAM user "commandUser" with the policies "commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"

  Scenario Outline: an approved user cannot use sudo without a password
    Then "<user>" cannot use sudo without a password on the Linux instance

    Examples:
      | user   |
      | user01 |
      | user02 |

  Scenario Outline: an approved user is in no group that administers the instance
    Then "<user>" is in no group that administers the Linux instance

    Examples:
      | user   |
      | user01 |
      | user02 |

  Scenario: root is the only account with uid 0
    Then the Linux instance has exactly one account with uid 0
