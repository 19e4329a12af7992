"""The harness's pytest plugin: options and settings, the per-scenario `world` and its
lifecycle, and the report. Each part is its own module; this one only loads them.

Failures of the spec (`SpecViolation`) and of the set-up (`HarnessError`) are shown as one line
plus the scenario's API calls, not as a Python traceback. A scenario that passed while resting on
setup the harness could not check (verify mode) is reported as `assumed`, never as passed.
"""

pytest_plugins = [
    "harness.plugin.options",
    "harness.plugin.lifecycle",
    "harness.plugin.reporting",
    "harness.plugin.collection",
    "harness.plugin.phrases",
    "harness.plugin.evidence",
    "harness.plugin.fleet",
]
