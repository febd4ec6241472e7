-- Rate limits shared by several gateways on one database: what each gateway took of each key's rpm / tpm, counted
-- from the moment in `generation` (epoch ms: when it began this row, or began it again after the row was found gone),
-- in counters that only its own writes change (tokens fall when a call's real usage is below its estimate). Every
-- gateway writes its rows every few seconds and takes the others' growth since its last read off its own in-memory
-- buckets. Rows not written for a lease belong to a gateway that is gone and are deleted.
CREATE TABLE rate_usage (
    key_id       VARCHAR(64) NOT NULL,
    gateway_id   VARCHAR(40) NOT NULL,
    generation   BIGINT      NOT NULL,
    requests     BIGINT      NOT NULL,
    tokens       BIGINT      NOT NULL,
    written_at   BIGINT      NOT NULL,
    PRIMARY KEY (key_id, gateway_id)
);
