package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Database;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The request log's table on each database: rows written in batches and read back whole, filters, the retention purge. */
abstract class RequestLogStoreContract {
    static final long DAY = 86_400_000L;

    abstract Database open();

    /** The database's plan of {@code sql} (one {@code ?}, bound to {@code param}), as text. */
    abstract String plan(java.sql.Connection c, String sql, String param) throws java.sql.SQLException;

    /** A query of the database's catalog: the SQL of the index named by its one parameter. */
    abstract String indexDefinitionQuery();

    private String indexDefinition(java.sql.Connection c, String index) throws java.sql.SQLException {
        try (var ps = c.prepareStatement(indexDefinitionQuery())) {
            ps.setString(1, index);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    @Test
    void aTraceLookupUsesTheTraceIndexWhichHoldsOnlyTracedRows() throws Exception {
        try (Database db = open()) {
            RequestLog log = new RequestLog(db, RequestLogSettings.DEFAULT, 60_000, System::currentTimeMillis);
            log.record(row("req_t", 1_000, "key_a", "0af7651916cd43dd8448eb211c80319c", null, 200, "primary", "p"));
            log.record(row("req_u", 2_000, "key_a", null, null, 200, "primary", "p"));
            log.flush();
            try (java.sql.Connection c = db.connection()) {
                assertThat(indexDefinition(c, "request_log_trace")).containsIgnoringCase("WHERE").containsIgnoringCase("trace_id IS NOT NULL");
                // V6 made the index partial (untraced rows cost the writer no index insert); an equality lookup must
                // still be answered from it
                assertThat(plan(c, "SELECT request_id FROM request_log WHERE trace_id = ?", "0af7651916cd43dd8448eb211c80319c"))
                        .contains("request_log_trace");
            }
            assertThat(ids(log.store().find(q(null, "0af7651916cd43dd8448eb211c80319c", null, null, null, null), 1, 10)))
                    .containsExactly("req_t");
            log.close();
        }
    }

    static RequestLogEntry row(String id, long endedAt, String keyId, String traceId, String session, int status, String route,
                               String prompt, String... tags) {
        return new RequestLogEntry(id, endedAt - 40, endedAt, keyId, keyId == null ? null : keyId + "-app", "chat", "gpt",
                "openai/gpt-4o-mini", route, null, "miss", status, status == 200 ? null : "server_error",
                status == 200 ? null : "boom", 12, 7, 3, 1234, 40L, 9L, traceId, "00f067aa0ba902b7", session, "gen", List.of(tags),
                "full", prompt, "the answer");
    }

    @Test
    void rowsAreWrittenBehindTheRequestPathAndReadBackWhole() {
        try (Database db = open()) {
            RequestLog log = new RequestLog(db, RequestLogSettings.DEFAULT, 60_000, System::currentTimeMillis);
            String prompt = "[{\"role\":\"user\",\"content\":\"héllo \u0000 wörld ✓\"}]";
            log.record(row("req_1", 10_000, "key_a", "4bf92f3577b34da6a3ce929d0e0e4736", "s1", 200, "primary", prompt, "a", "b"));
            assertThat(log.pending()).isEqualTo(1); // queued, not written: record() does no I/O
            assertThat(log.flush()).isTrue();
            RequestLogEntry e = log.store().get("req_1");
            assertThat(e.prompt()).isEqualTo(prompt.replace('\u0000', '\uFFFD')); // PostgreSQL refuses NUL in text
            assertThat(e.completion()).isEqualTo("the answer");
            assertThat(e.tags()).containsExactly("a", "b");
            assertThat(e.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(e.costNanos()).isEqualTo(1234);
            assertThat(e.ttftMs()).isEqualTo(9L);
            assertThat(e.cachedTokens()).isEqualTo(3);
            assertThat(log.store().get("req_missing")).isNull();
            // the same row again (a batch retried after a lost commit) is stored once
            log.record(row("req_1", 10_000, "key_a", null, null, 500, "primary", "x"));
            assertThat(log.flush()).isTrue();
            assertThat(log.store().get("req_1").status()).isEqualTo(200);
            log.close();
        }
    }

    @Test
    void filtersFindRowsByTraceSessionStatusRouteKeyAndTag() {
        try (Database db = open()) {
            RequestLog log = new RequestLog(db, RequestLogSettings.DEFAULT, 60_000, System::currentTimeMillis);
            String trace = "0af7651916cd43dd8448eb211c80319c";
            log.record(row("r1", 1_000, "key_a", trace, "s1", 200, "primary", "p", "team-a"));
            log.record(row("r2", 2_000, "key_a", trace, "s1", 502, "fallback:error", "p", "team-b"));
            log.record(row("r3", 3_000, "key_b", null, "s2", 200, "fallback:context_window", "p", "team-a"));
            log.flush();
            RequestLogStore s = log.store();
            assertThat(ids(s.find(q(null, trace, null, null, null, null), 1, 10))).containsExactly("r2", "r1");
            assertThat(ids(s.find(q(null, trace.toUpperCase(), null, null, null, null), 1, 10))).containsExactly("r2", "r1");
            assertThat(ids(s.find(q(null, null, "s2", null, null, null), 1, 10))).containsExactly("r3");
            assertThat(ids(s.find(q(null, null, null, "error", null, null), 1, 10))).containsExactly("r2");
            assertThat(ids(s.find(q(null, null, null, "200", null, null), 1, 10))).containsExactly("r3", "r1");
            assertThat(ids(s.find(q(null, null, null, null, "fallback", null), 1, 10))).containsExactly("r3", "r2");
            assertThat(ids(s.find(q("key_b", null, null, null, null, null), 1, 10))).containsExactly("r3");
            assertThat(ids(s.find(q(null, null, null, null, null, "team-a"), 1, 10))).containsExactly("r3", "r1");
            RequestLogStore.Page p = s.find(RequestLogQuery.ALL, 2, 2);
            assertThat(p.total()).isEqualTo(3);
            assertThat(ids(p)).containsExactly("r1");
            log.close();
        }
    }

    @Test
    void theRetentionPurgeDeletesRowsOlderThanTheSettingAndKeepsTheRest() {
        try (Database db = open()) {
            AtomicLong now = new AtomicLong(100 * DAY);
            RequestLogSettings settings = new RequestLogSettings(true, LogPolicy.DEFAULT, java.util.Map.of(), 7, 3_600_000);
            RequestLog log = new RequestLog(db, settings, 60_000, now::get);
            log.record(row("old", 100 * DAY - 8 * DAY, "key_a", null, null, 200, "primary", "p"));
            log.record(row("edge", 100 * DAY - 7 * DAY + 1, "key_a", null, null, 200, "primary", "p"));
            log.record(row("new", 100 * DAY - 1_000, "key_a", null, null, 200, "primary", "p"));
            log.flush();
            assertThat(log.purge()).isEqualTo(1);
            assertThat(log.store().get("old")).isNull();
            assertThat(log.store().get("edge")).isNotNull();
            now.addAndGet(2 * DAY);
            assertThat(log.purge()).isEqualTo(1);
            assertThat(ids(log.store().find(RequestLogQuery.ALL, 1, 10))).containsExactly("new");
            assertThat(log.purged()).isEqualTo(2);
            log.close();
        }
    }

    static RequestLogQuery q(String key, String trace, String session, String status, String route, String tag) {
        return new RequestLogQuery(key, null, trace, session, null, status, null, route, tag, null, null);
    }

    static List<String> ids(RequestLogStore.Page p) { return p.rows().stream().map(RequestLogEntry::requestId).toList(); }
}
