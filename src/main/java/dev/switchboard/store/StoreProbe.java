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
        HikariConfig c = Database.poolConfig(where, false);
        c.setPoolName("switchboard-check");
        c.setMaximumPoolSize(2); // Flyway holds two: the schema history's and its own
        c.setReadOnly(true);
        c.addDataSourceProperty("readOnlyMode", "always"); // pgjdbc: the session itself read-only, autocommit included
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
