-- LiteLLM's internal users (/user/*): a key's user_id names one. A stored user's budget and model list govern their own
-- keys (the keys of no team: a team's keys spend the team's budget, as in LiteLLM); their rate limits are shared by all
-- their keys. A user_id without a row stays the label it always was. Spend is not stored here: it is the ledger's, the
-- rows tagged user:<id> (every call of a key with that user_id) that count for no team (team_id IS NULL); the tag
-- index (spend_tags_tag) finds them.
CREATE TABLE users (
    user_id         VARCHAR(250) NOT NULL PRIMARY KEY,
    user_alias      VARCHAR(255),
    user_email      VARCHAR(255),
    user_role       VARCHAR(32)  NOT NULL,
    max_budget      DOUBLE PRECISION,
    budget_duration VARCHAR(16),
    budget_anchor   BIGINT       NOT NULL,
    models          TEXT         NOT NULL,
    rpm_limit       BIGINT,
    tpm_limit       BIGINT,
    metadata        TEXT,
    created_at      BIGINT       NOT NULL,
    updated_at      BIGINT       NOT NULL
);
-- LiteLLM refuses a second user with the same email, compared without case.
CREATE UNIQUE INDEX users_email ON users (LOWER(user_email));
