package dev.switchboard.cache.semantic;

import dev.switchboard.cache.semantic.VectorIndex.Hit;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The semantic cache's vectors in PostgreSQL with pgvector ({@code cache_params.semantic_index: pgvector}): one UNLOGGED
 * table per gateway process ({@code sb_semantic_<8 hex>}, namespace and context as columns), an HNSW index with inner
 * product ops (the vectors are unit length, so the inner product is the cosine), dropped when the gateway stops. A
 * table whose gateway died is dropped by the next one that starts: each store holds a session advisory lock named by
 * its table, and a table whose lock can be taken has no owner.
 *
 * <p>The entries (answers, TTL, the bound) stay in {@link SemanticCache}, as with Lucene; this only finds ids. One
 * connection, used under this object's lock, only from the semantic cache's pool threads: writes are queued without
 * the lock (a delete comes from an eviction or an admin call, possibly on an event loop, which must never wait on the
 * database) and applied in order before the next search, or in batches of {@value #BATCH} adds. A hit whose entry is already gone is
 * skipped by the cache, so a late delete is harmless.
 */
public final class PgVectorStore implements VectorIndex.Factory {
    private static final int BATCH = 256;
    private static final int LOCK_CLASS = 0x5357_4243; // "SWBC": advisory locks of this class name semantic tables

    private final Connection db;
    private final String table;
    private final int dimensions;
    /** Writes not yet applied, in order; queued without the lock, so a delete never waits for a query to finish. */
    private final ConcurrentLinkedQueue<Op> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingAdds = new AtomicInteger();
    private boolean indexed;

    /** A queued write: an add, a delete (no vector), or a namespace's removal (no id either). */
    private record Op(String namespace, String id, long version, String context, float[] vector) {}

    /**
     * Connects, creates the extension if it is missing (needs the {@code postgresql-15-pgvector} package and the right
     * to create it), drops tables of gateways that died, and creates this gateway's table.
     *
     * @param hnswNow false for a bulk load (the bench): the HNSW index is built by {@link #buildIndex()} afterwards
     * @throws SQLException when PostgreSQL or pgvector is not there; the caller falls back to Lucene
     */
    public PgVectorStore(String jdbcUrl, String user, String password, int dimensions, boolean hnswNow) throws SQLException {
        this(connect(jdbcUrl, user, password), dimensions, hnswNow);
    }

    /** The same with the store's connection properties (user, password: {@code DatabaseLocation.properties()}). */
    public PgVectorStore(String jdbcUrl, java.util.Properties properties, int dimensions) throws SQLException {
        this(jdbcUrl, properties, dimensions, true);
    }

    /** @param hnswNow false for a bulk load (the bench): the HNSW index is built by {@link #buildIndex()} afterwards */
    public PgVectorStore(String jdbcUrl, java.util.Properties properties, int dimensions, boolean hnswNow) throws SQLException {
        this(DriverManager.getConnection(jdbcUrl, properties), dimensions, hnswNow);
    }

    private PgVectorStore(Connection connection, int dimensions, boolean hnswNow) throws SQLException {
        this.db = connection;
        this.dimensions = dimensions;
        int owner = ThreadLocalRandom.current().nextInt();
        this.table = "sb_semantic_" + HexFormat.of().toHexDigits(owner);
        try (Statement st = db.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS vector");
            dropOrphans(st);
            st.execute("SELECT pg_advisory_lock(" + LOCK_CLASS + ", " + owner + ")");
            st.execute("CREATE UNLOGGED TABLE " + table + " (id text PRIMARY KEY, ver bigint NOT NULL, ns text NOT NULL, ctx text NOT NULL, v vector("
                    + dimensions + ") NOT NULL)");
            // The filtered search (a rare context) keeps scanning the graph until it has k rows (pgvector ≥ 0.8).
            st.execute("SET hnsw.iterative_scan = relaxed_order");
        } catch (SQLException e) {
            db.close();
            throw e;
        }
        if (hnswNow) buildIndex();
    }

    /** Whether pgvector can be used at {@code jdbcUrl}: the extension is installed (or installable) there. */
    public static boolean available(String jdbcUrl, String user, String password) {
        try (Connection c = connect(jdbcUrl, user, password); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS vector");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password == null ? "" : password);
    }

    private static void dropOrphans(Statement st) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT tablename FROM pg_tables WHERE tablename ~ '^sb_semantic_[0-9a-f]{8}$'")) {
            while (rs.next()) tables.add(rs.getString(1));
        }
        for (String t : tables) {
            int owner = Integer.parseUnsignedInt(t.substring("sb_semantic_".length()), 16);
            boolean ownerless;
            try (ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_CLASS + ", " + owner + ")")) {
                ownerless = rs.next() && rs.getBoolean(1);
            }
            if (!ownerless) continue;
            st.execute("DROP TABLE IF EXISTS " + t);
            st.execute("SELECT pg_advisory_unlock(" + LOCK_CLASS + ", " + owner + ")");
        }
    }

    /** Builds the HNSW index (at start, or after a bulk load: much faster than growing it row by row). */
    public synchronized void buildIndex() throws SQLException {
        if (indexed) return;
        flush();
        try (Statement st = db.createStatement()) {
            st.execute("SET maintenance_work_mem = '512MB'");
            st.execute("CREATE INDEX ON " + table + " USING hnsw (v vector_ip_ops)");
            st.execute("ANALYZE " + table);
        }
        indexed = true;
    }

    @Override
    public String name() { return "pgvector"; }

    /** The table's name (tests and the bench). */
    public String table() { return table; }

    @Override
    public VectorIndex open(String namespace) { return new Namespace(namespace); }

    /** Queues a write; an add that fills a batch applies it (adds come from the cache's pool, never an event loop). */
    private void enqueue(Op op) {
        pending.add(op);
        if (op.vector != null && pendingAdds.incrementAndGet() >= BATCH) {
            synchronized (this) {
                flushQuietly();
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (SQLException e) {
            throw new IllegalStateException("pgvector: " + e.getMessage(), e);
        }
    }

    /** Applies the queued writes in order, adds batched, in one transaction. Under the lock. */
    private void flush() throws SQLException {
        if (pending.isEmpty()) return;
        pendingAdds.set(0);
        db.setAutoCommit(false);
        try (PreparedStatement add = db.prepareStatement("INSERT INTO " + table + " (id, ver, ns, ctx, v) VALUES (?, ?, ?, ?, ?::vector) "
                + "ON CONFLICT (id) DO UPDATE SET ver = excluded.ver, ns = excluded.ns, ctx = excluded.ctx, v = excluded.v");
             PreparedStatement del = db.prepareStatement("DELETE FROM " + table + " WHERE id = ? AND ver = ?");
             PreparedStatement dropNs = db.prepareStatement("DELETE FROM " + table + " WHERE ns = ?")) {
            boolean adds = false;
            for (Op op; (op = pending.poll()) != null; ) {
                if (op.vector == null) {
                    if (adds) add.executeBatch();
                    adds = false;
                    if (op.id == null) {
                        dropNs.setString(1, op.namespace);
                        dropNs.executeUpdate();
                    } else {
                        del.setString(1, op.id);
                        del.setLong(2, op.version);
                        del.executeUpdate();
                    }
                } else {
                    add.setString(1, op.id);
                    add.setLong(2, op.version);
                    add.setString(3, op.namespace);
                    add.setString(4, op.context);
                    add.setString(5, literal(op.vector));
                    add.addBatch();
                    adds = true;
                }
            }
            if (adds) add.executeBatch();
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    private synchronized List<Hit> search(String namespace, String context, float[] v, int k) {
        try {
            flush();
            String q = literal(v);
            String sql = "SELECT id, -(v <#> ?::vector) FROM " + table + " WHERE ns = ?" + (context == null ? "" : " AND ctx = ?")
                    + " ORDER BY v <#> ?::vector LIMIT ?";
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, q);
                ps.setString(i++, namespace);
                if (context != null) ps.setString(i++, context);
                ps.setString(i++, q);
                ps.setInt(i, k);
                List<Hit> out = new ArrayList<>(k);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Hit(rs.getString(1), rs.getDouble(2)));
                }
                out.sort(Comparator.comparingDouble(Hit::similarity).reversed()); // relaxed order: nearly sorted
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("pgvector: " + e.getMessage(), e);
        }
    }

    private void dropNamespace(String namespace) { pending.add(new Op(namespace, null, 0, null, null)); }

    private String literal(float[] v) {
        if (v.length != dimensions) throw new IllegalArgumentException("pgvector: a vector of " + v.length + " dimensions, not " + dimensions);
        StringBuilder b = new StringBuilder(v.length * 11).append('[');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) b.append(',');
            b.append(v[i]);
        }
        return b.append(']').toString();
    }

    @Override
    public synchronized void close() {
        try (Statement st = db.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException ignored) {
            // the next gateway that starts drops it (its advisory lock goes with this connection)
        }
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    /** One namespace's view of the table. */
    private final class Namespace implements VectorIndex {
        private final String ns;

        Namespace(String ns) { this.ns = ns; }

        @Override
        public void add(String id, long version, String context, float[] unitVector) {
            enqueue(new Op(ns, id, version, context, unitVector));
        }

        /** The row only while it holds this version: a refreshed entry's row (same id, newer version) stays. */
        @Override
        public void delete(String id, long version) { enqueue(new Op(ns, id, version, null, null)); }

        /** Unfiltered first, then by context when none of the nearest share it (as {@link LuceneVectorIndex} does). */
        @Override
        public List<Hit> nearest(String context, float[] unitVector, int k, Predicate<String> inContext) {
            List<Hit> hits = search(ns, null, unitVector, k * 2);
            List<Hit> same = new ArrayList<>(k);
            for (Hit h : hits) if (same.size() < k && inContext.test(h.id())) same.add(h);
            if (!same.isEmpty() || hits.isEmpty()) return same;
            return search(ns, context, unitVector, k);
        }

        /** Forgetting a namespace closes its index: its rows go. */
        @Override
        public void close() { dropNamespace(ns); }

        @Override
        public String toString() { return String.format(Locale.ROOT, "pgvector %s ns=%s", table, ns); }
    }
}
