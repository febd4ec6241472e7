-- The token hashes no key has any more: a deleted key's last one, and the old one of each /key/regenerate. The ledger
-- files calls by key_id (V1), and virtual_keys keeps only a live key's current hash, so without this table a spend filter
-- by a deleted key's secret or hash (LiteLLM's api_key / key, which name a key by its token) could not find the calls it
-- made. One row per hash, written in the transaction that deletes the key or replaces its hash; the same hash retired
-- again (a secret chosen again with /key/generate's key or /key/regenerate's new_key, then retired once more) names the
-- key that had it last. A hash a live key has now is that key's: readers look here only for a hash no live key has.
-- `reason` is 'deleted' or 'regenerated'; `retired_at` epoch ms. Only the hash is kept, as in virtual_keys: never a key.
CREATE TABLE retired_tokens (
    token      VARCHAR(64)  NOT NULL PRIMARY KEY,
    key_id     VARCHAR(40)  NOT NULL,
    key_alias  VARCHAR(255),
    retired_at BIGINT       NOT NULL,
    reason     VARCHAR(16)  NOT NULL
);
