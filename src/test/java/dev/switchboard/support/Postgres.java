package dev.switchboard.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * The PostgreSQL the {@code services} profile runs against (127.0.0.1:5432, trust auth, database {@code test}; override
 * with {@code SWITCHBOARD_TEST_POSTGRES}). Each test gets its own schema, so tests never see each other's rows and
 * can run on a shared server; {@link #drop} removes it.
 */
public final class Postgres {
    public static final String SERVER = System.getenv().getOrDefault("SWITCHBOARD_TEST_POSTGRES",
            "postgresql://postgres@127.0.0.1:5432/test");

    private Postgres() {}

    /** A {@code database_url} whose connections use a new, empty schema (Flyway creates it). */
    public static String freshSchemaUrl() {
        String schema = "sb_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        return SERVER + (SERVER.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A JDBC connection to a {@link #freshSchemaUrl()}'s schema (its tables unqualified). The caller closes it. */
    public static Connection connect(String url) throws java.sql.SQLException {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        String base = SERVER.replaceFirst("^postgres(ql)?://", "");
        String user = base.contains("@") ? base.substring(0, base.indexOf('@')) : "postgres";
        String hostDb = base.contains("@") ? base.substring(base.indexOf('@') + 1) : base;
        hostDb = hostDb.contains("?") ? hostDb.substring(0, hostDb.indexOf('?')) : hostDb;
        return DriverManager.getConnection("jdbc:postgresql://" + hostDb + "?currentSchema=" + schema, user, null);
    }

    /** Drops the schema a {@link #freshSchemaUrl()} named, with everything in it. */
    public static void drop(String url) {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        String base = SERVER.replaceFirst("^postgres(ql)?://", "");
        String user = base.contains("@") ? base.substring(0, base.indexOf('@')) : "postgres";
        String hostDb = base.contains("@") ? base.substring(base.indexOf('@') + 1) : base;
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + hostDb, user, null);
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (Exception e) {
            throw new IllegalStateException("could not drop test schema " + schema, e);
        }
    }
}
