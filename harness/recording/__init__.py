"""Record and replay: one vcrpy cassette per scenario, scrubbed of secrets and account ids."""
