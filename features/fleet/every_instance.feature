@linux @fleet @allowlist
Feature: Every instance tagged env=prod refuses root
  The guide's promise holds for an estate only if it holds on every instance. The fleet check
  selects every instance with the tag, leaves out (and names) those whose Cloud Assistant agent
  is not running, and on each of the others runs `whoami; id -Gn; sudo -n -l; sudo -n true` as
  each approved user and tries each user that must be refused, one instance at a time. On the fake the
  backend generates the fleet; against a real account the instances are the account's own,
  found by their tag, and nothing is created.

  Background:
    Given the Linux instances tagged "env=prod", each with the regular users "user01" and "user02" (the fake generates 1000)
    And the RAM user "commandUser" with the policies "commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"

  Scenario: every instance tagged env=prod refuses root
    When commandUser verifies every instance tagged "env=prod"
    Then on every instance each user that must be refused was refused
    And on every instance each approved user ran as itself
    And on no instance can an approved user become root
    And no instance of the fleet was left out
