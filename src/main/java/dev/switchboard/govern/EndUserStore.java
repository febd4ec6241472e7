package dev.switchboard.govern;

import dev.switchboard.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The {@code end_users} table (LiteLLM's customers), and an end user's spend from the ledger. Blocking JDBC: called only
 * from {@link EndUserAdmin}'s worker, the periodic sync and at start.
 */
final class EndUserStore extends RowTable<EndUser> {
    EndUserStore(Database db) {
        super(db, "end_users", List.of("user_id", "alias", "max_budget", "budget_duration", "budget_anchor", "blocked", "metadata",
                "created_at", "updated_at", "budget_spend_from"));
    }

    /**
     * The ledger's spend of every end user who has a row, over all time (for the rows whose budget never resets), in one
     * grouped read. Blocks.
     */
    java.util.Map<String, Long> spentForEverByRow() {
        return db.transaction(c -> {
            java.util.Map<String, Long> out = new java.util.HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s.end_user, COALESCE(SUM(s.cost_nanos), 0) FROM spend_logs s "
                    + "JOIN end_users u ON u.user_id = s.end_user WHERE s.in_ledger = TRUE GROUP BY s.end_user");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
            return out;
        });
    }

    /** The end user's spend in the ledger since {@code sinceMillis} (the start of their budget period). */
    long spentSince(String userId, long sinceMillis) {
        return db.transaction(c -> spentSince(c, userId, sinceMillis));
    }

    static long spentSince(Connection c, String userId, long sinceMillis) throws SQLException {
        return ledgerSpent(c, "end_user", userId, sinceMillis);
    }

    @Override
    void bind(PreparedStatement ps, EndUser u) throws SQLException {
        ps.setString(1, u.userId());
        ps.setString(2, u.alias());
        setDouble(ps, 3, u.maxBudget());
        ps.setString(4, u.budgetDuration() == null ? null : u.budgetDuration().text());
        ps.setLong(5, u.budgetAnchor());
        ps.setBoolean(6, u.blocked());
        ps.setString(7, jsonText(u.metadata()));
        ps.setLong(8, u.createdAt());
        ps.setLong(9, u.updatedAt());
        setLong(ps, 10, u.budgetSpendFrom());
    }

    @Override
    EndUser read(ResultSet rs) throws SQLException {
        return new EndUser(rs.getString(1), rs.getString(2), getDouble(rs, 3), getDuration(rs, 4),
                rs.getLong(5), getLong(rs, 10), rs.getBoolean(6), jsonObject(rs.getString(7), "end_users row " + rs.getString(1)), rs.getLong(8),
                rs.getLong(9));
    }
}
