-- Which deployment entry served or failed a call: the entry's model_info.id (LiteLLM's model_id), beside its
-- provider/model. Two entries of one provider/model (two keys of one provider, one model in two regions) have the same
-- deployment; their ids tell them apart in the ledger's rows, the dashboard's errors and latency, and the metrics.
--
-- spend_logs.model_id: NULL when the entry has no model_info.id (the writer leaves the column out then: nothing more to
-- bind on a gateway without ids), on a cache hit, a call refused before an attempt, and on every row written before
-- this migration; the readers answer "" for NULL.
ALTER TABLE spend_logs ADD COLUMN model_id VARCHAR(255);

-- The daily rollups (V4) are keyed by their whole list of dimensions, so model_id joins their primary keys: both are
-- rebuilt (SQLite cannot change a primary key in place). Their rows are moved through a copy, so that the new tables
-- have their own names and their own primary keys' names on PostgreSQL (spend_daily_pkey, latency_daily_pkey); rows
-- written before this migration are of no entry: model_id ''. A rollup is a few thousand rows, whatever the ledger holds.
CREATE TABLE spend_daily_v22 AS SELECT * FROM spend_daily;
DROP TABLE spend_daily;
CREATE TABLE spend_daily (
    day                BIGINT       NOT NULL,
    key_id             VARCHAR(40)  NOT NULL,
    key_alias          VARCHAR(255) NOT NULL,
    model              VARCHAR(255) NOT NULL,
    deployment         VARCHAR(255) NOT NULL,
    model_id           VARCHAR(255) NOT NULL DEFAULT '',
    failed             INTEGER      NOT NULL,
    route              VARCHAR(64)  NOT NULL,
    cache_status       VARCHAR(16)  NOT NULL,
    status             INTEGER      NOT NULL,
    requests           BIGINT       NOT NULL,
    cost_nanos         BIGINT       NOT NULL,
    saved_nanos        BIGINT       NOT NULL,
    prompt_tokens      BIGINT       NOT NULL,
    completion_tokens  BIGINT       NOT NULL,
    cache_read_tokens  BIGINT       NOT NULL,
    cache_write_tokens BIGINT       NOT NULL,
    latency_ms_sum     BIGINT       NOT NULL,
    PRIMARY KEY (day, key_id, key_alias, model, deployment, model_id, failed, route, cache_status, status)
);
INSERT INTO spend_daily (day, key_id, key_alias, model, deployment, model_id, failed, route, cache_status, status, requests,
                         cost_nanos, saved_nanos, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens,
                         latency_ms_sum)
SELECT day, key_id, key_alias, model, deployment, '', failed, route, cache_status, status, requests, cost_nanos, saved_nanos,
       prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, latency_ms_sum
FROM spend_daily_v22;
DROP TABLE spend_daily_v22;

CREATE TABLE latency_daily_v22 AS SELECT * FROM latency_daily;
DROP TABLE latency_daily;
CREATE TABLE latency_daily (
    day        BIGINT       NOT NULL,
    deployment VARCHAR(255) NOT NULL,
    model_id   VARCHAR(255) NOT NULL DEFAULT '',
    bucket     INTEGER      NOT NULL,
    requests   BIGINT       NOT NULL,
    PRIMARY KEY (day, deployment, model_id, bucket)
);
INSERT INTO latency_daily (day, deployment, model_id, bucket, requests)
SELECT day, deployment, '', bucket, requests FROM latency_daily_v22;
DROP TABLE latency_daily_v22;
