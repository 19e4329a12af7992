"""Loads the harness's pytest plugin and the step definitions, by domain."""

pytest_plugins = [
    "harness.plugin",
    "steps.instances",
    "steps.accounts",
    "steps.commands",
    "steps.windows",
    "steps.proofs",
    "steps.groups",
    "steps.escalation",
    "steps.privilege",
    "steps.side_doors",
    "steps.fleet",
    "steps.instance_roles",
]
