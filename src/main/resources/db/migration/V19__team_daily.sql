-- A daily rollup of spend per team (the team a call counts for, spend_logs.team_id), kept by the ledger's writer in the
-- same transaction as the rows it sums, like spend_daily (V4): the dashboard's "spend per team per day" and month to
-- date read a few hundred rows, not the ledger. Served calls (attempt 0) are the requests; cost and tokens are summed
-- over every row (a failed attempt costs 0). Calls of no team (the master key's, admins', keys of no team) are left out.
CREATE TABLE team_daily (
    day               BIGINT       NOT NULL,
    team_id           VARCHAR(250) NOT NULL,
    requests          BIGINT       NOT NULL,
    cost_nanos        BIGINT       NOT NULL,
    prompt_tokens     BIGINT       NOT NULL,
    completion_tokens BIGINT       NOT NULL,
    PRIMARY KEY (day, team_id)
);

INSERT INTO team_daily (day, team_id, requests, cost_nanos, prompt_tokens, completion_tokens)
SELECT ended_at / 86400000, team_id, SUM(CASE WHEN attempt = 0 THEN 1 ELSE 0 END), SUM(cost_nanos), SUM(prompt_tokens),
       SUM(completion_tokens)
FROM spend_logs
WHERE in_ledger = TRUE AND team_id IS NOT NULL
GROUP BY ended_at / 86400000, team_id;
