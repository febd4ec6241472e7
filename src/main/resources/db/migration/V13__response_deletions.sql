-- A stored response deleted through one gateway is forgotten by every other gateway on the same database: each keeps
-- the answers it served in memory (a tool loop's previous_response_id and item_reference read memory first), and
-- every few seconds reads the deletions written here since it last looked. `deleted_at` is epoch ms (PostgreSQL's
-- clock there: gateways on several hosts). Rows older than an hour are purged; a gateway that could not read them
-- for that long empties its memory instead.
CREATE TABLE response_deletions (
    response_id  VARCHAR(64)  NOT NULL PRIMARY KEY,
    deleted_at   BIGINT       NOT NULL
);
CREATE INDEX response_deletions_at ON response_deletions (deleted_at);
