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
CREATE INDEX request_log_ended ON request_log (ended_at);
CREATE INDEX request_log_key ON request_log (key_id, ended_at);
CREATE INDEX request_log_trace ON request_log (trace_id);
CREATE INDEX request_log_session ON request_log (session_id, ended_at);
