-- LiteLLM's teams (/team/*): a key's team_id, or a JWT's team, names one. A stored team shares a budget, a model list
-- and a block among every caller of it; a team_id without a row stays the label it always was. Spend is not stored
-- here: it is the ledger's, the calls tagged 'team:<id>' (spend_tags, whose (tag, ended_at) index finds them).
CREATE TABLE teams (
    team_id         VARCHAR(250) NOT NULL PRIMARY KEY,
    team_alias      VARCHAR(255),
    max_budget      DOUBLE PRECISION,
    budget_duration VARCHAR(16),
    budget_anchor   BIGINT       NOT NULL,
    models          TEXT         NOT NULL,
    blocked         BOOLEAN      NOT NULL,
    metadata        TEXT,
    created_at      BIGINT       NOT NULL,
    updated_at      BIGINT       NOT NULL
);
