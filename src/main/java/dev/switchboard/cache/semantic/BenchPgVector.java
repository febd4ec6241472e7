package dev.switchboard.cache.semantic;

import dev.switchboard.model.SafeUrl;
import dev.switchboard.store.DatabaseLocation;
import dev.switchboard.store.StoreException;
import java.sql.SQLException;
import java.util.Properties;

/**
 * {@code cache bench --pgvector URL}: the PostgreSQL the bench measures, given in the forms the store's
 * {@code database_url} takes (LiteLLM's {@code postgresql://user:password@host:5432/db}, {@code postgres://}, or a
 * {@code jdbc:postgresql:} URL), read by the store's own {@link DatabaseLocation} so that both accept the same URLs.
 * A failure is one line saying what happened, the URL without its password or query, and never the driver's text
 * with a credential in it.
 */
final class BenchPgVector {
    private BenchPgVector() {}

    /**
     * Where a {@code --pgvector} URL points, or the one-line refusal of a URL of another form: called before the embedder
     * is loaded, so that a mistyped URL is refused at once, not after a second of model loading (QA-D 9).
     */
    static DatabaseLocation location(String url) {
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new IllegalStateException("--pgvector takes a PostgreSQL URL, found " + SafeUrl.withoutSecrets(url)
                    + ". Fix: postgresql://user:password@host:5432/db (as database_url) or jdbc:postgresql://host:5432/db?user=…");
        }
        DatabaseLocation at;
        try {
            at = DatabaseLocation.postgres(url);
        } catch (StoreException e) {
            throw new IllegalStateException("--pgvector: " + e.getMessage().replace("database_url", "the URL"), e);
        }
        return at;
    }

    /** @throws IllegalStateException worded for the user: the URL form, the connection, the login or the extension */
    static PgVectorStore open(String url, int dimensions) {
        DatabaseLocation at = location(url);
        String shown = SafeUrl.withoutSecrets(at.jdbcUrl());
        try {
            return new PgVectorStore(at.jdbcUrl(), at.properties(), dimensions, false);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot use pgvector at " + shown + ": " + what(e) + " (" + scrubbed(e, url, at.properties())
                    + "). Fix: " + fix(e) + ", or leave --pgvector out for Lucene's index.", e);
        }
    }

    /** What happened, by the SQLState PostgreSQL's driver sets (08: connection, 28: login, 3D: database, else the extension). */
    private static String what(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08")) return "PostgreSQL is not reachable there";
        if (state.startsWith("28")) return "PostgreSQL refused the login";
        if (state.equals("3D000")) return "that database does not exist";
        return "pgvector cannot be used there";
    }

    private static String fix(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08")) return "start PostgreSQL, or correct the host and port";
        if (state.startsWith("28")) return "correct the user and password";
        if (state.equals("3D000")) return "create the database, or name one that exists";
        return "install the vector extension (postgresql-15-pgvector) and let the user CREATE EXTENSION vector";
    }

    /** The driver's own message, each credential of the URL masked: drivers quote what they were given. */
    private static String scrubbed(SQLException e, String url, Properties props) {
        String m = String.valueOf(e.getMessage()).replaceAll("\\.+$", "");
        for (String secret : SafeUrl.secrets(url)) if (!secret.isEmpty()) m = m.replace(secret, "****");
        String password = props.getProperty("password");
        if (password != null && !password.isEmpty()) m = m.replace(password, "****");
        return m;
    }
}
