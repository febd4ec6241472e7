package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.support.Postgres;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The semantic cache over pgvector ({@code services} profile: PostgreSQL 15 with the {@code vector} extension on
 * 127.0.0.1:5432): the same behaviour as over Lucene (a paraphrase in the same context matches, another context or
 * namespace does not, forgetting and the bound remove rows), and a table left by a gateway that died is dropped by the
 * next one. Skipped, saying why, only when the extension cannot be created there; CI installs it and must not skip.
 */
@Tag("services")
class PgVectorStoreTest {
    private static final String URL = "jdbc:" + Postgres.SERVER.replaceFirst("^postgres(ql)?://([^@/]*@)?", "postgresql://");
    private static final String USER = Postgres.SERVER.matches("^postgres(ql)?://[^@/]+@.*")
            ? Postgres.SERVER.replaceFirst("^postgres(ql)?://([^@/:]+).*$", "$2") : "postgres";

    @BeforeAll
    static void pgvectorIsThere() {
        if (PgVectorStore.available(URL, USER, null)) return;
        String msg = "pgvector is not installed in the PostgreSQL at " + URL + " (CREATE EXTENSION vector failed, or PostgreSQL does not answer): "
                + "apt-get install postgresql-15-pgvector, or build third_party/pgvector-0.8.1 (see .ci/run)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(msg + "; .ci/run installs it, CI must not skip this test.");
        System.err.println("\n*** SKIPPED *** " + msg + "\n");
        Assumptions.abort(msg);
    }

    private static SemanticSettings settings(int max) {
        return new SemanticSettings("words", null, null, null, null, false, max, 3600, 1, List.of());
    }

    private static CachedAnswer answer(String id, String ns) {
        return new CachedAnswer(id, ns, System.currentTimeMillis(), System.currentTimeMillis() + 3_600_000, "openai/m", null);
    }

    private static <T> T await(Future<T> f) throws Exception { return f.toCompletionStage().toCompletableFuture().get(); }

    private static long rows(String table) throws Exception {
        try (Connection c = DriverManager.getConnection(URL, USER, null); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aParaphraseInTheSameContextMatchesThroughPgvectorAndNothingElseDoes() throws Exception {
        PgVectorStore store = new PgVectorStore(URL, USER, null, 64, true);
        try (SemanticCache c = SemanticCache.create(settings(100), new SemanticCacheTest.Words(), null, store)) {
            assertThat(c.indexName()).isEqualTo("pgvector");
            await(c.remember("ns", "ctx", "what is the capital of france", answer("e1", "ns")));
            await(c.remember("ns", "ctx", "how tall is mount everest", answer("e2", "ns")));
            var m = await(c.lookup("ns", "ctx", "the capital of france is what"));
            assertThat(m).isPresent();
            assertThat(m.get().entryId()).isEqualTo("e1");
            assertThat(m.get().similarity()).isGreaterThan(0.99);
            assertThat(await(c.lookup("ns", "other-ctx", "what is the capital of france"))).as("another context").isEmpty();
            assertThat(await(c.lookup("other-ns", "ctx", "what is the capital of france"))).as("another namespace").isEmpty();
            assertThat(rows(store.table())).isEqualTo(2);

            // a refresh (the same id stored again): the replaced entry's removal leaves the new row
            CachedAnswer fresh = answer("e1", "ns");
            await(c.remember("ns", "ctx", "what is the capital of france", fresh));
            assertThat(await(c.lookup("ns", "ctx", "the capital of france is what")).orElseThrow().answer()).isSameAs(fresh);
            assertThat(rows(store.table())).isEqualTo(2);

            assertThat(c.forget("e1")).isEqualTo(1);
            assertThat(await(c.lookup("ns", "ctx", "what is the capital of france"))).as("forgotten").isEmpty();
            assertThat(rows(store.table())).isEqualTo(1);
            assertThat(c.forgetNamespace("ns")).isEqualTo(1);
            assertThat(await(c.lookup("ns", "ctx", "how tall is mount everest"))).as("namespace forgotten").isEmpty();
            // writes are applied before the next search; the namespace's rows go with them
            await(c.remember("ns2", "ctx", "what is the capital of spain", answer("e3", "ns2")));
            assertThat(await(c.lookup("ns2", "ctx", "the capital of spain is what"))).isPresent();
            assertThat(rows(store.table())).isEqualTo(1);
        }
        try (Connection c = DriverManager.getConnection(URL, USER, null); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('" + store.table() + "') IS NULL")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("the table goes with its gateway").isTrue();
        }
    }

    @Test
    void theBoundEvictsRowsToo() throws Exception {
        PgVectorStore store = new PgVectorStore(URL, USER, null, 64, true);
        try (SemanticCache c = SemanticCache.create(settings(5), new SemanticCacheTest.Words(), null, store)) {
            for (int i = 0; i < 40; i++) await(c.remember("ns", "ctx", "question number " + i + " about topic " + (i * 7), answer("e" + i, "ns")));
            c.stats(); // runs Caffeine's maintenance: evictions delete their rows (queued, applied before the next search)
            await(c.lookup("ns", "ctx", "anything at all"));
            assertThat(rows(store.table())).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void aTableLeftByAGatewayThatDiedIsDroppedByTheNextOne() throws Exception {
        try (Connection c = DriverManager.getConnection(URL, USER, null); Statement st = c.createStatement()) {
            st.execute("CREATE UNLOGGED TABLE IF NOT EXISTS sb_semantic_0badf00d (id text PRIMARY KEY)");
        }
        PgVectorStore live = new PgVectorStore(URL, USER, null, 64, true);
        try {
            PgVectorStore next = new PgVectorStore(URL, USER, null, 64, true);
            next.close();
            try (Connection c = DriverManager.getConnection(URL, USER, null); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT to_regclass('sb_semantic_0badf00d') IS NULL, to_regclass('" + live.table() + "') IS NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("no gateway holds its lock: dropped").isTrue();
                assertThat(rs.getBoolean(2)).as("a live gateway's table stays").isFalse();
            }
        } finally {
            live.close();
        }
    }
}
