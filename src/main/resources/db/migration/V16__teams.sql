-- LiteLLM's teams (/team/*): a key's team_id, or a JWT's team, names one. A stored team shares a budget, a model list
-- and a block among every caller of it; a team_id without a row stays the label it always was. Spend is not stored
-- here: it is the ledger's, the rows whose team_id is the team's.
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
    updated_at      BIGINT       NOT NULL,
    rpm_limit       BIGINT,
    tpm_limit       BIGINT
);
-- The team a call counts for: the stored team that governed it, else its caller's first team label (a key's team_id
-- naming no stored team), so a team made later counts its keys' calls; one team a row at most, so nothing counts twice.
-- NULL for the master key's and admins' calls. Calls before this migration: their key's team label, from their tags.
ALTER TABLE spend_logs ADD COLUMN team_id VARCHAR(250);
UPDATE spend_logs SET team_id = (SELECT MIN(SUBSTR(t.tag, 6)) FROM spend_tags t WHERE t.request_id = spend_logs.request_id
        AND t.attempt = spend_logs.attempt AND t.tag LIKE 'team:%')
    WHERE key_id LIKE 'key\_%' ESCAPE '\' AND EXISTS (SELECT 1 FROM spend_tags t WHERE t.request_id = spend_logs.request_id
        AND t.attempt = spend_logs.attempt AND t.tag LIKE 'team:%');
-- a row tagged with its key's team_id and another team: tag (a key's own tag, allowed before V16) counts for the team_id
UPDATE spend_logs SET team_id = (SELECT v.team_id FROM virtual_keys v WHERE v.key_id = spend_logs.key_id)
    WHERE team_id IS NOT NULL AND EXISTS (SELECT 1 FROM virtual_keys v JOIN spend_tags t ON t.tag = 'team:' || v.team_id
        WHERE v.key_id = spend_logs.key_id AND t.request_id = spend_logs.request_id AND t.attempt = spend_logs.attempt);
-- A team's spend this period, read when a gateway takes a grant of its budget and by /team/info. Partial: rows of
-- callers of no team cost the ledger's writer no index entry.
CREATE INDEX spend_logs_team ON spend_logs (team_id, ended_at) WHERE team_id IS NOT NULL;
