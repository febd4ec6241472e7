-- The request log (observability): one row per request, served or failed, with what the caller's log policy keeps of
-- the prompt and the completion (full, truncated, redacted, or nothing), and the trace it belongs to. Rows older than
-- general_settings.request_log.retention_days are deleted by a background purge. Provider keys are never written here.
CREATE TABLE request_log (
    request_id        VARCHAR(64)  NOT NULL PRIMARY KEY,
    started_at        BIGINT       NOT NULL,
    ended_at          BIGINT       NOT NULL,
    key_id            VARCHAR(40),
    key_alias         VARCHAR(255),
    call_type         VARCHAR(16)  NOT NULL,
    requested_model   VARCHAR(255),
    deployment        VARCHAR(255),
    route             VARCHAR(64),
    tier              VARCHAR(128),
    cache_status      VARCHAR(16),
    status            INTEGER      NOT NULL,
    error_type        VARCHAR(64),
    error_message     TEXT,
    prompt_tokens     BIGINT       NOT NULL,
    completion_tokens BIGINT       NOT NULL,
    cached_tokens     BIGINT       NOT NULL,
    cost_nanos        BIGINT       NOT NULL,
    latency_ms        BIGINT,
    ttft_ms           BIGINT,
    trace_id          VARCHAR(32),
    span_id           VARCHAR(16),
    session_id        VARCHAR(255),
    generation_name   VARCHAR(255),
    tags              TEXT         NOT NULL,
    log_policy        VARCHAR(32)  NOT NULL,
    prompt            TEXT,
    completion        TEXT
);
-- Two indexes only: every insert updates each of them, on the gateway's own cores (bench/run.sh measured the request
-- log at a fifth of a pinned core's throughput with four). ended_at serves the purge and the newest-first pages (a key's
-- or a session's rows are found by walking it backwards); trace_id serves the lookup of one trace's requests.
CREATE INDEX request_log_ended ON request_log (ended_at);
CREATE INDEX request_log_trace ON request_log (trace_id);
