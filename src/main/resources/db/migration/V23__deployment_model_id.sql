-- Which deployment entry served or failed a call: the entry's model_info.id (LiteLLM's model_id), beside its
-- provider/model. Two entries of one provider/model (two keys of one provider, one model in two regions) have the same
-- deployment; their ids tell them apart in the ledger's rows, the dashboard's errors and latency, and the metrics.
--
-- spend_logs.model_id: NULL when the entry has no model_info.id (the writer leaves the column out then: nothing more to
-- bind on a gateway without ids), on a cache hit, a call refused before an attempt, and on every row written before
-- this migration; the readers answer "" for NULL. A nullable column added: a gateway of an earlier version on the same
-- database keeps inserting its rows, naming its columns.
ALTER TABLE spend_logs ADD COLUMN model_id VARCHAR(255);

-- The per-entry rollups are tables of their own, beside V4's spend_daily and latency_daily, whose primary keys stay as
-- they were: an earlier gateway's writer upserts those by their keys (ON CONFLICT names them), and a changed key would
-- refuse every batch of its ledger rows while the fleet is being upgraded. entry_daily counts the calls and attempts of
-- each entry by status (the dashboard's provider errors), entry_latency_daily the latency histogram of each entry. Rows
-- of before this migration are of no entry: model_id ''. An earlier gateway still running does not write these two
-- tables: its calls reach the ledger and V4's rollups, not the per-entry figures.
CREATE TABLE entry_daily (
    day        BIGINT       NOT NULL,
    deployment VARCHAR(255) NOT NULL,
    model_id   VARCHAR(255) NOT NULL,
    status     INTEGER      NOT NULL,
    requests   BIGINT       NOT NULL,
    PRIMARY KEY (day, deployment, model_id, status)
);
INSERT INTO entry_daily (day, deployment, model_id, status, requests)
SELECT day, deployment, '', status, SUM(requests) FROM spend_daily GROUP BY day, deployment, status;

CREATE TABLE entry_latency_daily (
    day        BIGINT       NOT NULL,
    deployment VARCHAR(255) NOT NULL,
    model_id   VARCHAR(255) NOT NULL,
    bucket     INTEGER      NOT NULL,
    requests   BIGINT       NOT NULL,
    PRIMARY KEY (day, deployment, model_id, bucket)
);
INSERT INTO entry_latency_daily (day, deployment, model_id, bucket, requests)
SELECT day, deployment, '', bucket, requests FROM latency_daily;
