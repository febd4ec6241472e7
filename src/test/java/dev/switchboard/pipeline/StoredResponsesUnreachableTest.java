package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.StoredResponse;
import dev.switchboard.store.Database;
import dev.switchboard.store.ResponseRows;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * While the store cannot be reached (no connection from the pool in time: what a PostgreSQL that is down looks like to
 * the gateway), a read of a stored response not held in memory used to wait out the pool's connection timeout on the
 * responses worker, each read queued behind the last, and then a {@code GET} answered 404 (taken for missing) and a
 * {@code previous_response_id} or {@code DELETE} a 500. Once the store's own failures say it is unreachable, such a read
 * now fails at once with 503 {@code response_store_unavailable}; reads of answers held in memory answer as before; and
 * once the store answers again (a probe off the worker) reads find the table's rows and the kept writes are written.
 *
 * <p>The store is made unreachable by holding every connection of the SQLite pool (four), so that each use of it waits
 * the pool's timeout and fails as Hikari fails it when PostgreSQL is down; releasing them brings it back. Real parts only.
 */
class StoredResponsesUnreachableTest {
    private static final String OWNER = "key-1";

    private Vertx vertx;
    private Database db;
    private ResponseRows rows;
    private StoredResponses stored;
    private final List<Connection> held = new ArrayList<>();

    @BeforeEach
    void start() {
        System.setProperty("switchboard.responses.rewrite_ms", "50");
        System.setProperty("switchboard.responses.store_probe_ms", "100");
        vertx = Vertx.vertx();
        db = Database.scratch();
        rows = new ResponseRows(db);
        stored = new StoredResponses(vertx, rows, 3_600_000, System::currentTimeMillis);
    }

    @AfterEach
    void stop() throws Exception {
        storeBack();
        System.clearProperty("switchboard.responses.rewrite_ms");
        System.clearProperty("switchboard.responses.store_probe_ms");
        stored.drain();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        db.close();
    }

    /** Every pooled connection taken: the store's next use waits the pool's timeout and fails for want of a connection. */
    private void storeUnreachable() throws Exception {
        for (int i = 0; i < 4; i++) held.add(db.connection());
    }

    private void storeBack() throws Exception {
        for (Connection c : held) c.close();
        held.clear();
    }

    /** The pool's connection timeout (Hikari's {@code connectionTimeout}: 5 s), which each read waited before. */
    private long poolWaitMillis() { return ((HikariDataSource) db.dataSource()).getConnectionTimeout(); }

    private static StoredResponse response() {
        long now = System.currentTimeMillis();
        String id = ResponseIds.create(now);
        return new StoredResponse(id, OWNER, now, now + 3_600_000,
                "{\"id\":\"" + id + "\",\"object\":\"response\",\"status\":\"completed\",\"output\":[]}", "[]");
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** How a read ended and how long it took. */
    private record Timed(Object result, Throwable failure, long millis) {}

    private static Timed timed(Future<?> f) throws Exception {
        long t0 = System.nanoTime();
        try {
            Object r = get(f);
            return new Timed(r, null, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } catch (ExecutionException e) {
            return new Timed(null, e.getCause(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    private void assertUnavailableAtOnce(Timed t, String what) {
        assertThat(t.failure()).as(what + ": fails (an id that cannot be looked up is not 'not found'), not " + t.result()
                        + " after " + t.millis() + " ms")
                .isInstanceOf(GatewayException.class);
        GatewayException e = (GatewayException) t.failure();
        assertThat(e.kind()).as(what).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(e.status()).as(what).isEqualTo(503);
        assertThat(e.code()).as(what).isEqualTo(StoredResponses.STORE_UNAVAILABLE);
        assertThat(t.millis()).as(what + ": at once, not after the pool's timeout (%d ms)", poolWaitMillis())
                .isLessThan(poolWaitMillis() / 3);
    }

    @Test
    void whileTheStoreCannotBeReachedAReadNotHeldInMemoryFailsAtOnceAndFindsTheRowOnceItAnswers() throws Exception {
        assertThat(poolWaitMillis()).as("the pool's timeout the old reads waited").isGreaterThanOrEqualTo(3_000);
        StoredResponse inTable = response(); // written by another gateway, say: not in this one's memory
        rows.insert(inTable);
        StoredResponse recent = response(); // answered here, written, and held in memory
        stored.save(recent);
        await().atMost(Duration.ofSeconds(5)).until(() -> rows.find(recent.id(), OWNER, System.currentTimeMillis()) != null);

        storeUnreachable();
        StoredResponse kept = response(); // its write waits the pool's timeout, fails, and is kept: the store is unreachable
        stored.save(kept);
        await().atMost(Duration.ofSeconds(15)).until(() -> stored.unwrittenCount() == 1);

        // a read that must ask the table: GET (and cancel, input_items), previous_response_id, DELETE
        for (int round = 0; round < 3; round++) { // each at once, not one after another behind the pool's timeout
            assertUnavailableAtOnce(timed(stored.read(inTable.id(), OWNER)), "GET of an id not in memory");
            assertUnavailableAtOnce(timed(stored.find(inTable.id(), OWNER)), "previous_response_id of an id not in memory");
            assertUnavailableAtOnce(timed(stored.delete(inTable.id(), OWNER)), "DELETE of an id not in memory");
        }
        // reads of answers held here answer as they did (from memory)
        Timed r = timed(stored.read(recent.id(), OWNER));
        assertThat(r.failure()).isNull();
        assertThat(((StoredResponse) r.result()).body()).isEqualTo(recent.body());
        assertThat(r.millis()).as("GET of an answer in memory, at once too").isLessThan(poolWaitMillis() / 3);
        assertThat(get(stored.find(recent.id(), OWNER)).body()).isEqualTo(recent.body());
        assertThat(get(stored.read(kept.id(), OWNER)).body()).as("the kept answer").isEqualTo(kept.body());
        assertThat(get(stored.find(kept.id(), OWNER)).body()).isEqualTo(kept.body());
        assertThat(get(stored.read(recent.id(), "another-key"))).as("only its owner's").isNull();

        storeBack(); // the probe finds it answering: reads go to the table again, and the kept answer is written
        await().atMost(Duration.ofSeconds(10)).until(() -> stored.unwrittenCount() == 0);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> get(stored.read(inTable.id(), OWNER)) != null);
        assertThat(get(stored.read(inTable.id(), OWNER)).body()).as("GET after the store answers").isEqualTo(inTable.body());
        assertThat(get(stored.find(inTable.id(), OWNER)).body()).isEqualTo(inTable.body());
        assertThat(rows.find(kept.id(), OWNER, System.currentTimeMillis())).as("the kept answer written").isNotNull();
        assertThat(get(stored.delete(inTable.id(), OWNER))).as("DELETE after the store answers").isTrue();
        assertThat(rows.find(inTable.id(), OWNER, System.currentTimeMillis())).isNull();
        assertThat(stored.lostCount()).isZero();
    }

    /**
     * A store that refuses writes but answers reads (a full disk: SQLITE_FULL, taken for "away" by the writes) is not
     * unreachable: reads still go to the table and find its rows.
     */
    @Test
    void aStoreRefusingWritesButAnsweringReadsIsStillRead() throws Exception {
        StoredResponse inTable = response();
        rows.insert(inTable);
        long pages = db.transaction(c -> {
            try (var rs = c.createStatement().executeQuery("PRAGMA page_count")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        dev.switchboard.store.SqliteFullDiskTest.capEveryConnection(db, pages);
        StoredResponse refused = new StoredResponse(response().id(), OWNER, System.currentTimeMillis(),
                System.currentTimeMillis() + 3_600_000, "{\"pad\":\"" + "x".repeat(20_000) + "\"}", "[]");
        stored.save(refused);
        await().atMost(Duration.ofSeconds(5)).until(() -> stored.unwrittenCount() == 1);
        assertThat(get(stored.read(inTable.id(), OWNER)).body()).as("GET of a row in the table").isEqualTo(inTable.body());
        assertThat(get(stored.find(inTable.id(), OWNER)).body()).isEqualTo(inTable.body());
        assertThat(get(stored.read(refused.id(), OWNER)).body()).isEqualTo(refused.body());
        dev.switchboard.store.SqliteFullDiskTest.capEveryConnection(db, 1_000_000);
    }
}
