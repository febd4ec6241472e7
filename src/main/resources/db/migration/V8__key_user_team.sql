-- LiteLLM's user_id and team_id on a virtual key: who the key is for. Labels here (Switchboard keeps no user or team
-- tables, as with JWT auth): shown by /key/info, filtered on by /key/list, and added to every call's tags
-- (user:<id>, team:<id>) so the spend reports answer per user and per team.
ALTER TABLE virtual_keys ADD COLUMN user_id VARCHAR(255);
ALTER TABLE virtual_keys ADD COLUMN team_id VARCHAR(255);
