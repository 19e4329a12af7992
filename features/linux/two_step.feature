@linux @two_step
Feature: The same rules hold for saved commands run with InvokeCommand
  Cloud Assistant can also save a command first (CreateCommand) and run it later
  (InvokeCommand). The run-as user is chosen only when the command is invoked, so that is where
  the policy must refuse root.

  Rule: under the allow-list policy
    Background:
      Given a Linux instance with the regular users "user01" and "user02"
      And the RAM user "commandUser" with the policies "commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"
      And the administrator has saved the command "whoami" as "identity-check"

    Scenario: an approved user runs the saved command as themselves
      When commandUser runs the saved command "identity-check" on the Linux instance as "user01"
      Then the command succeeds with the output "user01"

    Scenario Outline: root and unlisted users cannot run the saved command
      When commandUser runs the saved command "identity-check" on the Linux instance as "<user>"
      Then the request is refused with "Forbidden.RAM"
      And nothing ran on the instance

      Examples:
        | user   |
        | root   |
        | user03 |

    @assumption_A1
    Scenario: the saved command cannot be run without naming a user
      When commandUser runs the saved command "identity-check" on the Linux instance without naming a user
      Then the request is refused with "Forbidden.RAM"
      And nothing ran on the instance

    @assumption_A2 @assumption_A8
    Scenario: commandUser cannot save commands, because saving names no run-as user
      When commandUser saves the command "whoami" as "my-check"
      Then the request is refused with "Forbidden.RAM"

  Rule: under the deny-list policy
    Background:
      Given a Linux instance with the regular users "user01" and "user02"
      And the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "AliyunECSReadOnlyAccess"

    @assumption_A2 @assumption_A8
    Scenario: commandUser saves a command and runs it as a regular user
      When commandUser saves the command "whoami" as "my-check"
      And commandUser runs the saved command "my-check" on the Linux instance as "user01"
      Then the command succeeds with the output "user01"

    @assumption_A2 @assumption_A8
    Scenario Outline: commandUser saves a command but cannot run it as root or system
      When commandUser saves the command "whoami" as "my-check"
      And commandUser runs the saved command "my-check" on the Linux instance as "<user>"
      Then the request is refused with "Forbidden.RAM"
      And nothing ran on the instance

      Examples:
        | user   |
        | root   |
        | System |
