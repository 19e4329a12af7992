@linux @allowlist
Feature: Under the allow-list policy, commandUser runs commands only as user01 and user02
  The guide's allow-list commandUserPolicy lets commandUser run Cloud Assistant commands only
  when `ecs:CommandRunAs` is one of "user01" and "user02". Anyone else, root included, is refused
  by RAM before the command reaches the instance.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"
    And the RAM user "commandUser" with the policies "commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"

  Scenario Outline: an approved user runs a command as themselves
    When commandUser runs "whoami" on the Linux instance as "<user>"
    Then the command succeeds with the output "<user>"

    Examples:
      | user   |
      | user01 |
      | user02 |

  Scenario Outline: root and unlisted users are refused before anything runs
    When commandUser runs "whoami" on the Linux instance as "<user>"
    Then the request is refused with "Forbidden.RAM"
    And nothing ran on the instance

    Examples:
      | user   |
      | root   |
      | ROOT   |
      | user03 |

  @assumption_A1
  Scenario: a command that names no user would run as root, so it is refused
    When commandUser runs "whoami" on the Linux instance without naming a user
    Then the request is refused with "Forbidden.RAM"
    And nothing ran on the instance

  Scenario: every user the administrator says must be refused is refused
    When commandUser runs "whoami" on the Linux instance as each user that must be refused
    Then each of those requests is refused with "Forbidden.RAM"
    And nothing ran on the instance

  Scenario: no spelling of root or system gets past the allow-list, proved for every name
    Then no user name that is root or system can be run as

  Scenario: the allow-list lets commandUser run as user01 and user02 and as no one else
    Then the only names commandUser can run as are "user01" and "user02"
