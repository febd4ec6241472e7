-- LiteLLM's grace_period on /key/regenerate: the old secret keeps working as the same key until grace_until (epoch ms),
-- so apps can be switched to the new one without downtime. Kept on the rotated-away hash's retired_tokens row (V24),
-- which the rotation writes in its own transaction, so every gateway on the database reads it (at start and in its key
-- sync) and refuses the old secret once the time has passed. NULL: no grace (a deleted key's hash, a rotation without
-- one, or one a later rotation of the same key ended). Every gateway reads the rows still in grace every 2 s, by the
-- partial index (both stores have partial indexes; V6).
ALTER TABLE retired_tokens ADD COLUMN grace_until BIGINT;
CREATE INDEX retired_tokens_grace ON retired_tokens (grace_until) WHERE grace_until IS NOT NULL;
