"""What a run is told: settings (options, environment twins, TOML), credentials through the
standard chain, the names things get in the cloud, and the policy documents the spec attaches."""
