-- LiteLLM's team members (/team/member_add, members_with_roles) and their budgets in the team: a JSON list of
-- {user_id, user_email, role, max_budget_in_team, added_at} on the team's row (fields a later version adds are skipped
-- by an older gateway) (a team has a handful of members, read and written
-- with the row, under its lock), and team_member_budget, every member's budget unless their own says otherwise. A
-- member's spend is the ledger's: the rows tagged user:<id> that count for the team (team_id) since they were added
-- (added_at), found by the tag index.
ALTER TABLE teams ADD COLUMN member_budget DOUBLE PRECISION;
ALTER TABLE teams ADD COLUMN members TEXT;
