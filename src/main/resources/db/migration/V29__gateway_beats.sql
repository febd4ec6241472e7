-- Budgets shared by gateways on PostgreSQL: a gateway's proof of life beside its grant rows. Its fence (admissions on
-- its grants) is renewed by one statement on its session lock's own connection that writes beat_at only while that
-- session holds the lock; the cleanup that finds a gateway's lock free takes it for gone only when neither its grant
-- rows nor this row were written within the quiet time. A row of its own, so the renewal never waits on the row locks
-- of the gateway's heartbeat transaction (on a store far away that transaction outlasts the fence).
CREATE TABLE gateway_beats (
    gateway_id VARCHAR(40) NOT NULL PRIMARY KEY,
    beat_at    BIGINT      NOT NULL
);
