"""HTTP <-> call: request parsing, signatures and Alibaba's JSON envelopes. No state in here."""
