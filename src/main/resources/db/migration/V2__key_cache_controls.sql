-- A key's per-request cache controls (LiteLLM's allowed_cache_controls): a JSON list, or NULL for the default.
ALTER TABLE virtual_keys ADD COLUMN allowed_cache_controls TEXT;
