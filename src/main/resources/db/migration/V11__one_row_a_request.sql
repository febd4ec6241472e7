-- One row a request: the request log's columns move into the spend ledger's table, and a served call's ledger row
-- (attempt 0) carries what the request log keeps of it. Two rows a request (a ledger row and a request-log row, which
-- share most of their columns) cost the gateway's store threads ~5 µs a request more than one (docs/architecture.md,
-- "One row a request"), on the core that serves the requests.
--
-- in_ledger: the row is money (every reader of spend filters on it). FALSE for a request-log row that has no ledger row
--            (a request refused before it was metered, or one whose every attempt failed: its failed attempts are the
--            ledger's rows 1, 2, …), or whose ledger row has not been written yet (it then takes the row over).
-- in_log:    the row is in the request log. The retention purge clears a ledger row's log columns (the money stays) and
--            deletes a row that is only a log row.
ALTER TABLE spend_logs ADD COLUMN in_ledger BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE spend_logs ADD COLUMN in_log BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE spend_logs ADD COLUMN error_message TEXT;
ALTER TABLE spend_logs ADD COLUMN trace_id VARCHAR(32);
ALTER TABLE spend_logs ADD COLUMN span_id VARCHAR(16);
ALTER TABLE spend_logs ADD COLUMN session_id VARCHAR(255);
ALTER TABLE spend_logs ADD COLUMN generation_name VARCHAR(255);
ALTER TABLE spend_logs ADD COLUMN tags TEXT;
ALTER TABLE spend_logs ADD COLUMN log_policy VARCHAR(32);
ALTER TABLE spend_logs ADD COLUMN prompt TEXT;
ALTER TABLE spend_logs ADD COLUMN completion TEXT;
-- How the request ended for its client when that is not the ledger row's status (a stream whose client left, or that
-- broke, after its usage was recorded): the log reads COALESCE(log_status, status).
ALTER TABLE spend_logs ADD COLUMN log_status INTEGER;
ALTER TABLE spend_logs ADD COLUMN log_error_type VARCHAR(64);

-- The request log's rows join their ledger rows (UPDATE … FROM: PostgreSQL, and SQLite from 3.33)…
UPDATE spend_logs SET in_log = TRUE, error_message = r.error_message, trace_id = r.trace_id, span_id = r.span_id,
    session_id = r.session_id, generation_name = r.generation_name, tags = r.tags, log_policy = r.log_policy,
    prompt = r.prompt, completion = r.completion, log_status = r.status, log_error_type = r.error_type
FROM request_log r
WHERE r.request_id = spend_logs.request_id AND spend_logs.attempt = 0;

-- …and the rest become log-only rows.
INSERT INTO spend_logs (request_id, attempt, started_at, ended_at, key_id, key_alias, call_type, requested_model,
    deployment, route, tier, cache_status, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens,
    reasoning_tokens, usage_estimated, cost_nanos, saved_nanos, priced, latency_ms, ttft_ms, status, error_type,
    in_ledger, in_log, error_message, trace_id, span_id, session_id, generation_name, tags, log_policy, prompt, completion)
SELECT r.request_id, 0, r.started_at, r.ended_at, r.key_id, r.key_alias, r.call_type, r.requested_model,
    r.deployment, r.route, r.tier, r.cache_status, r.prompt_tokens, r.completion_tokens, r.cached_tokens, 0,
    0, FALSE, r.cost_nanos, 0, FALSE, r.latency_ms, r.ttft_ms, r.status, r.error_type,
    FALSE, TRUE, r.error_message, r.trace_id, r.span_id, r.session_id, r.generation_name, r.tags, r.log_policy, r.prompt, r.completion
FROM request_log r
WHERE NOT EXISTS (SELECT 1 FROM spend_logs s WHERE s.request_id = r.request_id AND s.attempt = 0);

DROP TABLE request_log;

-- A trace's requests (the only lookup by trace id), from a partial index: untraced rows (the default) add nothing to it.
CREATE INDEX spend_logs_trace ON spend_logs (trace_id) WHERE trace_id IS NOT NULL;
-- The log's rows by time (what request_log_ended was): its newest-first pages and counts, and the retention purge,
-- read only the rows in the log, not the ledger's whole history.
CREATE INDEX spend_logs_log_ended ON spend_logs (ended_at) WHERE in_log = TRUE;
