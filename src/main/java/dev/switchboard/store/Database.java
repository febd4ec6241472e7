package dev.switchboard.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The gateway's database: the embedded SQLite file by default, PostgreSQL when {@code database_url} is set. One
 * schema for both, kept by the Flyway migrations under {@code db/migration} (written in the SQL both accept), one
 * HikariCP pool. Everything here blocks: callers run it on worker threads, never on an event loop.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final Pattern CURRENT_SCHEMA = Pattern.compile("[?&]currentSchema=([A-Za-z_][A-Za-z0-9_]*)");

    public enum Kind { SQLITE, POSTGRESQL }

    /** How often the SQLite WAL is checkpointed off the writers' commits ({@link WalCheckpointer}). */
    public static final long DEFAULT_CHECKPOINT_MILLIS = 1_000;

    private final DatabaseLocation location;
    private final HikariDataSource pool;
    private final WalCheckpointer checkpointer;
    /** Whether the SQLite file is still the one at its path; null for PostgreSQL and the scratch store. */
    private final SqliteFileWatch fileWatch;
    /** Run once the pool is closed: the scratch store's directory is deleted; nothing for a real store. */
    private final Runnable afterClose;
    /** The nice value the store's writers lower their own threads to ({@link BackgroundNice}); 0 leaves them as they are. */
    private final int backgroundNice;

    /** Set by a failure that cut the link ({@link #cutOff}), cleared by the next commit. */
    private volatile boolean cutOff;
    /**
     * Set by a SQLite failure that says the file cannot be written (a full disk, an I/O error: {@link SqliteFaults}),
     * cleared by the next commit that wrote a row. Readiness fails meanwhile ({@link #ready}).
     */
    private volatile boolean writeFault;
    /** One WARN when the store starts failing for a reason that passes, one INFO when it answers again (QA F5). */
    private final StoreOutage outage;

    private Database(DatabaseLocation location, HikariDataSource pool, WalCheckpointer checkpointer, SqliteFileWatch fileWatch,
                     Runnable afterClose, int backgroundNice) {
        this.backgroundNice = backgroundNice;
        this.location = location;
        this.fileWatch = fileWatch;
        this.pool = pool;
        this.checkpointer = checkpointer;
        this.afterClose = afterClose;
        this.outage = new StoreOutage(log, "store: " + location.description(), "calls go on from memory, the ledger keeps "
                + "its rows to write when it answers, and a budget that needs a grant from it answers 503 budget_store_unavailable");
    }

    /**
     * Opens the database and brings its schema up to date.
     *
     * @param databaseUrl  a PostgreSQL URL, or null for SQLite
     * @param databasePath the SQLite file (created when missing; its directory must exist)
     * @throws StoreException naming the path or URL (never its password) and the fix
     */
    public static Database open(String databaseUrl, String databasePath) {
        return openWithWriterNice(databaseUrl, databasePath, BackgroundNice.OFF);
    }

    /**
     * @param backgroundNice the nice value the store's writers (the WAL checkpointer here; the ledger and the request log
     *                       read {@link #backgroundNice()}) lower their own threads to as they start; 0 leaves them as
     *                       they are ({@code general_settings.background_thread_nice}). A name of its own, not an
     *                       overload of {@code open}: an {@code int} there bound to this one instead of the
     *                       checkpoint period's {@code long}, and tests passing a period silently set a nice value
     */
    public static Database openWithWriterNice(String databaseUrl, String databasePath, int backgroundNice) {
        // the system property is the benchmarks' A/B switch (bench/tail.sh, docs/architecture.md), not a setting
        return open(databaseUrl, databasePath, Long.getLong("switchboard.sqlite.checkpoint_ms", DEFAULT_CHECKPOINT_MILLIS),
                POOL_WAIT_MILLIS, backgroundNice);
    }

    /**
     * @param checkpointMillis SQLite only: the period of the WAL checkpoints taken on a thread of their own
     *                         ({@link WalCheckpointer}); 0 leaves them to SQLite, inside the commit that fills 1,000 pages
     */
    public static Database open(String databaseUrl, String databasePath, long checkpointMillis) {
        return open(databaseUrl, databasePath, checkpointMillis, POOL_WAIT_MILLIS, BackgroundNice.OFF);
    }

    /**
     * @param poolWaitMillis how long a caller waits for one of the pool's connections ({@link #POOL_WAIT_MILLIS}); its
     *                       tests of connections that can no longer be opened wait it out, with 250 ms
     */
    static Database open(String databaseUrl, String databasePath, long checkpointMillis, long poolWaitMillis) {
        return open(databaseUrl, databasePath, checkpointMillis, poolWaitMillis, BackgroundNice.OFF);
    }

    private static Database open(String databaseUrl, String databasePath, long checkpointMillis, long poolWaitMillis,
                                 int backgroundNice) {
        DatabaseLocation where = databaseUrl != null ? DatabaseLocation.postgres(databaseUrl) : DatabaseLocation.sqlite(databasePath);
        HikariDataSource pool;
        try {
            pool = newPool(where, checkpointMillis > 0, poolWaitMillis);
        } catch (RuntimeException e) {
            throw new StoreException(cannotOpen(where, e), e);
        }
        try {
            if (where.kind() == Kind.SQLITE) SqliteFile.requireWritable(pool);
            migrate(where, pool);
        } catch (StoreException ownWords) { // already names the store and the fix (SqliteMigrationLock)
            pool.close();
            throw ownWords;
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException(cannotOpen(where, e), e);
        }
        log.info("store: {}", where.description());
        boolean ownCheckpoints = where.kind() == Kind.SQLITE && checkpointMillis > 0;
        SqliteFileWatch watch = where.kind() == Kind.SQLITE ? new SqliteFileWatch(where.sqlitePath()) : null;
        // the checkpointer's timer also looks for the file each period, so a deleted store is logged even with no probe
        WalCheckpointer checkpointer = ownCheckpoints
                ? new WalCheckpointer(pool, checkpointMillis, watch::stillThere, backgroundNice) : null;
        return new Database(where, pool, checkpointer, watch, () -> { }, backgroundNice);
    }

    /**
     * A SQLite store of its own in a new temporary directory, deleted (with the lock files beside it) when it closes.
     * {@code switchboard check} builds its gateway on one, so that validating a config neither migrates the configured
     * PostgreSQL (a newer build's check upgraded the schema under running gateways) nor leaves a SQLite file behind
     * (QA, twenty-second session); {@link StoreProbe} says what the configured store is, without changing it.
     */
    public static Database scratch() {
        java.nio.file.Path dir;
        try {
            dir = java.nio.file.Files.createTempDirectory("switchboard-check-");
        } catch (java.io.IOException e) {
            throw new StoreException("Cannot make a temporary directory for check's scratch store: " + e.getMessage()
                    + ". Fix: set java.io.tmpdir to a writable directory.", e);
        }
        DatabaseLocation where = DatabaseLocation.sqlite(dir.resolve("scratch.db").toString());
        HikariDataSource pool = null;
        try {
            SqliteFile.createIfMissing(where);
            pool = new HikariDataSource(poolConfig(where, false));
            try (SqliteMigrationLock ignored = SqliteMigrationLock.take(where.sqlitePath())) {
                SchemaMigrations.migrate(where, flyway(where, pool, true), false, false); // a new file: nothing to announce
            }
        } catch (RuntimeException e) {
            if (pool != null) pool.close(); // before the delete: its connections hold the files open
            deleteTree(dir);
            throw new StoreException(cannotOpen(where, e), e);
        }
        return new Database(where, pool, null, null, () -> deleteTree(dir), BackgroundNice.OFF);
    }

    /** Best effort: a file left in the temporary directory is no failure of the command that made it. */
    private static void deleteTree(java.nio.file.Path dir) {
        try (var paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            log.debug("scratch store: {} not deleted: {}", dir, e.getMessage());
        }
    }

    /**
     * The pool, its first connection opened. On SQLite that connection sets WAL mode, which answers SQLITE_BUSY at once
     * (no busy handler) while another gateway opening the same new file holds it for its migration: tried again for up
     * to 10 s, the busy timeout's length (SqliteStoreTest's gateways opening a new file together failed on it under load).
     */
    private static HikariDataSource newPool(DatabaseLocation where, boolean ownCheckpoints, long poolWaitMillis) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                SqliteFile.createIfMissing(where);
                return new HikariDataSource(poolConfig(where, ownCheckpoints, poolWaitMillis));
            } catch (RuntimeException e) {
                if (where.kind() != Kind.SQLITE || !String.valueOf(e.getMessage()).contains("SQLITE_BUSY")
                        || System.nanoTime() > deadline) throw e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * How long a caller waits for one of the pool's connections (Hikari's {@code connectionTimeout}) before it fails: as
     * long as a budget's grant waits for the store ({@code SharedBudgets.STORE_ANSWER_MILLIS}).
     */
    static final long POOL_WAIT_MILLIS = 5_000;

    static HikariConfig poolConfig(DatabaseLocation where, boolean ownCheckpoints) {
        return poolConfig(where, ownCheckpoints, POOL_WAIT_MILLIS);
    }

    private static HikariConfig poolConfig(DatabaseLocation where, boolean ownCheckpoints, long poolWaitMillis) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("switchboard-store");
        c.setConnectionTimeout(poolWaitMillis);
        if (where.kind() == Kind.SQLITE) {
            SQLiteConfig sqlite = new SQLiteConfig();
            // WAL: readers never block the ledger's writer; NORMAL sync survives a killed process (not a power cut)
            sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            sqlite.setBusyTimeout(10_000);
            sqlite.resetOpenMode(org.sqlite.SQLiteOpenMode.CREATE); // the file exists (SqliteFile.createIfMissing)
            SQLiteDataSource ds = new SQLiteDataSource(sqlite);
            ds.setUrl(where.jdbcUrl());
            c.setDataSource(ds);
            // per connection: no commit checkpoints; WalCheckpointer takes them on its own thread
            if (ownCheckpoints) c.setConnectionInitSql("PRAGMA wal_autocheckpoint=0");
            c.setMaximumPoolSize(4); // one writer at a time anyway; a few for reports beside it
        } else {
            c.setJdbcUrl(where.jdbcUrl());
            c.setDataSourceProperties(where.properties());
            c.setMaximumPoolSize(6);
        }
        return c;
    }

    private static void migrate(DatabaseLocation where, DataSource ds) {
        if (where.kind() != Kind.SQLITE) {
            SchemaMigrations.migrate(where, flyway(where, ds, true)); // Flyway holds PostgreSQL's advisory lock while it migrates
            return;
        }
        try (SqliteMigrationLock ignored = SqliteMigrationLock.take(where.sqlitePath())) {
            SchemaMigrations.migrate(where, flyway(where, ds, true));
        }
    }

    /** The migrations of this build over {@code ds}; {@code createSchema}: the URL's currentSchema is made when missing. */
    static Flyway flyway(DatabaseLocation where, DataSource ds, boolean createSchema) {
        return flyway(where, ds, createSchema, !"false".equalsIgnoreCase(System.getenv(PG_SESSION_LOCKS_ENV)));
    }

    /** Read as SessionLock reads it: false when PgBouncer's transaction pooling makes a session lock meaningless. */
    static final String PG_SESSION_LOCKS_ENV = "SWITCHBOARD_PG_SESSION_LOCKS";

    /** @param sessionLocks {@value #PG_SESSION_LOCKS_ENV} is not false */
    static Flyway flyway(DatabaseLocation where, DataSource ds, boolean createSchema, boolean sessionLocks) {
        boolean postgres = where.kind() == Kind.POSTGRESQL;
        var flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration").failOnMissingLocations(true)
                .javaMigrations(new SpendLogsKeyCovering(postgres && sessionLocks), new SpendDailyKey(postgres && sessionLocks))
                // a second gateway starting during a long migration (V31 builds two indexes of spend_logs: minutes on a
                // large table) waits for Flyway's advisory lock, one try a second; the default 50 stopped it
                .lockRetryCount(1_800);
        // PostgreSQL: a session advisory lock, not a transaction's; V31 and V32 build their indexes CONCURRENTLY, which waits for
        // every open transaction, Flyway's own lock-holding one included (it would wait for itself forever). Not behind
        // transaction pooling: lock and unlock could reach different server connections ("Unable to release PostgreSQL
        // advisory lock") and a lock left held makes the other gateways wait out lockRetryCount; there V31 and V32 run in
        // Flyway's transaction instead, and the ledger's writers wait while their indexes build
        flyway.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(!sessionLocks);
        Matcher schema = CURRENT_SCHEMA.matcher(where.jdbcUrl());
        if (postgres && schema.find()) flyway.schemas(schema.group(1)).createSchemas(createSchema);
        return flyway.load();
    }

    static String cannotOpen(DatabaseLocation where, Throwable e) {
        String cause = rootMessage(e);
        String fix;
        if (migrationFailed(e)) {
            fix = "Fix: a schema migration failed; it is retried at the next start. If it fails again, free what it "
                    + "names (disk space, a statement_timeout or lock held by another session) and start again.";
        } else if (where.kind() != Kind.SQLITE) {
            fix = "Fix: check that PostgreSQL runs and accepts this user, or correct general_settings.database_url.";
        } else if (cause.contains("SQLITE_NOTADB")) {
            fix = "Fix: the file is not a SQLite database; point general_settings.database_path at a new or a Switchboard file.";
        } else if (cause.contains("SQLITE_READONLY") && !cause.contains("SQLITE_READONLY_DIRECTORY")) {
            fix = "Fix: the file is read-only to this user; make it (and its -wal and -shm beside it) writable by the user "
                    + "the gateway runs as, e.g. chown or chmod u+w, or set general_settings.database_path.";
        } else if (cause.contains("SQLITE_BUSY") || cause.contains("SQLITE_LOCKED")) {
            fix = "Fix: another process holds the file locked for longer than 10 s; stop it, or give this gateway a file of its own.";
        } else {
            fix = "Fix: make sure the directory exists and is writable, or set general_settings.database_path.";
        }
        return "Cannot open the store (" + where.description() + "): " + cause + ". " + fix;
    }

    /** Flyway's own failure of a migration or of its validation, not a connection it could not get. */
    private static boolean migrationFailed(Throwable t) {
        for (; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.flywaydb.core.api.FlywayException && String.valueOf(t.getMessage()).contains("igration")) return true;
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        String best = t.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) best = t.getMessage();
        }
        best = best == null ? t.getClass().getSimpleName() : best.strip();
        return DatabaseLocation.mask(best.length() > 300 ? best.substring(0, 300) + "…" : best);
    }

    public Kind kind() { return location.kind(); }

    /** The nice value the store's writer threads lower themselves to as they start (0: left as they are). */
    public int backgroundNice() { return backgroundNice; }

    /** {@code SQLite at /abs/path} or {@code PostgreSQL at host:5432/db}: safe to log and show. */
    public String description() { return location.description(); }

    /**
     * For work only one gateway at a time should do in its transaction (deleting others' rows: two doing it in another
     * order could deadlock): PostgreSQL's transaction-scoped advisory lock on {@code key}, false when another holds it;
     * always true on SQLite, whose write lock already lets one transaction write at a time.
     */
    public boolean tryTransactionLock(Connection c, long key) throws SQLException {
        if (kind() != Kind.POSTGRESQL) return true;
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, key);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The SQLite file, or null for PostgreSQL. */
    public java.nio.file.Path sqliteFile() {
        return location.kind() == Kind.SQLITE ? java.nio.file.Path.of(location.jdbcUrl().substring("jdbc:sqlite:".length())) : null;
    }

    public DataSource dataSource() { return pool; }

    /**
     * A connection of its own, outside the pool, with the pool's settings: for a session that must last (a PostgreSQL
     * session lock held for the process's life) without taking one of the pool's few connections for ever. The caller
     * closes it. Blocks.
     */
    public Connection dedicatedConnection() throws SQLException {
        java.util.Properties props = new java.util.Properties();
        props.putAll(pool.getDataSourceProperties());
        if (pool.getUsername() != null) props.setProperty("user", pool.getUsername());
        if (pool.getPassword() != null) props.setProperty("password", pool.getPassword());
        return java.sql.DriverManager.getConnection(pool.getJdbcUrl(), props);
    }

    /**
     * A pooled connection in auto-commit mode; the caller closes it (try-with-resources). Blocks. One the pool holds in
     * a transaction (a caller could not end it: its rollback failed too) is evicted, not lent: SQLite would run the next
     * caller's statements one by one, each committed at once, and fail its commit (SqliteFaults).
     */
    public Connection connection() throws SQLException {
        for (int tries = 0; ; tries++) {
            Connection c = pool.getConnection();
            boolean autoCommit;
            try {
                autoCommit = c.getAutoCommit();
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            if (autoCommit || tries > pool.getMaximumPoolSize()) return c;
            log.warn("store: a pooled connection was left inside a transaction; replaced by a new one");
            pool.evictConnection(c);
            c.close();
        }
    }

    /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. Blocks. */
    public <T> T transaction(SqlWork<T> work) {
        return transaction(0, work);
    }

    /**
     * {@link #transaction(SqlWork)} whose every statement on PostgreSQL is cancelled after {@code statementTimeoutMillis}
     * (0: none), waits for locks included ({@code SET LOCAL statement_timeout}: the setting ends with the transaction, so
     * the pooled connection keeps none). For work something waits for: a store that hangs (a table locked by a
     * migration, a network path that drops packets) then fails the work in bounded time, with SQLSTATE 57014
     * ({@link #isTimeout}), instead of holding its caller and a worker thread as long as the store does. SQLite has no
     * such setting: its busy timeout (10 s) bounds its waits for the write lock. Blocks.
     */
    public <T> T transaction(long statementTimeoutMillis, SqlWork<T> work) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            long changesBefore = SqliteFaults.totalChanges(c);
            T out;
            try {
                if (statementTimeoutMillis > 0 && kind() == Kind.POSTGRESQL) {
                    try (java.sql.Statement s = c.createStatement()) {
                        s.execute("SET LOCAL statement_timeout = " + statementTimeoutMillis);
                    }
                }
                out = work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                // the work's own failure is what the caller sees and judges (isTransient): a connection the server ended
                // fails its rollback too, with the pool's bare "Connection is closed" (no SQLSTATE), which replaced the
                // 57P01 and made the ledger drop rows a retry would have written
                try {
                    c.rollback();
                    c.setAutoCommit(true);
                } catch (SQLException cleanup) {
                    e.addSuppressed(cleanup);
                    // a connection whose transaction cannot be ended is not lent again: SQLite ends the transaction
                    // itself on a full disk, and the driver's failed rollback left it believing one open (SqliteFaults)
                    pool.evictConnection(c);
                }
                throw e;
            }
            cutOff = false;
            // a store that could not write is back only when a write commits: reads go on answering on a full disk,
            // and would have logged "answers again" between each of the ledger's failures
            if (!writeFault || SqliteFaults.totalChanges(c) > changesBefore) {
                writeFault = false;
                outage.answered();
            }
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // committed: a connection lost just after its commit fails nothing (the pool resets the mode of the
                // connections it gets back); failing here made a committed batch be written again
            }
            return out;
        } catch (SQLException e) {
            failed(e);
            throw new StoreException("store (" + description() + "): " + rootMessage(e), e);
        } catch (RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    private void failed(Exception e) {
        if (kind() == Kind.SQLITE && SqliteFaults.cannotWrite(e)) {
            writeFault = true;
            outage.failed(e);
            return;
        }
        if (!isConnectionLoss(e)) return;
        outage.failed(e);
        if (isLinkLoss(e)) cutOff = true;
    }

    /** Whether this store is failing now (a transient failure, and no transaction has committed since). */
    public boolean failing() { return outage.failing(); }

    /**
     * Whether the link to the store is cut now: a connection was lost or could not be made (SQLSTATE class 08, or the
     * server ended the session, 57P0x), and no transaction has committed since. Narrower than {@link #failing}: a pool
     * with no free connection in time, or a server refusing more connections (53300), says the store is busy, not
     * that this process is cut off from it (the budget fence stops admitting on the former only). No I/O.
     */
    public boolean cutOff() { return cutOff; }

    static boolean isLinkLoss(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (!(c instanceof SQLException e)) continue;
            for (SQLException x = e; x != null; x = x.getNextException() == x ? null : x.getNextException()) {
                String state = x.getSQLState();
                if (state != null && !state.equals("08P01") && (state.startsWith("08") || state.startsWith("57P"))) return true;
            }
        }
        return false;
    }

    /**
     * Taken by every writer of {@code spend_logs} around its transaction (the ledger's and the request log's): since one
     * row a request (V11) both upsert the same rows, and two PostgreSQL transactions upserting the same rows in
     * opposite orders deadlock (one is aborted). Only this process's writers touch its requests' rows, so a lock in the
     * process is enough; on SQLite, whose writers take turns anyway, it turns the file lock's busy waits into a queue.
     */
    public java.util.concurrent.locks.ReentrantLock spendRowsLock() { return spendRowsLock; }

    /**
     * Whether a writer waits for {@link #spendRowsLock()} now: the writer holding it is then behind and keeps its core
     * (CoreShare), since a yield inside its transaction would keep the other writer blocked on the lock for its slice.
     */
    public boolean spendRowsWaitedFor() { return spendRowsLock.hasQueuedThreads(); }

    private final java.util.concurrent.locks.ReentrantLock spendRowsLock = new java.util.concurrent.locks.ReentrantLock();

    /**
     * The store's refusal of a row whose unique column another writer (another gateway, a moment ago) already holds, in
     * {@code t}'s causes: PostgreSQL's SQLSTATE {@code 23505} or SQLite's "UNIQUE constraint failed"; else null. Its
     * message names the constraint or column, which callers read to say which value was taken.
     */
    public static java.sql.SQLException uniqueViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException sql && ("23505".equals(sql.getSQLState())
                    || String.valueOf(sql.getMessage()).contains("UNIQUE constraint failed"))) {
                return sql;
            }
        }
        return null;
    }

    /**
     * Whether a failure may pass if the same work is tried again: the database was busy or locked (SQLite), a deadlock or
     * a serialization failure (SQLSTATE class 40), the connection failed (class 08), the server ended the session or
     * could not take it (class 57, operator intervention: {@code 57P01} admin_shutdown, which every connection gets when
     * PostgreSQL restarts, fails over or an administrator terminates backends; {@code 57P02}, {@code 57P03};
     * {@code 57014}, a statement cancelled), or it lacked resources for now (class 53: too many connections, out of
     * memory). A writer keeps such work to try again instead of taking it as refused: the ledger dropped answered and
     * billed calls when PostgreSQL terminated its connections (QA, twentieth session), since 57P01 was taken as a
     * refusal of the row.
     */
    public static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof org.sqlite.SQLiteException e) {
                int primary = e.getResultCode().code & 0xff;
                if (primary == 5 || primary == 6) return true; // SQLITE_BUSY, SQLITE_LOCKED
                // a full disk, an I/O error: the ledger dropped as "refused" a row that did not fit while a smaller one did
                if (SqliteFaults.mayPass(e)) return true;
            }
            if (c instanceof SQLException e) {
                // a batch's own errors hang on its next-exception chain, not its cause (pgjdbc's BatchUpdateException)
                for (SQLException x = e; x != null; x = x.getNextException()) {
                    if (transientState(x.getSQLState())) return true;
                    // HikariCP's proxy of a connection it evicted answers every call so, without a SQLSTATE
                    if (x.getSQLState() == null && "Connection is closed".equals(x.getMessage())) return true;
                    if (x.getNextException() == x) break;
                }
            }
            if (c instanceof java.sql.SQLTransientException) return true;
        }
        return false;
    }

    /**
     * Whether a failure is a statement the server cancelled because it took too long ({@code statement_timeout}: 57014,
     * or {@code lock_timeout}: 55P03): transient, but the store did not answer in time, so trying the same work again
     * at once would only double the wait.
     */
    public static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e) {
                for (SQLException x = e; x != null; x = x.getNextException()) {
                    if ("57014".equals(x.getSQLState()) || "55P03".equals(x.getSQLState())) return true;
                    if (x.getNextException() == x) break;
                }
            }
        }
        return false;
    }

    /**
     * Whether a failure says the store cannot be reached or has ended the session — an outage to report ({@link StoreOutage})
     * — rather than a moment's contention (a deadlock, a serialization failure, SQLite busy), which is transient too but
     * no outage: a single deadlock logged "the store is failing" and its end a few milliseconds later.
     */
    static boolean isConnectionLoss(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.sql.SQLTransientConnectionException) return true; // the pool found no connection in time
            if (!(c instanceof SQLException e)) continue;
            for (SQLException x = e; x != null; x = x.getNextException() == x ? null : x.getNextException()) {
                String state = x.getSQLState();
                if (state != null && !state.equals("08P01")
                        && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"))) {
                    return true;
                }
                if (state == null && "Connection is closed".equals(x.getMessage())) return true;
            }
        }
        return false;
    }

    /**
     * Whether a failure says the store cannot be reached at all now — a read would fail the same way after the same wait:
     * no connection from the pool in time ({@link java.sql.SQLTransientConnectionException}), the link lost or refused
     * ({@link #isLinkLoss}: class 08 but 08P01, the server ending sessions 57P0x), the server refusing more connections
     * (53300), or the pool's bare "Connection is closed". Narrower than {@link #isConnectionLoss}, the outage report's
     * test: the rest of class 53 (53100 disk_full, 53200 out_of_memory, 53400 configuration_limit_exceeded) is a server
     * that answers but cannot take this statement now — its reads still answer (review, thirty-fourth session: a full
     * disk made every stored-response read not held in memory a 503).
     */
    static boolean isOutOfReach(Throwable t) {
        if (isLinkLoss(t)) return true;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.sql.SQLTransientConnectionException) return true; // the pool found no connection in time
            if (!(c instanceof SQLException e)) continue;
            for (SQLException x = e; x != null; x = x.getNextException() == x ? null : x.getNextException()) {
                String state = x.getSQLState();
                if ("53300".equals(state)) return true; // too_many_connections: no session to be had
                if (state == null && "Connection is closed".equals(x.getMessage())) return true;
            }
        }
        return false;
    }

    private static boolean transientState(String state) {
        return state != null && (state.startsWith("40") || state.startsWith("08") || state.startsWith("57") || state.startsWith("53"));
    }

    /**
     * For {@code /health/readiness}: the store answers a trivial query within a second, and (SQLite) its last write did
     * not fail for want of a writable file ({@link #writeFault}): a full disk still answers reads, but it cannot
     * record spend; and the file it has open is still the one at its path ({@link SqliteFileWatch}: one deleted while
     * the gateway runs would be lost at the next start). Blocks.
     */
    public boolean ready() { return !writeFault && (fileWatch == null || fileWatch.stillThere()) && ping(); }

    /** Whether a trivial query answers within a second. Blocks. */
    public boolean ping() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Runs one WAL checkpoint now when this store takes its own (tests). @return frames left in the WAL, -1 on failure */
    long checkpointNow() { return checkpointer == null ? 0 : checkpointer.checkpoint(); }

    @Override
    public void close() {
        if (checkpointer != null) checkpointer.close();
        pool.close();
        afterClose.run();
    }

    /** JDBC work inside {@link #transaction}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
