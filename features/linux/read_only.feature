@linux @readonly
Feature: AliyunECSReadOnlyAccess lets commandUser see instances and results
  The guide attaches AliyunECSReadOnlyAccess beside commandUserPolicy. The condition in
  commandUserPolicy covers its Describe actions too, and those calls carry no run-as user, so
  without the read-only policy commandUser could not even list the instance.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"

  @assumption_A3
  Scenario: with the read-only policy, commandUser lists the instance
    Given the RAM user "commandUser" with the policies "commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"
    When commandUser lists the ECS instances
    Then the Linux instance is among them

  @assumption_A3
  Scenario: with the read-only policy, commandUser reads the result of its own run
    Given the RAM user "commandUser" with the policies "commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"
    And commandUser has run "id -un" on the Linux instance as "user02"
    Then commandUser can read the result of that run, showing "user02"

  @assumption_A2 @assumption_A8
  Scenario: without the read-only policy, the allow-list alone does not let commandUser list instances
    Given the RAM user "commandUser" with the policy "commandUserPolicy.allowlist"
    When commandUser lists the ECS instances
    Then the request is refused with "Forbidden.RAM"
