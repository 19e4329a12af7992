@linux @effective_permissions @assumption_A65
Feature: A control policy is the guard rail that holds whatever is attached later
  Resource Directory control policies are evaluated before any identity policy, and an explicit
  Deny there refuses the request whatever commandUser's own or its groups' policies allow. A
  control policy that denies `ecs:CommandRunAs` root and system keeps those two names out even
  beside AliyunECSFullAccess, but it is a deny-list: ecs-assist-user (then sudo) and every side
  door still reach root. The control policy that closes the paths to root
  (closeRootPaths.control) denies RunCommand and InvokeCommand for any run-as user but user01 and
  user02, and the side-door actions outright. A control policy grants nothing, so regular users
  still need the guide's policy; and it binds every RAM user and role in the account,
  administrators' included: under closeRootPaths no RAM identity runs a command as root or uses
  a side door, which is the point of a guard rail (only the account itself, which is no RAM
  identity, is left to do it). No condition on the run-as user closes a run in a container
  (paths_to_root/container.feature): that needs denyRunsOnContainerHosts.

  Background:
    Given a Linux instance with the regular users "user01" and "user02"
    And the RAM user "commandUser" with the policy "AliyunECSFullAccess"

  @assumption_A4
  Scenario Outline: the control policy refuses root and system whatever identity policies say
    Given the control policy "denyRootRunAs.control" is attached to the resource directory
    When commandUser runs "whoami" on the Linux instance as "<user>"
    Then the request is refused with "Forbidden.RAM"
    And the refusal was decided by a control policy
    And the refusal is an explicit deny
    And the decoded refusal names the policy "denyRootRunAs"
    And nothing ran on the instance

    Examples:
      | user   |
      | root   |
      | System |

  @assumption_A1 @assumption_A4
  Scenario: the control policy refuses a command that names no user
    Given the control policy "denyRootRunAs.control" is attached to the resource directory
    When commandUser runs "whoami" on the Linux instance without naming a user
    Then the request is refused with "Forbidden.RAM"
    And the refusal was decided by a control policy

  Scenario: a regular user still runs under the control policy
    Given the control policy "denyRootRunAs.control" is attached to the resource directory
    When commandUser runs "whoami" on the Linux instance as "user01"
    Then the command succeeds with the output "user01"

  @finding @assumption_A40
  Scenario: beside AliyunECSFullAccess, the control policy denying root and system lets commandUser run as ecs-assist-user after a Session Manager session, and sudo makes it root, so root gets in
    Fix: attach closeRootPaths.control instead: it denies every run-as user but user01 and
    user02, so ecs-assist-user too.

    Given Session Manager has been used on the Linux instance
    And the control policy "denyRootRunAs.control" is attached to the resource directory
    When commandUser runs "sudo -n whoami" on the Linux instance as "ecs-assist-user"
    Then the command succeeds with the output "root"

  @finding @assumption_A40
  Scenario: beside AliyunECSFullAccess, the control policy denying root and system lets commandUser open a Session Manager shell as ecs-assist-user, who sudoes, so root gets in
    Fix: attach closeRootPaths.control instead: its explicit Deny on `ecs:StartTerminalSession`,
    `ecs:SendFile` and the other side doors holds whatever identity policies allow.

    Given the control policy "denyRootRunAs.control" is attached to the resource directory
    When commandUser opens a Session Manager shell on the Linux instance
    Then the shell runs as "ecs-assist-user"
    And "ecs-assist-user" can use sudo without a password on the Linux instance

  @assumption_A4
  Scenario Outline: the control policy that closes the paths to root refuses any run-as user but the regular ones whatever identity policies say
    Given Session Manager has been used on the Linux instance
    And the control policy "closeRootPaths.control" is attached to the resource directory
    When commandUser runs "sudo -n whoami" on the Linux instance as "<user>"
    Then the request is refused with "Forbidden.RAM"
    And the refusal was decided by a control policy
    And the refusal is an explicit deny
    And the decoded refusal names the policy "closeRootPaths"
    And nothing ran on the instance

    Examples:
      | user            |
      | root            |
      | System          |
      | ecs-assist-user |

  @assumption_A4
  Scenario: the control policy that closes the paths to root refuses sending a file whatever identity policies say
    Given the control policy "closeRootPaths.control" is attached to the resource directory
    When commandUser sends a file into "/etc/sudoers.d" on the Linux instance that gives "user01" passwordless sudo
    Then the request is refused with "Forbidden.RAM"
    And the refusal was decided by a control policy
    And the refusal is an explicit deny
    And the decoded refusal names the policy "closeRootPaths"

  @assumption_A4
  Scenario: the control policy that closes the paths to root refuses a Session Manager shell whatever identity policies say
    Given the control policy "closeRootPaths.control" is attached to the resource directory
    When commandUser opens a Session Manager shell on the Linux instance
    Then the request is refused with "Forbidden.RAM"
    And the refusal was decided by a control policy
    And the refusal is an explicit deny
    And the decoded refusal names the policy "closeRootPaths"

  Scenario: a regular user still runs under the control policy that closes the paths to root
    Given the control policy "closeRootPaths.control" is attached to the resource directory
    When commandUser runs "whoami" on the Linux instance as "user01"
    Then the command succeeds with the output "user01"
