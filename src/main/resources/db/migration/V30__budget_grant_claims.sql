-- Budgets shared by gateways on PostgreSQL with session locks: what a gateway's grant row claims beyond its use. A
-- gateway cut off from the store lives on and may admit calls after its last write until its fence stops it; another
-- gateway that takes it for gone counted only used_nanos, so those calls were spent twice (QA: 1.43-1.57 times a
-- budget at 250 calls/s). Each write of the row now also says claim_nanos: its use plus a margin (its recent admissions
-- over the fence's window), and the gateway admits only up to the lowest claim of its writes that may be the last one
-- committed. A gone gateway's row counts the claim (less what reached the ledger) as spent for the rest of its period.
-- 0 (rows written before, SQLite, no session locks): the claim is the use.
ALTER TABLE budget_grants ADD COLUMN claim_nanos BIGINT NOT NULL DEFAULT 0;

-- The same claim, written by the fence's one-round-trip renewal (on the session lock's own connection, only while that
-- session holds the lock; a table the heartbeat never locks, as gateway_beats): when a busy gateway reaches its claim
-- between two heartbeats, or the heartbeat's transaction is slow, the claim is raised without waiting for it. A gone
-- gateway's row counts the higher of its own claim and this one (of the same period).
CREATE TABLE grant_claims (
    gateway_id   VARCHAR(40)  NOT NULL,
    scope        VARCHAR(64)  NOT NULL,
    period_start BIGINT       NOT NULL,
    claim_nanos  BIGINT       NOT NULL,
    PRIMARY KEY (gateway_id, scope)
);
