-- A daily rollup of the ledger per team, tag and end user (LiteLLM's customer), each row also per key, model asked for
-- and deployment: what LiteLLM's /team/daily/activity, /tag/daily/activity and /customer/daily/activity read (LiteLLM
-- keeps a daily table per kind: DailyTeamSpend, DailyTagSpend, DailyEndUserSpend). spend_daily (V4) has no team, tag or
-- end user, and team_daily (V19) has no key or model, so neither can answer them; the ledger's rows could (spend_logs'
-- team_id, end_user and spend_tags), but a month of them is a scan of every call, where this is a few rows a day.
-- Kept by the ledger's writer in the same transaction as the rows it sums (RollupWriter), like spend_daily.
--
-- kind:   'team' (spend_logs.team_id, the team a call counts for), 'tag' (each of a call's tags, spend_tags: a call of
--         two tags is in both, as in LiteLLM), 'end_user' (spend_logs.end_user). A call of no team, tag or end user has
--         no row of that kind.
-- failed: 1 for failed attempts (attempt > 0), 0 for served calls (attempt 0), as spend_daily; status is kept so a
--         client's leaving (499) is not counted as a failed attempt (account.FailedAttempts).
-- Text columns are '' where the ledger row has NULL, since they are part of the primary key.
CREATE TABLE activity_daily (
    kind               VARCHAR(8)   NOT NULL,
    day                BIGINT       NOT NULL,
    entity             VARCHAR(255) NOT NULL,
    key_id             VARCHAR(40)  NOT NULL,
    key_alias          VARCHAR(255) NOT NULL,
    model              VARCHAR(255) NOT NULL,
    deployment         VARCHAR(255) NOT NULL,
    failed             INTEGER      NOT NULL,
    status             INTEGER      NOT NULL,
    requests           BIGINT       NOT NULL,
    cost_nanos         BIGINT       NOT NULL,
    prompt_tokens      BIGINT       NOT NULL,
    completion_tokens  BIGINT       NOT NULL,
    cache_read_tokens  BIGINT       NOT NULL,
    cache_write_tokens BIGINT       NOT NULL,
    latency_ms_sum     BIGINT       NOT NULL,
    PRIMARY KEY (kind, day, entity, key_id, key_alias, model, deployment, failed, status)
);

INSERT INTO activity_daily (kind, day, entity, key_id, key_alias, model, deployment, failed, status, requests, cost_nanos,
                            prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, latency_ms_sum)
SELECT 'team', ended_at / 86400000, team_id, COALESCE(key_id, ''), COALESCE(key_alias, ''), COALESCE(requested_model, ''),
       COALESCE(deployment, ''), CASE WHEN attempt > 0 THEN 1 ELSE 0 END, status, COUNT(*), SUM(cost_nanos),
       SUM(prompt_tokens), SUM(completion_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(COALESCE(latency_ms, 0))
FROM spend_logs
WHERE in_ledger = TRUE AND team_id IS NOT NULL
GROUP BY ended_at / 86400000, team_id, COALESCE(key_id, ''), COALESCE(key_alias, ''), COALESCE(requested_model, ''),
         COALESCE(deployment, ''), CASE WHEN attempt > 0 THEN 1 ELSE 0 END, status;

INSERT INTO activity_daily (kind, day, entity, key_id, key_alias, model, deployment, failed, status, requests, cost_nanos,
                            prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, latency_ms_sum)
SELECT 'end_user', ended_at / 86400000, end_user, COALESCE(key_id, ''), COALESCE(key_alias, ''), COALESCE(requested_model, ''),
       COALESCE(deployment, ''), CASE WHEN attempt > 0 THEN 1 ELSE 0 END, status, COUNT(*), SUM(cost_nanos),
       SUM(prompt_tokens), SUM(completion_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(COALESCE(latency_ms, 0))
FROM spend_logs
WHERE in_ledger = TRUE AND end_user IS NOT NULL
GROUP BY ended_at / 86400000, end_user, COALESCE(key_id, ''), COALESCE(key_alias, ''), COALESCE(requested_model, ''),
         COALESCE(deployment, ''), CASE WHEN attempt > 0 THEN 1 ELSE 0 END, status;

INSERT INTO activity_daily (kind, day, entity, key_id, key_alias, model, deployment, failed, status, requests, cost_nanos,
                            prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, latency_ms_sum)
SELECT 'tag', s.ended_at / 86400000, t.tag, COALESCE(s.key_id, ''), COALESCE(s.key_alias, ''), COALESCE(s.requested_model, ''),
       COALESCE(s.deployment, ''), CASE WHEN s.attempt > 0 THEN 1 ELSE 0 END, s.status, COUNT(*), SUM(s.cost_nanos),
       SUM(s.prompt_tokens), SUM(s.completion_tokens), SUM(s.cache_read_tokens), SUM(s.cache_write_tokens),
       SUM(COALESCE(s.latency_ms, 0))
FROM spend_logs s JOIN spend_tags t ON t.request_id = s.request_id AND t.attempt = s.attempt
WHERE s.in_ledger = TRUE
GROUP BY s.ended_at / 86400000, t.tag, COALESCE(s.key_id, ''), COALESCE(s.key_alias, ''), COALESCE(s.requested_model, ''),
         COALESCE(s.deployment, ''), CASE WHEN s.attempt > 0 THEN 1 ELSE 0 END, s.status;
