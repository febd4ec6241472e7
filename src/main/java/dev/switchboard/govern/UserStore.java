package dev.switchboard.govern;

import dev.switchboard.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The {@code users} table (LiteLLM's internal users), and a user's spend from the ledger: the rows tagged
 * {@code user:<id>} that count for no team. Blocking JDBC: called only from {@link UserAdmin}'s worker, the periodic
 * sync, grants and at start.
 */
final class UserStore extends RowTable<User> {
    UserStore(Database db) {
        super(db, "users", List.of("user_id", "user_alias", "user_email", "user_role", "max_budget", "budget_duration",
                "budget_anchor", "models", "rpm_limit", "tpm_limit", "metadata", "created_at", "updated_at", "budget_spend_from"));
    }

    /** The user's spend in the ledger since {@code sinceMillis} (the start of their budget period). Blocks. */
    long spentSince(String userId, long sinceMillis) {
        return db.transaction(c -> spentSince(c, userId, sinceMillis));
    }

    /** The calls of their keys that count for no team (a team's keys spend the team's budget, as in LiteLLM). */
    static long spentSince(Connection c, String userId, long sinceMillis) throws SQLException {
        return spentSince(c, userId, null, sinceMillis);
    }

    /**
     * A user's calls (the rows tagged {@code user:<id>}, found by the tag index) that count for this team, or for no team
     * ({@code teamId} null), since {@code sinceMillis}. Blocks.
     */
    static long spentSince(Connection c, String userId, String teamId, long sinceMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(s.cost_nanos), 0) FROM spend_tags t JOIN spend_logs s "
                + "ON s.request_id = t.request_id AND s.attempt = t.attempt WHERE t.tag = ? AND t.ended_at >= ? "
                + "AND s.team_id " + (teamId == null ? "IS NULL" : "= ?") + " AND s.in_ledger = TRUE")) {
            ps.setString(1, "user:" + userId);
            ps.setLong(2, sinceMillis);
            if (teamId != null) ps.setString(3, teamId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The id of the user with this email (compared without case, also beyond ASCII, which SQLite's LOWER() leaves as it
     * is: compared here, over the emails; a user table holds people, not millions), or null. Blocks.
     */
    String idByEmail(String email) {
        String wanted = email.toLowerCase(java.util.Locale.ROOT);
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id, user_email FROM users WHERE user_email IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) if (rs.getString(2).toLowerCase(java.util.Locale.ROOT).equals(wanted)) return rs.getString(1);
                return null;
            }
        });
    }

    @Override
    void bind(PreparedStatement ps, User u) throws SQLException {
        ps.setString(1, u.userId());
        ps.setString(2, u.alias());
        ps.setString(3, u.email());
        ps.setString(4, u.role());
        setDouble(ps, 5, u.maxBudget());
        ps.setString(6, u.budgetDuration() == null ? null : u.budgetDuration().text());
        ps.setLong(7, u.budgetAnchor());
        ps.setString(8, jsonText(u.models()));
        setLong(ps, 9, u.rpmLimit());
        setLong(ps, 10, u.tpmLimit());
        ps.setString(11, jsonText(u.metadata()));
        ps.setLong(12, u.createdAt());
        ps.setLong(13, u.updatedAt());
        setLong(ps, 14, u.budgetSpendFrom());
    }

    @Override
    User read(ResultSet rs) throws SQLException {
        String where = "users row " + rs.getString(1);
        return new User(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), getDouble(rs, 5), getDuration(rs, 6),
                rs.getLong(7), getLong(rs, 14), getModels(rs, 8, where), getLong(rs, 9), getLong(rs, 10), jsonObject(rs.getString(11), where),
                rs.getLong(12), rs.getLong(13));
    }
}
