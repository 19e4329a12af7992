"""The official SDKs as the harness uses them: clients per principal, and the gateway every call
goes through (its evidence, its retries, its refusals)."""
