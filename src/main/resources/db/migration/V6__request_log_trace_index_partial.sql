-- The request log's trace_id index keeps only the rows that have a trace id. Untraced calls (no OTLP export and no
-- client trace id: the default) have none, and indexing their NULLs cost the log's writer one more index insert per row
-- for no query: the lookups are `trace_id = ?`, which both databases answer from a partial index whose condition is
-- `trace_id IS NOT NULL` (an equality implies it). docs/architecture.md, "Performance notes", 2026-12-01 11:30.
DROP INDEX request_log_trace;
CREATE INDEX request_log_trace ON request_log (trace_id) WHERE trace_id IS NOT NULL;
