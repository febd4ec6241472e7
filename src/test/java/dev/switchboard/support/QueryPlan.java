package dev.switchboard.support;

import dev.switchboard.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** SQLite's plan of a statement (EXPLAIN QUERY PLAN), one line a step; its parameters left unbound, as at prepare time. */
public final class QueryPlan {
    private QueryPlan() {}

    public static String of(Database db, String sql) {
        return db.transaction(c -> {
            StringBuilder out = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.append(rs.getString(4)).append('\n');
            }
            return out.toString();
        });
    }
}
