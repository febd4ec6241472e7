-- Budgets shared by several gateways on one database: what each gateway may spend of a budget this period (its
-- grant), so that together they never spend more than the budget while each checks its requests in memory.
-- scope: a key id, or '*' for the global budget. flushed_nanos: the part of this gateway's spend in the period that is
-- already in spend_logs (the rest of its grant is spend still queued, calls in flight and headroom not yet used).
-- used_nanos: its spend and reservations as of its last write; reserved_nanos: the reservations alone (calls in
-- flight, which may end in the next period: counted there until the gateway writes its row for it); wanted_nanos:
-- what it waits for (others give back their unused grant when they see it). Rows whose heartbeat is older than the
-- lease are ignored, then deleted; so are, after two heartbeats, the rows of a process of the same host (hostname,
-- boot and pid namespace) that is gone: host, pid and process_start say which.
CREATE TABLE budget_grants (
    scope          VARCHAR(64)  NOT NULL,
    period_start   BIGINT       NOT NULL,
    gateway_id     VARCHAR(40)  NOT NULL,
    granted_nanos  BIGINT       NOT NULL,
    flushed_nanos  BIGINT       NOT NULL,
    used_nanos     BIGINT       NOT NULL,
    reserved_nanos BIGINT       NOT NULL,
    wanted_nanos   BIGINT       NOT NULL,
    heartbeat_at   BIGINT       NOT NULL,
    host           VARCHAR(255) NOT NULL,
    pid            BIGINT       NOT NULL,
    process_start  BIGINT       NOT NULL,
    PRIMARY KEY (scope, period_start, gateway_id)
);
