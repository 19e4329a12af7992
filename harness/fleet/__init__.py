"""Fleet verification: every instance of a selection (tags, resource group, ids) checked as
commandUser, one verdict per instance, and drift against an earlier run.

- selection.py: DescribeInstances (paged) and DescribeCloudAssistantStatus; unfit agents out;
- check.py: the runs (100 instances a call, refused names one instance at a time), verdicts;
- pacing.py: max concurrency, a shared pause after throttling, the deadline;
- verdicts.py: the verdict model, its JSON, drift; terminal.py: progress bar and summary;
- cli.py: `python -m harness fleet`; scene.py: the fleet a scenario names (steps/fleet.py);
- on_fake.py: a fleet check on the in-process fake, for the benchmark and the tests.
"""
