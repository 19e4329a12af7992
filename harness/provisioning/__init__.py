"""Making what a scenario needs (provision), checking what the account has (verify), the
write-ahead cleanup ledger, and removing what was made."""
