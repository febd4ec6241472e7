package dev.switchboard.govern;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.switchboard.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The {@code teams} table (LiteLLM's teams), and a team's spend from the ledger: the rows whose {@code team_id} is its.
 * Blocking JDBC: called only from {@link TeamAdmin}'s worker, the periodic sync, grants and at start.
 */
final class TeamStore extends RowTable<Team> {
    TeamStore(Database db) {
        super(db, "teams", List.of("team_id", "team_alias", "max_budget", "budget_duration", "budget_anchor", "models", "blocked",
                "metadata", "created_at", "updated_at", "rpm_limit", "tpm_limit", "member_budget", "members",
                "member_rpm_limit", "member_tpm_limit", "budget_spend_from"));
    }

    /** A member's spend in the team since {@code sinceMillis}: their calls (tagged {@code user:<id>}) that count for it. */
    static long memberSpentSince(Connection c, String teamId, String userId, long sinceMillis) throws SQLException {
        return UserStore.spentSince(c, userId, teamId, sinceMillis);
    }

    /** {@link #memberSpentSince}, in a transaction of its own. Blocks. */
    long memberSpentSince(String teamId, String userId, long sinceMillis) {
        return db.transaction(c -> memberSpentSince(c, teamId, userId, sinceMillis));
    }

    /** The team's spend in the ledger since {@code sinceMillis} (the start of its budget period). Blocks. */
    long spentSince(String teamId, long sinceMillis) {
        return db.transaction(c -> spentSince(c, teamId, sinceMillis));
    }

    static long spentSince(Connection c, String teamId, long sinceMillis) throws SQLException {
        return ledgerSpent(c, "team_id", teamId, sinceMillis);
    }

    /** How many keys name this team ({@code team_id}). Blocks. */
    int keysOf(String teamId) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM virtual_keys WHERE team_id = ?")) {
                ps.setString(1, teamId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    void bind(PreparedStatement ps, Team t) throws SQLException {
        ps.setString(1, t.teamId());
        ps.setString(2, t.alias());
        setDouble(ps, 3, t.maxBudget());
        ps.setString(4, t.budgetDuration() == null ? null : t.budgetDuration().text());
        ps.setLong(5, t.budgetAnchor());
        ps.setString(6, jsonText(t.models()));
        ps.setBoolean(7, t.blocked());
        ps.setString(8, jsonText(t.metadata()));
        ps.setLong(9, t.createdAt());
        ps.setLong(10, t.updatedAt());
        setLong(ps, 11, t.rpmLimit());
        setLong(ps, 12, t.tpmLimit());
        setDouble(ps, 13, t.memberBudget());
        ps.setString(14, t.members().isEmpty() ? null : jsonText(t.members()));
        setLong(ps, 15, t.memberRpmLimit());
        setLong(ps, 16, t.memberTpmLimit());
        setLong(ps, 17, t.budgetSpendFrom());
    }

    @Override
    Team read(ResultSet rs) throws SQLException {
        String membersText = rs.getString(14);
        List<Team.Member> members;
        try {
            members = membersText == null ? List.of() : KeyJson.mapper().readValue(membersText, new TypeReference<List<Team.Member>>() {});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("teams row " + rs.getString(1) + ": members is not a JSON list of members", e);
        }
        String where = "teams row " + rs.getString(1);
        return new Team(rs.getString(1), rs.getString(2), getDouble(rs, 3), getDuration(rs, 4), rs.getLong(5), getLong(rs, 17), getModels(rs, 6, where),
                getLong(rs, 11), getLong(rs, 12), rs.getBoolean(7), jsonObject(rs.getString(8), where), rs.getLong(9), rs.getLong(10),
                getDouble(rs, 13), members, getLong(rs, 15), getLong(rs, 16));
    }
}
