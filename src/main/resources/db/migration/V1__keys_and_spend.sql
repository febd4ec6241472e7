-- Switchboard's schema, one file for SQLite and PostgreSQL: only types and statements both accept.
-- Times are epoch milliseconds (BIGINT), money is nano-dollars (BIGINT, 1e-9 USD) so sums are exact,
-- lists and maps are JSON text.

-- Virtual keys. The key itself is never stored: `token` is the SHA-256 of it (hex), `key_name` a masked hint.
-- `key_id` stays the same across /key/regenerate, so spend and budgets follow the key, not its secret.
CREATE TABLE virtual_keys (
    key_id                VARCHAR(40)  NOT NULL PRIMARY KEY,
    token                 VARCHAR(64)  NOT NULL UNIQUE,
    key_name              VARCHAR(64)  NOT NULL,
    key_alias             VARCHAR(255) UNIQUE,
    models                TEXT         NOT NULL,
    max_budget            DOUBLE PRECISION,
    soft_budget           DOUBLE PRECISION,
    budget_duration       VARCHAR(16),
    budget_anchor         BIGINT       NOT NULL,
    expires_at            BIGINT,
    rpm_limit             BIGINT,
    tpm_limit             BIGINT,
    max_parallel_requests BIGINT,
    auto_tier             VARCHAR(16),
    metadata              TEXT         NOT NULL,
    tags                  TEXT         NOT NULL,
    blocked               BOOLEAN      NOT NULL,
    created_at            BIGINT       NOT NULL,
    updated_at            BIGINT       NOT NULL
);

-- The spend ledger: one row per served call (attempt 0), and one per failed attempt before it (1, 2, …),
-- which cost nothing but show which provider hiccuped.
CREATE TABLE spend_logs (
    request_id        VARCHAR(64)  NOT NULL,
    attempt           INTEGER      NOT NULL,
    started_at        BIGINT       NOT NULL,
    ended_at          BIGINT       NOT NULL,
    key_id            VARCHAR(40),
    key_alias         VARCHAR(255),
    end_user          VARCHAR(255),
    call_type         VARCHAR(16)  NOT NULL,
    requested_model   VARCHAR(255),
    deployment        VARCHAR(255),
    route             VARCHAR(64),
    tier              VARCHAR(128),
    cache_status      VARCHAR(16),
    prompt_tokens     BIGINT       NOT NULL,
    completion_tokens BIGINT       NOT NULL,
    cache_read_tokens BIGINT       NOT NULL,
    cache_write_tokens BIGINT      NOT NULL,
    reasoning_tokens  BIGINT       NOT NULL,
    usage_estimated   BOOLEAN      NOT NULL,
    cost_nanos        BIGINT       NOT NULL,
    saved_nanos       BIGINT       NOT NULL,
    priced            BOOLEAN      NOT NULL,
    latency_ms        BIGINT,
    ttft_ms           BIGINT,
    status            INTEGER      NOT NULL,
    error_type        VARCHAR(64),
    PRIMARY KEY (request_id, attempt)
);
CREATE INDEX spend_logs_ended ON spend_logs (ended_at);
CREATE INDEX spend_logs_key ON spend_logs (key_id, ended_at);

-- Tags of each ledger row (the key's, the request's metadata.tags and x-switchboard-tags), one row per tag,
-- so spend can be grouped by tag in plain SQL on both databases.
CREATE TABLE spend_tags (
    request_id VARCHAR(64)  NOT NULL,
    attempt    INTEGER      NOT NULL,
    tag        VARCHAR(255) NOT NULL,
    ended_at   BIGINT       NOT NULL,
    PRIMARY KEY (request_id, attempt, tag)
);
CREATE INDEX spend_tags_tag ON spend_tags (tag, ended_at);
