-- A key's spend of its budget period (KeyStore.spentThisPeriod: /key/info, /key/list, the dashboard's overview) is
-- SUM(cost_nanos) of the key's rows from its period's start with in_ledger = TRUE. With (key_id, ended_at) the index
-- found the rows but each was then read from the table for in_ledger and cost_nanos: 272,000 rows of one key cost the
-- overview 190-370 ms (thirty-fifth session's QA). With both columns in the index the sum reads the index only
-- (SQLite: "USING COVERING INDEX"; PostgreSQL: an index-only scan), about a quarter of the CPU. The same index, one
-- index a row as before, so the ledger's writer keeps its count of index inserts; the filters of /spend/logs by key
-- (key_id, then ended_at) use it as they used the old one. Trailing columns rather than INCLUDE: SQLite has no INCLUDE.
DROP INDEX spend_logs_key;
CREATE INDEX spend_logs_key ON spend_logs (key_id, ended_at, in_ledger, cost_nanos);

-- The requests that did not succeed (refused by a key's budget, rate limit, allowlist or expiry, or failed on every
-- attempt), which the dashboard's overview counts per key and status for its period (RequestLogStore.refusedByKey) and
-- the Requests view lists: no index held them, and a count read every log row of the period. Partial, so a served call
-- (almost every row) costs the writers no index entry. Covering, attempt and in_log included: SQLite (never ANALYZEd
-- by the gateway) otherwise took spend_logs_log_ended, as good for the range without statistics, and read every log
-- row of the period (DashboardIndexPlanTest). Its condition is RequestLogStore.REFUSED's, term for term (both
-- databases use a partial index only for a query whose WHERE implies it).
CREATE INDEX spend_logs_log_refused ON spend_logs (ended_at, key_id, key_alias, log_status, status, attempt, in_log)
    WHERE attempt = 0 AND in_log = TRUE AND COALESCE(log_status, status) <> 200;
