-- LiteLLM's team_member_rpm_limit / team_member_tpm_limit: each member's requests and tokens a minute over their calls
-- of the team, unless their own (the members JSON's rpm_limit / tpm_limit, set by /team/member_update) says otherwise.
ALTER TABLE teams ADD COLUMN member_rpm_limit BIGINT;
ALTER TABLE teams ADD COLUMN member_tpm_limit BIGINT;
