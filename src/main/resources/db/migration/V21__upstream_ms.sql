-- The time of the upstream call a ledger row stands for, from that attempt's start to its end. A served call's row
-- (attempt 0) is also its request-log row (V11), so its started_at and latency_ms are the request's, what the client
-- waited: a fallback's failed attempts and retry waits included. The dashboard's latency per model is the serving
-- deployment's own time, so it reads this column (the latency_daily rollup, kept by the ledger's writer); a failed
-- attempt's row holds its latency_ms here too. NULL where no upstream call served (a cache hit, a call refused or
-- blocked before one) and on the rows written before this migration, which the rollup counted by latency_ms and keeps.
ALTER TABLE spend_logs ADD COLUMN upstream_ms BIGINT;
