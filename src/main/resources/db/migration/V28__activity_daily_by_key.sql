-- The tag, team and customer daily activity of a key that is not the master key is read for its own user's keys only
-- (key_id IN (...), SpendRollups.activity): this index lets that read touch those keys' rows and no other's, where the
-- primary key (kind, day, entity, ...) would walk every entity's rows of the range and drop the others one by one.
-- A few rows a key and day; the ledger's writer keeps it in the same upsert as the table.
CREATE INDEX activity_daily_key ON activity_daily (kind, key_id, day);
