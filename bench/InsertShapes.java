import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.*;
import java.util.*;

/**
 * How a batch of request-log rows is cheapest to insert into SQLite through sqlite-jdbc (docs/architecture.md, 2026-12-01
 * 19:40): the JDBC batch as the writers run it (jdbc), the same with each row's NULL columns left out (nullomit, what
 * store.SparseInsert does), only the binds (bindonly: the same binds against a statement that inserts nothing), the whole
 * batch as one bound JSON text expanded by json_each (json) or one JSONB blob by jsonb_each (jsonb), and the values as
 * SQL literals in one multi-row VALUES (lit). Modes run alternately in one JVM, each on its own file; CPU time of this
 * thread per row, the first round left out of the median.
 *
 * <p>Usage: {@code taskset -c 0 java -cp ~/.m2/repository/org/xerial/sqlite-jdbc/VERSION/sqlite-jdbc-VERSION.jar
 * bench/InsertShapes.java jdbc,nullomit,bindonly,json,jsonb,lit [batches per round] [rounds]}
 */
public class InsertShapes {
    static final String COLS = "request_id, started_at, ended_at, key_id, key_alias, call_type, requested_model, "
            + "deployment, route, tier, cache_status, status, error_type, error_message, prompt_tokens, completion_tokens, "
            + "cached_tokens, cost_nanos, latency_ms, ttft_ms, trace_id, span_id, session_id, generation_name, tags, log_policy, "
            + "prompt, completion";
    static Object[] row(long i) {
        long now = System.currentTimeMillis();
        String id = "req_" + Long.toHexString(now) + String.format("%020x", i);
        return new Object[]{id, now - 3, now, "master", null, "chat", "bench", "openai/gpt-4o-mini", "primary", null, "miss",
                200L, null, null, 9L, 12L, 0L, 3000L, 3L, null, null, null, null, null, "[]", "truncated:2000",
                "[{\"role\":\"user\",\"content\":\"hi\"}]", "This is a simulated answer from the provider simulator."};
    }
    public static void main(String[] a) throws Exception {
        String[] modes = a[0].split(",");
        int batch = 500, batches = Integer.parseInt(a.length > 1 ? a[1] : "100"), rounds = Integer.parseInt(a.length > 2 ? a[2] : "10");
        Connection[] cs = new Connection[modes.length];
        for (int m = 0; m < modes.length; m++) {
            String f = System.getProperty("java.io.tmpdir") + "/insert-shapes-" + m + ".db";
            new java.io.File(f).delete(); new java.io.File(f + "-wal").delete();
            Connection c = cs[m] = DriverManager.getConnection("jdbc:sqlite:" + f);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL"); s.execute("PRAGMA synchronous=NORMAL");
                s.execute("CREATE TABLE request_log (request_id VARCHAR(64) NOT NULL PRIMARY KEY, started_at BIGINT NOT NULL, ended_at BIGINT NOT NULL, key_id VARCHAR(40), key_alias VARCHAR(255), call_type VARCHAR(16) NOT NULL, requested_model VARCHAR(255), deployment VARCHAR(255), route VARCHAR(64), tier VARCHAR(128), cache_status VARCHAR(16), status INTEGER NOT NULL, error_type VARCHAR(64), error_message TEXT, prompt_tokens BIGINT NOT NULL, completion_tokens BIGINT NOT NULL, cached_tokens BIGINT NOT NULL, cost_nanos BIGINT NOT NULL, latency_ms BIGINT, ttft_ms BIGINT, trace_id VARCHAR(32), span_id VARCHAR(16), session_id VARCHAR(255), generation_name VARCHAR(255), tags TEXT NOT NULL, log_policy VARCHAR(32) NOT NULL, prompt TEXT, completion TEXT)");
                s.execute("CREATE INDEX request_log_ended ON request_log (ended_at)");
                s.execute("CREATE INDEX request_log_trace ON request_log (trace_id) WHERE trace_id IS NOT NULL");
            }
            c.setAutoCommit(false);
        }
        var mx = ManagementFactory.getThreadMXBean();
        long n = 0;
        double[][] res = new double[modes.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int m = 0; m < modes.length; m++) {
                Connection c = cs[m];
                long t0 = mx.getCurrentThreadCpuTime();
                int rows = 0;
                for (int b = 0; b < batches; b++) {
                    List<Object[]> rs = new ArrayList<>(batch);
                    for (int i = 0; i < batch; i++) rs.add(row(n++));
                    switch (modes[m]) {
                        case "jdbc" -> jdbc(c, rs);
                        case "json" -> json(c, rs);
                        case "lit" -> lit(c, rs);
                        case "nullomit" -> nullomit(c, rs);
                        case "bindonly" -> bindonly(c, rs);
                        case "jsonb" -> jsonb(c, rs, "jsonb_each");
                        default -> throw new IllegalArgumentException(modes[m]);
                    }
                    c.commit();
                    rows += batch;
                }
                res[m][round] = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / rows;
            }
        }
        for (int m = 0; m < modes.length; m++) {
            double[] r = res[m].clone(); Arrays.sort(r, 1, r.length);
            System.out.printf("%-10s median %.2f  min %.2f  all %s%n", modes[m], r[1 + (r.length - 1) / 2], r[1], Arrays.toString(res[m]).replaceAll("(\\.\\d\\d)\\d+", "$1"));
        }
    }
    static void jdbc(Connection c, List<Object[]> rs) throws SQLException {
        String q = "?,".repeat(27) + "?";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO request_log (" + COLS + ") VALUES (" + q + ") ON CONFLICT DO NOTHING")) {
            batch(ps, rs);
        }
    }
    static void lit(Connection c, List<Object[]> rs) throws SQLException {
        StringBuilder sb = new StringBuilder(rs.size() * 300).append("INSERT INTO request_log (" + COLS + ") VALUES ");
        for (int k = 0; k < rs.size(); k++) {
            sb.append(k == 0 ? "(" : ",(");
            Object[] r = rs.get(k);
            for (int i = 0; i < r.length; i++) {
                if (i > 0) sb.append(',');
                Object v = r[i];
                if (v == null) sb.append("NULL");
                else if (v instanceof Long l) sb.append(l.longValue());
                else { sb.append('\''); String t = (String) v; for (int j = 0; j < t.length(); j++) { char ch = t.charAt(j); if (ch == '\'') sb.append('\''); sb.append(ch); } sb.append('\''); }
            }
            sb.append(')');
        }
        sb.append(" ON CONFLICT DO NOTHING");
        try (Statement s = c.createStatement()) { s.executeUpdate(sb.toString()); }
    }
    static void nullomit(Connection c, List<Object[]> rs) throws SQLException {
        String[] cols = COLS.split(", ");
        Map<Integer, PreparedStatement> st = new HashMap<>();
        try {
            for (Object[] r : rs) {
                int mask = 0;
                for (int i = 0; i < r.length; i++) if (r[i] != null) mask |= 1 << i;
                final int m = mask;
                PreparedStatement ps = st.get(mask);
                if (ps == null) {
                    StringBuilder a = new StringBuilder(), q = new StringBuilder();
                    for (int i = 0; i < cols.length; i++) if ((m & (1 << i)) != 0) { if (a.length() > 0) { a.append(','); q.append(','); } a.append(cols[i]); q.append('?'); }
                    ps = c.prepareStatement("INSERT INTO request_log (" + a + ") VALUES (" + q + ") ON CONFLICT DO NOTHING");
                    st.put(mask, ps);
                }
                int k = 1;
                for (Object v : r) {
                    if (v == null) continue;
                    if (v instanceof Long l) ps.setLong(k++, l);
                    else ps.setString(k++, (String) v);
                }
                ps.addBatch();
            }
            for (PreparedStatement ps : st.values()) ps.executeBatch();
        } finally {
            for (PreparedStatement ps : st.values()) ps.close();
        }
    }
    static void bindonly(Connection c, List<Object[]> rs) throws SQLException {
        String q = "?,".repeat(27) + "?";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO request_log (" + COLS + ") SELECT " + q + " WHERE false ON CONFLICT DO NOTHING")) {
            batch(ps, rs);
        }
    }
    /** Every row's values bound (NULLs too, as the writers' JDBC batch did) and the batch run. */
    static void batch(PreparedStatement ps, List<Object[]> rs) throws SQLException {
        for (Object[] r : rs) {
            for (int i = 0; i < r.length; i++) {
                Object v = r[i];
                if (v == null) ps.setNull(i + 1, Types.VARCHAR);
                else if (v instanceof Long l) ps.setLong(i + 1, l);
                else ps.setString(i + 1, (String) v);
            }
            ps.addBatch();
        }
        ps.executeBatch();
    }

    static String sel(String src) {
        StringBuilder sb = new StringBuilder("INSERT INTO request_log (" + COLS + ") SELECT ");
        for (int i = 0; i < 28; i++) sb.append(i == 0 ? "" : ", ").append("value ->> ").append(i);
        return sb.append(" FROM ").append(src).append("(?) WHERE true ON CONFLICT DO NOTHING").toString();
    }
    static void json(Connection c, List<Object[]> rs) throws SQLException {
        StringBuilder sb = new StringBuilder(rs.size() * 300);
        sb.append('[');
        for (int k = 0; k < rs.size(); k++) {
            if (k > 0) sb.append(',');
            sb.append('[');
            Object[] r = rs.get(k);
            for (int i = 0; i < r.length; i++) {
                if (i > 0) sb.append(',');
                Object v = r[i];
                if (v == null) sb.append("null");
                else if (v instanceof Long l) sb.append(l.longValue());
                else str(sb, (String) v);
            }
            sb.append(']');
        }
        sb.append(']');
        try (PreparedStatement ps = c.prepareStatement(sel("json_each"))) {
            ps.setString(1, sb.toString());
            ps.executeUpdate();
        }
    }
    static void str(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') sb.append('\\').append(ch);
            else if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
            else sb.append(ch);
        }
        sb.append('"');
    }
    // JSONB: every container with a 4-byte size (header byte 0xE?), patched after
    static void jsonb(Connection c, List<Object[]> rs, String fn) throws SQLException {
        Buf o = new Buf(rs.size() * 300);
        int top = o.open(11);
        for (Object[] r : rs) {
            int arr = o.open(11);
            for (Object v : r) {
                if (v == null) o.b(0);
                else if (v instanceof Long l) { byte[] d = Long.toString(l).getBytes(StandardCharsets.US_ASCII); o.head(3, d.length); o.bytes(d); }
                else { byte[] d = ((String) v).getBytes(StandardCharsets.UTF_8); o.head(10, d.length); o.bytes(d); }
            }
            o.close(arr);
        }
        o.close(top);
        try (PreparedStatement ps = c.prepareStatement(sel(fn))) {
            ps.setBytes(1, Arrays.copyOf(o.a, o.n));
            ps.executeUpdate();
        }
    }
    static final class Buf {
        byte[] a; int n;
        Buf(int cap) { a = new byte[cap]; }
        void ensure(int k) { if (n + k > a.length) a = Arrays.copyOf(a, Math.max(a.length * 2, n + k)); }
        void b(int v) { ensure(1); a[n++] = (byte) v; }
        void bytes(byte[] d) { ensure(d.length); System.arraycopy(d, 0, a, n, d.length); n += d.length; }
        void head(int type, int size) {
            if (size <= 11) b((size << 4) | type);
            else if (size <= 0xff) { b(0xC0 | type); b(size); }
            else if (size <= 0xffff) { b(0xD0 | type); b(size >>> 8); b(size); }
            else { b(0xE0 | type); b(size >>> 24); b(size >>> 16); b(size >>> 8); b(size); }
        }
        int open(int type) { b(0xE0 | type); int at = n; b(0); b(0); b(0); b(0); return at; }
        void close(int at) { int size = n - at - 4; a[at] = (byte) (size >>> 24); a[at + 1] = (byte) (size >>> 16); a[at + 2] = (byte) (size >>> 8); a[at + 3] = (byte) size; }
    }
}
