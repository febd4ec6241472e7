-- Daily rollups of the spend ledger, so the dashboard's charts read a few thousand rows instead of scanning
-- spend_logs (100,000 rows and more). Both tables are kept by the ledger's batched writer, in the same transaction as
-- the rows they sum (LedgerStore), so a rollup always equals the sum of the ledger rows it covers. Rows written before
-- this migration are summed here once.
-- Text columns are '' where the ledger row has NULL, since they are part of the primary key.

-- One row per UTC day (ended_at / 86400000), key, alias at the time, requested model alias, deployment, served call
-- (failed = 0, attempt 0) or failed attempt (failed = 1), route, cache status and HTTP status.
CREATE TABLE spend_daily (
    day                BIGINT       NOT NULL,
    key_id             VARCHAR(40)  NOT NULL,
    key_alias          VARCHAR(255) NOT NULL,
    model              VARCHAR(255) NOT NULL,
    deployment         VARCHAR(255) NOT NULL,
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
    PRIMARY KEY (day, key_id, key_alias, model, deployment, failed, route, cache_status, status)
);

-- Latency histogram per UTC day and deployment, of the calls a provider answered (attempt 0, status 200, not a cache
-- hit): the count per bucket, whose upper bounds in milliseconds are account.LatencyBuckets.BOUNDS (the CASE below
-- holds the same list; LatencyBucketsTest checks that they agree). p50 and p95 are read from it.
CREATE TABLE latency_daily (
    day        BIGINT       NOT NULL,
    deployment VARCHAR(255) NOT NULL,
    bucket     INTEGER      NOT NULL,
    requests   BIGINT       NOT NULL,
    PRIMARY KEY (day, deployment, bucket)
);

INSERT INTO spend_daily (day, key_id, key_alias, model, deployment, failed, route, cache_status, status, requests,
                         cost_nanos, saved_nanos, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens,
                         latency_ms_sum)
SELECT ended_at / 86400000, COALESCE(key_id, ''), COALESCE(key_alias, ''), COALESCE(requested_model, ''),
       COALESCE(deployment, ''), CASE WHEN attempt > 0 THEN 1 ELSE 0 END, COALESCE(route, ''), COALESCE(cache_status, ''),
       status, COUNT(*), SUM(cost_nanos), SUM(saved_nanos), SUM(prompt_tokens), SUM(completion_tokens),
       SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(COALESCE(latency_ms, 0))
FROM spend_logs
GROUP BY ended_at / 86400000, COALESCE(key_id, ''), COALESCE(key_alias, ''), COALESCE(requested_model, ''),
         COALESCE(deployment, ''), CASE WHEN attempt > 0 THEN 1 ELSE 0 END, COALESCE(route, ''), COALESCE(cache_status, ''),
         status;

INSERT INTO latency_daily (day, deployment, bucket, requests)
SELECT day, deployment, bucket, COUNT(*) FROM (
SELECT ended_at / 86400000 AS day, COALESCE(deployment, '') AS deployment,
       CASE WHEN latency_ms <= 1 THEN 0 WHEN latency_ms <= 2 THEN 1 WHEN latency_ms <= 3 THEN 2
            WHEN latency_ms <= 4 THEN 3 WHEN latency_ms <= 5 THEN 4 WHEN latency_ms <= 6 THEN 5
            WHEN latency_ms <= 8 THEN 6 WHEN latency_ms <= 10 THEN 7 WHEN latency_ms <= 12 THEN 8
            WHEN latency_ms <= 15 THEN 9 WHEN latency_ms <= 20 THEN 10 WHEN latency_ms <= 25 THEN 11
            WHEN latency_ms <= 30 THEN 12 WHEN latency_ms <= 40 THEN 13 WHEN latency_ms <= 50 THEN 14
            WHEN latency_ms <= 60 THEN 15 WHEN latency_ms <= 80 THEN 16 WHEN latency_ms <= 100 THEN 17
            WHEN latency_ms <= 120 THEN 18 WHEN latency_ms <= 150 THEN 19 WHEN latency_ms <= 200 THEN 20
            WHEN latency_ms <= 250 THEN 21 WHEN latency_ms <= 300 THEN 22 WHEN latency_ms <= 400 THEN 23
            WHEN latency_ms <= 500 THEN 24 WHEN latency_ms <= 600 THEN 25 WHEN latency_ms <= 800 THEN 26
            WHEN latency_ms <= 1000 THEN 27 WHEN latency_ms <= 1200 THEN 28 WHEN latency_ms <= 1500 THEN 29
            WHEN latency_ms <= 2000 THEN 30 WHEN latency_ms <= 2500 THEN 31 WHEN latency_ms <= 3000 THEN 32
            WHEN latency_ms <= 4000 THEN 33 WHEN latency_ms <= 5000 THEN 34 WHEN latency_ms <= 6000 THEN 35
            WHEN latency_ms <= 8000 THEN 36 WHEN latency_ms <= 10000 THEN 37 WHEN latency_ms <= 12000 THEN 38
            WHEN latency_ms <= 15000 THEN 39 WHEN latency_ms <= 20000 THEN 40 WHEN latency_ms <= 25000 THEN 41
            WHEN latency_ms <= 30000 THEN 42 WHEN latency_ms <= 40000 THEN 43 WHEN latency_ms <= 60000 THEN 44
            WHEN latency_ms <= 120000 THEN 45 WHEN latency_ms <= 300000 THEN 46
            ELSE 47 END AS bucket
FROM spend_logs
WHERE attempt = 0 AND status = 200 AND latency_ms IS NOT NULL AND (cache_status IS NULL OR cache_status = 'miss')
) b
GROUP BY day, deployment, bucket;
