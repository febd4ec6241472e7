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
            assertUnavailableAtOnce(timed(stored.findItems(List.of("msg_not_held_here"), OWNER)), "item_reference not in memory");
            // a DELETE of an answer held here but already written must reach the table: 503 too, and nothing forgotten
            assertUnavailableAtOnce(timed(stored.delete(recent.id(), OWNER)), "DELETE of a written answer held in memory");
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
     * Review (thirty-fourth session): a probe's query passed during a blip, and before the probe acted on it a use that
     * had been waiting failed for want of a connection; that failure found the flag still set and set nothing, and the
     * probe then cleared it though the newest evidence said the store was away (the next read waited the pool's timeout).
     * The hook makes that order certain: the store is cut again and the failure lands between the probe's query and its
     * answer being acted on. The probe now sees a failure came while it asked, and probes again.
     */
    @Test
    void aFailureWhileTheProbeAsksKeepsTheStoreUnreachable() throws Exception {
        StoredResponse inTable = response();
        rows.insert(inTable);
        storeUnreachable();
        stored.save(response()); // its write waits the pool's timeout, fails for want of a connection: unreachable
        await().atMost(Duration.ofSeconds(15)).until(stored::unreachableNow);
        java.util.Queue<String> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean cut = new java.util.concurrent.atomic.AtomicBoolean();
        stored.probeHook = what -> {
            seen.add(what);
            if (!what.equals("answered") || !cut.compareAndSet(false, true)) return;
            try {
                storeUnreachable(); // away again
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            stored.foundUnreachable(new java.sql.SQLTransientConnectionException(
                    "pool - Connection is not available, request timed out after 5000ms")); // a use waiting since before
        };
        storeBack(); // the next probe's query passes
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("again") || seen.contains("cleared"));
        assertThat(seen).as("what the probe did with its answer").contains("again").doesNotContain("cleared");
        assertThat(stored.unreachableNow()).as("the failure after the probe's query is the newest word").isTrue();
        assertUnavailableAtOnce(timed(stored.read(inTable.id(), OWNER)), "GET of an id not in memory, the store away again");
        storeBack();
        await().atMost(Duration.ofSeconds(15)).until(() -> !stored.unreachableNow()); // a later probe finds it back
        assertThat(get(stored.read(inTable.id(), OWNER)).body()).isEqualTo(inTable.body());
    }

    /**
     * Review: a probe whose timer fired as the gateway drained submitted its query to the probe's closed thread, and the
     * timer threw (RejectedExecutionException). Its hook drains right there; the probe now gives up quietly.
     */
    @Test
    void aProbeFiringAsTheGatewayDrainsGivesUpQuietly() throws Exception {
        List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
        vertx.exceptionHandler(uncaught::add);
        java.util.Queue<String> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean drained = new java.util.concurrent.atomic.AtomicBoolean();
        stored.probeHook = what -> {
            seen.add(what);
            if (!what.equals("query") || !drained.compareAndSet(false, true)) return;
            try {
                storeBack(); // so that the last try at shutdown writes the kept answer at once
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            stored.drain(); // shutdown, after this timer fired and before its query is submitted
        };
        storeUnreachable();
        stored.save(response()); // fails for want of a connection: a probe is set
        await().atMost(Duration.ofSeconds(15)).until(() -> seen.contains("closed") || !uncaught.isEmpty());
        assertThat(uncaught).as("nothing thrown from the probe's timer").isEmpty();
        assertThat(seen).contains("closed");
    }

    /**
     * Review: a use the store failed for a reason that may pass, the store answering (a full disk here: SQLITE_FULL;
     * PostgreSQL's 53100, a statement timeout, a serialization failure), was thrown as it came — a 500 "internal error"
     * with a stack trace (a cancel's write here; a read so was a 404 before, a 500 after the first fix). It is the same
     * 503 now, and the store is not taken for unreachable: reads still go to the table.
     */
    @Test
    void aUseTheStoreFailsForAReasonThatMayPassIs503WithoutTakingTheStoreForUnreachable() throws Exception {
        StoredResponse inTable = response();
        rows.insert(inTable);
        fillTheDisk();
        StoredResponse grown = new StoredResponse(inTable.id(), OWNER, inTable.createdAt(), inTable.expiresAt(),
                "{\"pad\":\"" + "x".repeat(20_000) + "\"}", "[]");
        Timed t = timed(stored.overwrite(grown)); // a cancel's write of a row without a runner: the disk is full
        assertThat(t.failure()).as("the full disk's failure, not " + t.result()).isInstanceOf(GatewayException.class);
        GatewayException e = (GatewayException) t.failure();
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.code()).isEqualTo(StoredResponses.STORE_UNAVAILABLE);
        assertThat(e.retryAfterSeconds()).isEqualTo(1L);
        assertThat(stored.unreachableNow()).as("the store answers: not unreachable").isFalse();
        assertThat(get(stored.read(inTable.id(), OWNER)).body()).as("GET reads the table").isEqualTo(inTable.body());
        dev.switchboard.store.SqliteFullDiskTest.capEveryConnection(db, 1_000_000);
    }

    /**
     * A store that refuses writes but answers reads (a full disk: SQLITE_FULL, taken for "away" by the writes) is not
     * unreachable: reads still go to the table and find its rows.
     */
    @Test
    void aStoreRefusingWritesButAnsweringReadsIsStillRead() throws Exception {
        StoredResponse inTable = response();
        rows.insert(inTable);
        fillTheDisk();
        StoredResponse refused = new StoredResponse(response().id(), OWNER, System.currentTimeMillis(),
                System.currentTimeMillis() + 3_600_000, "{\"pad\":\"" + "x".repeat(20_000) + "\"}", "[]");
        stored.save(refused);
        await().atMost(Duration.ofSeconds(5)).until(() -> stored.unwrittenCount() == 1);
        assertThat(get(stored.read(inTable.id(), OWNER)).body()).as("GET of a row in the table").isEqualTo(inTable.body());
        assertThat(get(stored.find(inTable.id(), OWNER)).body()).isEqualTo(inTable.body());
        assertThat(get(stored.read(refused.id(), OWNER)).body()).isEqualTo(refused.body());
        dev.switchboard.store.SqliteFullDiskTest.capEveryConnection(db, 1_000_000);
    }

    /** Caps every connection's database at the pages it has now: SQLite answers SQLITE_FULL to what needs more. */
    private void fillTheDisk() throws Exception {
        long pages = db.transaction(c -> {
            try (var rs = c.createStatement().executeQuery("PRAGMA page_count")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        dev.switchboard.store.SqliteFullDiskTest.capEveryConnection(db, pages);
    }
}
