-- LiteLLM's customers (end users): the `user` a request names (an Anthropic body's metadata.user_id), with a budget of
-- their own, a block, an alias and metadata. A row is only needed for an end user who differs from the default
-- (litellm_settings.max_end_user_budget applies to every end user without one). Spend is not stored here: it is the
-- ledger's (spend_logs.end_user), summed per budget period like a key's.
CREATE TABLE end_users (
    user_id         VARCHAR(255) NOT NULL PRIMARY KEY,
    alias           VARCHAR(255),
    max_budget      DOUBLE PRECISION,
    budget_duration VARCHAR(16),
    budget_anchor   BIGINT       NOT NULL,
    blocked         BOOLEAN      NOT NULL,
    metadata        TEXT,
    created_at      BIGINT       NOT NULL,
    updated_at      BIGINT       NOT NULL
);
-- An end user's spend this period, read when a gateway takes a grant of their budget and by /customer/info. Partial:
-- rows of calls that name no end user (most of them) cost the ledger's writer no index entry.
CREATE INDEX spend_logs_end_user ON spend_logs (end_user, ended_at) WHERE end_user IS NOT NULL;
