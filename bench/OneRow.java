import java.lang.management.ManagementFactory;
import java.sql.*;
import java.util.*;

/**
 * What "one row a request instead of two" would save the store's writers (docs/architecture.md, 2026-12-02 22:10): the
 * ledger's row (spend_logs, 26 columns, its primary key and two indexes) plus the request log's (request_log, 28
 * columns, its primary key, the time index and the partial trace index), each batch in its own transaction as the two
 * writers commit them ("two"), against one row a request in a table with the ledger's columns and the log's own
 * (error message, trace, span, session, generation name, tags, policy, prompt, completion: 36 columns, the indexes of
 * both) in one transaction a batch ("one"). Rows shaped like bench/profile.sh's plain mode (master key, untraced, the
 * prompt and completion as the default policy keeps them), each statement naming only the row's non-NULL columns as
 * store.SparseInsert does. sqlite-jdbc alone, WAL and synchronous=NORMAL as the store opens SQLite; the two modes
 * alternate in one JVM, each on its own file; CPU time of this thread per request (both rows for "two"), the first
 * round left out of the median. The rollups, the tags table and the checkpointer are the same in both and not here.
 *
 * <p>Usage: {@code taskset -c 0 java -cp ~/.m2/repository/org/xerial/sqlite-jdbc/VERSION/sqlite-jdbc-VERSION.jar
 * bench/OneRow.java [batches per round] [rounds]}
 */
public class OneRow {
    static final String LEDGER = "CREATE TABLE spend_logs (request_id VARCHAR(64) NOT NULL, attempt INTEGER NOT NULL, "
            + "started_at BIGINT NOT NULL, ended_at BIGINT NOT NULL, key_id VARCHAR(40), key_alias VARCHAR(255), "
            + "end_user VARCHAR(255), call_type VARCHAR(16) NOT NULL, requested_model VARCHAR(255), deployment VARCHAR(255), "
            + "route VARCHAR(64), tier VARCHAR(128), cache_status VARCHAR(16), prompt_tokens BIGINT NOT NULL, "
            + "completion_tokens BIGINT NOT NULL, cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL, "
            + "reasoning_tokens BIGINT NOT NULL, usage_estimated BOOLEAN NOT NULL, cost_nanos BIGINT NOT NULL, "
            + "saved_nanos BIGINT NOT NULL, priced BOOLEAN NOT NULL, latency_ms BIGINT, ttft_ms BIGINT, status INTEGER NOT NULL, "
            + "error_type VARCHAR(64)%s, PRIMARY KEY (request_id, attempt))";
    static final String LOG_ONLY = ", error_message TEXT, trace_id VARCHAR(32), span_id VARCHAR(16), "
            + "session_id VARCHAR(255), generation_name VARCHAR(255), tags TEXT NOT NULL, log_policy VARCHAR(32) NOT NULL, "
            + "prompt TEXT, completion TEXT";
    static final String LOG = "CREATE TABLE request_log (request_id VARCHAR(64) NOT NULL PRIMARY KEY, started_at BIGINT "
            + "NOT NULL, ended_at BIGINT NOT NULL, key_id VARCHAR(40), key_alias VARCHAR(255), call_type VARCHAR(16) NOT NULL, "
            + "requested_model VARCHAR(255), deployment VARCHAR(255), route VARCHAR(64), tier VARCHAR(128), cache_status "
            + "VARCHAR(16), status INTEGER NOT NULL, error_type VARCHAR(64), error_message TEXT, prompt_tokens BIGINT NOT NULL, "
            + "completion_tokens BIGINT NOT NULL, cached_tokens BIGINT NOT NULL, cost_nanos BIGINT NOT NULL, latency_ms BIGINT, "
            + "ttft_ms BIGINT, trace_id VARCHAR(32), span_id VARCHAR(16), session_id VARCHAR(255), generation_name "
            + "VARCHAR(255), tags TEXT NOT NULL, log_policy VARCHAR(32) NOT NULL, prompt TEXT, completion TEXT)";
    // the non-NULL columns of a plain-mode request, as SparseInsert names them
    static final String LEDGER_COLS = "request_id, attempt, started_at, ended_at, key_id, call_type, requested_model, "
            + "deployment, route, cache_status, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, "
            + "reasoning_tokens, usage_estimated, cost_nanos, saved_nanos, priced, latency_ms, status";
    static final String LOG_COLS = "request_id, started_at, ended_at, key_id, call_type, requested_model, deployment, "
            + "route, cache_status, status, prompt_tokens, completion_tokens, cached_tokens, cost_nanos, latency_ms, tags, "
            + "log_policy, prompt, completion";
    static final String ONE_COLS = LEDGER_COLS + ", tags, log_policy, prompt, completion";
    static final String PROMPT = "[{\"role\":\"user\",\"content\":\"Say hello in one short sentence, please.\"}]";
    static final String COMPLETION = "This is a simulated answer from the provider simulator.";

    public static void main(String[] a) throws Exception {
        int batch = 500, batches = Integer.parseInt(a.length > 0 ? a[0] : "100"), rounds = Integer.parseInt(a.length > 1 ? a[1] : "10");
        String[] modes = {"two", "one"};
        Connection[] cs = new Connection[2];
        for (int m = 0; m < 2; m++) {
            String f = System.getProperty("java.io.tmpdir") + "/one-row-" + modes[m] + ".db";
            new java.io.File(f).delete(); new java.io.File(f + "-wal").delete(); new java.io.File(f + "-shm").delete();
            Connection c = cs[m] = DriverManager.getConnection("jdbc:sqlite:" + f);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL"); s.execute("PRAGMA synchronous=NORMAL");
                s.execute(String.format(LEDGER, m == 0 ? "" : LOG_ONLY));
                s.execute("CREATE INDEX spend_logs_ended ON spend_logs (ended_at)");
                s.execute("CREATE INDEX spend_logs_key ON spend_logs (key_id, ended_at)");
                if (m == 0) {
                    s.execute(LOG);
                    s.execute("CREATE INDEX request_log_ended ON request_log (ended_at)");
                    s.execute("CREATE INDEX request_log_trace ON request_log (trace_id) WHERE trace_id IS NOT NULL");
                } else {
                    s.execute("CREATE INDEX spend_logs_trace ON spend_logs (trace_id) WHERE trace_id IS NOT NULL");
                }
            }
            c.setAutoCommit(false);
        }
        var mx = ManagementFactory.getThreadMXBean();
        long n = 0;
        double[][] res = new double[2][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 2; k++) {
                int m = (round % 2 == 0) ? k : 1 - k;  // the order swapped every round
                Connection c = cs[m];
                long t0 = mx.getCurrentThreadCpuTime();
                for (int b = 0; b < batches; b++) {
                    long first = n;
                    n += batch;
                    long now = System.currentTimeMillis();
                    String[] ids = new String[batch];  // made once a request in both modes
                    for (int i = 0; i < batch; i++) ids[i] = id(first + i, now);
                    if (m == 0) {
                        insert(c, "spend_logs", LEDGER_COLS, ids, now, OneRow::ledger);
                        c.commit();
                        insert(c, "request_log", LOG_COLS, ids, now, OneRow::log);
                        c.commit();
                    } else {
                        insert(c, "spend_logs", ONE_COLS, ids, now, OneRow::one);
                        c.commit();
                    }
                }
                res[m][round] = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / ((double) batch * batches);
            }
            System.out.printf("round %d: two rows %.2f us a request, one row %.2f%n", round + 1, res[0][round], res[1][round]);
        }
        for (int m = 0; m < 2; m++) {
            double[] r = Arrays.copyOfRange(res[m], 1, rounds);
            Arrays.sort(r);
            System.out.printf("%s: median %.2f us a request (rounds 2-%d: %.2f-%.2f)%n",
                    m == 0 ? "two rows (ledger + request log)" : "one row", r[r.length / 2], rounds, r[0], r[r.length - 1]);
        }
    }

    interface Row { Object[] values(String id, long now); }

    static void insert(Connection c, String table, String cols, String[] ids, long now, Row row) throws SQLException {
        int k = cols.split(",").length;
        String sql = "INSERT INTO " + table + " (" + cols + ") VALUES (" + "?,".repeat(k - 1) + "?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (String id : ids) {
                Object[] v = row.values(id, now);
                for (int j = 0; j < v.length; j++) ps.setObject(j + 1, v[j]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static String id(long i, long now) { return "req_" + String.format("%012x%020x", now, i); }

    static Object[] ledger(String id, long now) {
        return new Object[]{id, 0, now - 3, now, "master", "chat", "bench", "openai/gpt-4o-mini", "primary", "miss",
                9L, 12L, 0L, 0L, 0L, false, 3000L, 0L, true, 3L, 200};
    }

    static Object[] log(String id, long now) {
        return new Object[]{id, now - 3, now, "master", "chat", "bench", "openai/gpt-4o-mini", "primary", "miss", 200,
                9L, 12L, 0L, 3000L, 3L, "[]", "truncated:2000", PROMPT, COMPLETION};
    }

    static Object[] one(String id, long now) {
        Object[] l = ledger(id, now);
        Object[] v = Arrays.copyOf(l, l.length + 4);
        v[l.length] = "[]"; v[l.length + 1] = "truncated:2000"; v[l.length + 2] = PROMPT; v[l.length + 3] = COMPLETION;
        return v;
    }
}
