"""What the steps stand on, the same for every backend: settings, backends, SDK clients,
run-and-wait, provisioning with a cleanup ledger, and evidence for the report."""
