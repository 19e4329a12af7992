@linux @paths_to_root @side_doors @assumption_A41
Feature: In a container, the run-as user named does not take effect: the command runs as root
  With ContainerId or ContainerName, "the specified Username and WorkingDir parameters do not
  take effect. The command can only be run by the default user of the container", often root.
  RAM still sees the Username sent in ecs:CommandRunAs (assumption A41), so a policy that
  conditions on it lets the run through as user01, and it runs as root in the container.
  No condition key names the container, so no condition on the run-as user can close this door.
  What RAM can do is keep commandUser off the instances that host containers altogether: the
  administrator tags them, and a Deny refuses every run on an instance with that tag
  (acs:ResourceTag, which Alibaba documents for deciding on which instances a RAM user may run
  Cloud Assistant commands; assumption A83). That closes the door only where the tag is: a
  container host the administrator did not tag stays open, and commandUser must not be able to
  change tags (the same policy denies it).

  The instance runs the container "app", whose default user is root (no USER in its image).

  Background:
    Given a Linux instance with the regular users "user01" and "user02", running the container "app" as "root"

  @finding @allowlist
  Scenario: under the guide's allow-list alone, a run in a container "as user01" runs as root, so root gets in
    Fix: give containers on instances commandUser may reach a non-root default user (USER in the
    image), or keep commandUser off those instances: tag them "hosts-containers" and attach
    denyRunsOnContainerHosts; no condition key on the run-as user can close it.

    Given the RAM user "commandUser" with the policies "commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"
    When commandUser runs "whoami" on the Linux instance as "user01" in the container "app"
    Then the command succeeds with the output "root"

  @finding @denylist
  Scenario: under the deny-list beside AliyunECSFullAccess, a run in a container "as user01" runs as root, so root gets in
    Fix: the deny-list refuses only the run-as names root and system, and in a container the name
    does not take effect: tag the instances that host containers "hosts-containers" and attach
    denyRunsOnContainerHosts, or give the containers a non-root default user (USER in the image).

    Given the RAM user "commandUser" with the policies "commandUserPolicy.denylist" and "AliyunECSFullAccess"
    When commandUser runs "whoami" on the Linux instance as "user01" in the container "app"
    Then the command succeeds with the output "root"

  @finding
  Scenario: even the policy that closes the side doors lets a run in a container "as user01" run as root, so root gets in
    Fix: tag the instances that host containers "hosts-containers" and attach
    denyRunsOnContainerHosts beside it (the next scenario), or give the containers a non-root
    default user (USER in the image).

    Given the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed" and "AliyunECSFullAccess"
    When commandUser runs "whoami" on the Linux instance as "user01" in the container "app"
    Then the command succeeds with the output "root"

  @assumption_A83 @assumption_A84
  Scenario: the policy that keeps commandUser off instances tagged as container hosts refuses a run in a container there, even beside full access
    Given the administrator tags the Linux instance "hosts-containers" with "true"
    And the RAM user "commandUser" with the policies "commandUserPolicy.side-doors-closed", "denyRunsOnContainerHosts" and "AliyunECSFullAccess"
    When commandUser runs "whoami" on the Linux instance as "user01" in the container "app"
    Then the request is refused with "Forbidden.RAM"
    And the refusal is an explicit deny
    And the decoded refusal names the policy "denyRunsOnContainerHosts"
