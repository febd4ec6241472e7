package dev.switchboard.govern;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.switchboard.model.DurationSpec;
import dev.switchboard.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * The {@code teams} table (LiteLLM's teams), and a team's spend from the ledger: the rows whose {@code team_id} is its.
 * Blocking JDBC: called only from {@link TeamAdmin}'s worker, the periodic sync, grants and at start.
 */
final class TeamStore extends RowTable<Team> {
    TeamStore(Database db) {
        super(db, "teams", List.of("team_id", "team_alias", "max_budget", "budget_duration", "budget_anchor", "models", "blocked",
                "metadata", "created_at", "updated_at", "rpm_limit", "tpm_limit", "member_budget", "members"));
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
        if (t.maxBudget() == null) ps.setNull(3, Types.DOUBLE);
        else ps.setDouble(3, t.maxBudget());
        ps.setString(4, t.budgetDuration() == null ? null : t.budgetDuration().text());
        ps.setLong(5, t.budgetAnchor());
        ps.setString(6, jsonText(t.models()));
        ps.setBoolean(7, t.blocked());
        ps.setString(8, jsonText(t.metadata()));
        ps.setLong(9, t.createdAt());
        ps.setLong(10, t.updatedAt());
        if (t.rpmLimit() == null) ps.setNull(11, Types.BIGINT);
        else ps.setLong(11, t.rpmLimit());
        if (t.tpmLimit() == null) ps.setNull(12, Types.BIGINT);
        else ps.setLong(12, t.tpmLimit());
        if (t.memberBudget() == null) ps.setNull(13, Types.DOUBLE);
        else ps.setDouble(13, t.memberBudget());
        ps.setString(14, t.members().isEmpty() ? null : jsonText(t.members()));
    }

    @Override
    Team read(ResultSet rs) throws SQLException {
        double max = rs.getDouble(3);
        Double maxBudget = rs.wasNull() ? null : max;
        String duration = rs.getString(4);
        List<String> models;
        try {
            models = KeyJson.mapper().readValue(rs.getString(6), new TypeReference<List<String>>() {});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("teams row " + rs.getString(1) + ": models is not a JSON list", e);
        }
        long rpm = rs.getLong(11);
        Long rpmLimit = rs.wasNull() ? null : rpm;
        long tpm = rs.getLong(12);
        Long tpmLimit = rs.wasNull() ? null : tpm;
        double mb = rs.getDouble(13);
        Double memberBudget = rs.wasNull() ? null : mb;
        String membersText = rs.getString(14);
        List<Team.Member> members;
        try {
            members = membersText == null ? List.of() : KeyJson.mapper().readValue(membersText, new TypeReference<List<Team.Member>>() {});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("teams row " + rs.getString(1) + ": members is not a JSON list of members", e);
        }
        return new Team(rs.getString(1), rs.getString(2), maxBudget, duration == null ? null : DurationSpec.parse(duration),
                rs.getLong(5), models, rpmLimit, tpmLimit, rs.getBoolean(7), jsonObject(rs.getString(8), "teams row " + rs.getString(1)),
                rs.getLong(9), rs.getLong(10), memberBudget, members);
    }
}
