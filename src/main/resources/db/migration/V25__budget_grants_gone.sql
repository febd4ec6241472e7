-- A gateway found gone (crashed: its pid, lock file or session lock says so, or its lease ran out) leaves spend that no
-- ledger row holds: its calls since the ledger's last write (rows still queued in the dead process) and its calls in
-- flight. Its rows are no longer deleted then but kept with gone_at set (when it was found gone) and granted_nanos 0:
-- such a row counts used_nanos - flushed_nanos (what its last heartbeat said it had spent or reserved, less what of it
-- reached the ledger) as spent for the rest of its period, so that spend cannot be handed out again. NULL: a live row.
ALTER TABLE budget_grants ADD COLUMN gone_at BIGINT;
