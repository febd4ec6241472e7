-- On PostgreSQL each gateway holds a session advisory lock for as long as it runs, on a connection of its own, and
-- names its key here, with the start time of the server it took it on. PostgreSQL drops the lock the moment that
-- connection closes (the process crashed, was killed, its container restarted), so the other gateways know a quiet
-- row's grants are free within seconds instead of counting them for the 60 s lease. A lock is trusted only on the
-- server that granted it: after a restart or a failover every lock is free, live gateways' included, until they take
-- theirs again. NULL says nothing: SQLite (its gateways hold lock files beside the store), an earlier version, or a
-- gateway without a lock; the lease decides there.
ALTER TABLE budget_grants ADD COLUMN session_lock BIGINT;
ALTER TABLE budget_grants ADD COLUMN session_server BIGINT;
