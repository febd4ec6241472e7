-- Where a budget's current period counts the spend from, when that is before budget_anchor: a change of budget_duration
-- (budget_anchor = when) keeps the period that was running and its spend until the new duration's first reset, as
-- LiteLLM's /key/update keeps a key's spend and only moves budget_reset_at. NULL (every row before this migration, and
-- every row whose duration was never changed): the first period counts from budget_anchor, or, for a team, user or
-- customer without a duration, from the beginning of the ledger.
ALTER TABLE virtual_keys ADD COLUMN budget_spend_from BIGINT;
ALTER TABLE teams ADD COLUMN budget_spend_from BIGINT;
ALTER TABLE users ADD COLUMN budget_spend_from BIGINT;
ALTER TABLE end_users ADD COLUMN budget_spend_from BIGINT;
