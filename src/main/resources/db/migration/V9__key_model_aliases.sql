-- LiteLLM's per-key model aliases (/key/generate's "aliases": {"gpt-4": "cheap"}): a JSON object from the model name
-- a client asks for to the model the key's calls go to instead, or NULL for none.
ALTER TABLE virtual_keys ADD COLUMN aliases TEXT;
