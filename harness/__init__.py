"""What the steps stand on, the same for every backend: settings, credentials, backends (the
fake, a live account, a recording of one), SDK clients, run-and-wait with retries, provisioning
with a cleanup ledger (or checking the setup, in verify mode), and evidence for the report."""
