package dev.switchboard.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;

/**
 * What {@code switchboard check} says of the configured store, leaving it as it is: validating a config must not
 * upgrade a production schema under the gateways running on it, nor leave a database file in the directory it ran in.
 * PostgreSQL is connected to in a read-only session (the server refuses it any write) and its schema version is
 * read; the SQLite file is not opened at all (a read-only open of a WAL database may still create its
 * {@code -shm} file): only whether it exists, and whether its directory would let {@code serve} create it.
 */
public final class StoreProbe {
    private StoreProbe() {}

    /**
     * @param databaseUrl  a PostgreSQL URL, or null for SQLite
     * @param databasePath the SQLite file
     * @return the store's description and its state, e.g. {@code PostgreSQL at h:5432/db (reachable, schema version 20;
     *     serve migrates it to 23)}
     * @throws StoreException naming the store (never its password) and the fix, as {@link Database#open} would fail
     */
    public static String describe(String databaseUrl, String databasePath) {
        DatabaseLocation where = databaseUrl != null ? DatabaseLocation.postgres(databaseUrl) : DatabaseLocation.sqlite(databasePath);
        return where.description() + " (" + (where.kind() == Database.Kind.SQLITE ? sqlite(where) : postgres(where)) + ")";
    }

    /** The key look-up's wait for one answer: a running serve's migration may hold a lock on virtual_keys. */
    static final int QUERY_TIMEOUT_SECONDS = 3;
    /** pgjdbc's socketTimeout for check's sessions (its default, 0, waits forever on a server that stopped answering). */
    static final int SOCKET_TIMEOUT_SECONDS = 10;

    /**
     * A look-up of virtual keys in the configured store, for check's "the gateway's own key would go upstream" (a key
     * of no telling shape, generated with a secret of the caller's own); read as {@link #describe} reads, leaving the
     * store as it is. One read-only pool of one connection for the whole check, opened at the first look-up and closed
     * with this. PostgreSQL: one query per table in a read-only session, each bounded ({@link #QUERY_TIMEOUT_SECONDS},
     * and the socket by {@link #SOCKET_TIMEOUT_SECONDS}); false when it has no Switchboard schema yet. SQLite: null,
     * cannot tell, since the file is not opened at all (a read-only open of a WAL database may create its {@code -shm}
     * file, and an {@code immutable} open would miss the keys still in the WAL: a key generated a moment ago); serve asks
     * its store once it is open.
     */
    public static KeyLookup keyLookup(String databaseUrl) {
        return new KeyLookup(databaseUrl == null ? null : DatabaseLocation.postgres(databaseUrl));
    }

    /** See {@link StoreProbe#keyLookup}. Not thread-safe: check asks from one thread. */
    public static final class KeyLookup implements AutoCloseable {
        private final DatabaseLocation where;
        private HikariDataSource pool;

        private KeyLookup(DatabaseLocation where) { this.where = where; }

        /**
         * Whether the store holds a virtual key of this hash (a live key, or a rotated-away one still in its grace
         * period); null on SQLite (cannot tell).
         *
         * @param tokenHash the key's SHA-256, hex ({@code KeySecrets.hash})
         * @throws StoreException when PostgreSQL cannot be reached or does not answer in time (as {@link #describe})
         */
        public Boolean holds(String tokenHash, long nowMillis) {
            if (where == null) return null;
            try {
                if (pool == null) {
                    HikariConfig c = readOnly(Database.poolConfig(where, false));
                    c.setPoolName("switchboard-check-keys");
                    c.setMaximumPoolSize(1);
                    pool = new HikariDataSource(c);
                }
                try (java.sql.Connection conn = pool.getConnection()) {
                    return any(conn, "SELECT 1 FROM virtual_keys WHERE token = ?", tokenHash, null)
                            || any(conn, "SELECT 1 FROM retired_tokens WHERE token = ? AND grace_until > ?", tokenHash, nowMillis);
                }
            } catch (java.sql.SQLException | RuntimeException e) {
                throw new StoreException(Database.cannotOpen(where, e), e);
            }
        }

        @Override
        public void close() {
            if (pool != null) pool.close();
            pool = null;
        }
    }

    /** check's session settings: read-only (the server refuses it any write) and a socket that does not wait forever. */
    private static HikariConfig readOnly(HikariConfig c) {
        c.setReadOnly(true);
        c.addDataSourceProperty("readOnlyMode", "always"); // pgjdbc: the session itself read-only, autocommit included
        c.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        return c;
    }

    /** Whether the query finds a row; false when its table or column is not there yet (a schema before it: no such key). */
    private static boolean any(java.sql.Connection conn, String sql, String hash, Long now) throws java.sql.SQLException {
        try (java.sql.PreparedStatement q = conn.prepareStatement(sql)) {
            q.setQueryTimeout(QUERY_TIMEOUT_SECONDS); // as SessionLock's: a lock held by a migration must not hold check
            q.setString(1, hash);
            if (now != null) q.setLong(2, now);
            try (java.sql.ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        } catch (java.sql.SQLException e) {
            // undefined_table, undefined_column; the read-only session has no transaction to abort (autocommit)
            if ("42P01".equals(e.getSQLState()) || "42703".equals(e.getSQLState())) return false;
            throw e;
        }
    }

    private static String sqlite(DatabaseLocation where) {
        Path file = Path.of(where.jdbcUrl().substring("jdbc:sqlite:".length()));
        if (Files.isRegularFile(file)) {
            // what serve would refuse, found without opening the file as a database: its header, its permissions
            byte[] head = new byte[16];
            int n;
            try (var in = Files.newInputStream(file)) {
                n = in.readNBytes(head, 0, head.length);
            } catch (java.io.IOException e) {
                throw new StoreException(Database.cannotOpen(where, e), e);
            }
            if (n > 0 && !new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).equals("SQLite format 3\0")) {
                throw new StoreException(Database.cannotOpen(where, new IllegalStateException("[SQLITE_NOTADB] the file is not a database")), null);
            }
            if (!Files.isWritable(file) || file.getParent() != null && !Files.isWritable(file.getParent())) {
                throw new StoreException(Database.cannotOpen(where, new IllegalStateException(
                        "the file or its directory is not writable (serve writes the file and its -wal beside it)")), null);
            }
            return "exists; check does not open it";
        }
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new StoreException(Database.cannotOpen(where, new IllegalStateException(
                    "the directory " + dir + " does not exist or is not writable")), null);
        }
        return "not created yet; serve creates it";
    }

    private static String postgres(DatabaseLocation where) {
        HikariConfig c = readOnly(Database.poolConfig(where, false)); // Flyway's queries are bounded by the socket timeout
        c.setPoolName("switchboard-check");
        c.setMaximumPoolSize(2); // Flyway holds two: the schema history's and its own
        MigrationInfoService info;
        try (HikariDataSource ds = new HikariDataSource(c)) {
            info = Database.flyway(where, ds, false).info();
        } catch (RuntimeException e) {
            throw new StoreException(Database.cannotOpen(where, e), e);
        }
        MigrationVersion latest = null;
        for (MigrationInfo m : info.all()) {
            if (m.getVersion() != null && m.getState().isResolved() && (latest == null || m.getVersion().compareTo(latest) > 0)) {
                latest = m.getVersion();
            }
        }
        MigrationInfo current = info.current();
        if (current == null || current.getVersion() == null) return "reachable, no Switchboard schema yet; serve creates it";
        String at = "reachable, schema version " + current.getVersion();
        if (latest == null || current.getVersion().compareTo(latest) == 0) return at + ", up to date";
        if (current.getVersion().compareTo(latest) > 0) return at + ", newer than this build's " + latest;
        return at + "; serve migrates it to " + latest;
    }
}
