-- On PostgreSQL each gateway holds a session advisory lock for as long as it runs, on a connection of its own, and
-- names its key here. PostgreSQL drops the lock the moment that connection closes (the process crashed, was killed, its
-- container restarted), so the other gateways know a quiet row's grants are free within seconds instead of counting
-- them for the 60 s lease. NULL says nothing: SQLite (its gateways hold lock files beside the store), or an earlier
-- version; the lease decides there.
ALTER TABLE budget_grants ADD COLUMN session_lock BIGINT;
