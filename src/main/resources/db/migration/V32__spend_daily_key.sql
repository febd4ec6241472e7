-- A key's period spend (KeyStore.spentThisPeriod) reads the whole UTC days of the period from spend_daily, one key at a
-- time: its primary key starts with day, so without this index each key read every key's rows of those days (3,000 keys:
-- 62-75 ms for one key's figure, a whole scan per key at the gateway's start). This index gives each key its own range;
-- cost_nanos makes it covering. spend_daily holds a few rows a key and day, so building it is quick on both databases.
CREATE INDEX spend_daily_key ON spend_daily (key_id, day, cost_nanos);
