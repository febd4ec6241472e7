package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.StoredResponse;
import dev.switchboard.store.Database;
import dev.switchboard.store.ResponseRows;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stored response is in the table before any later read or delete of it runs, whichever event loop each came on.
 * Vert.x orders a worker's "ordered" tasks per calling context, in one queue shared with that context's other ordered
 * blocking work (on any pool): an answer's write queued behind such work on one event loop let a GET arriving on the
 * other event loop read the table first, find no row, take the memory copy for deleted and answer 404 (the flake of
 * ResponseCacheIT's read-back). A delete there deleted nothing, and the late write brought the response back.
 */
class StoredResponsesOrderTest {
    private static final String OWNER = "key-1";

    private Vertx vertx;
    private Database db;
    private StoredResponses stored;
    /** Holds event loop A's ordered blocking queue busy (as an admin route's blocking work does) until counted down. */
    private final CountDownLatch busy = new CountDownLatch(1);

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        db = Database.scratch();
        stored = new StoredResponses(vertx, new ResponseRows(db), 3_600_000, System::currentTimeMillis);
    }

    @AfterEach
    void stop() throws Exception {
        busy.countDown();
        stored.drain();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        db.close();
    }

    private static StoredResponse response() {
        long now = System.currentTimeMillis();
        String id = ResponseIds.create(now);
        return new StoredResponse(id, OWNER, now, now + 3_600_000,
                "{\"id\":\"" + id + "\",\"object\":\"response\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\"}]}", "[]");
    }

    /** Saves {@code r} on a new event loop context whose ordered blocking queue is held busy by other work. */
    private void saveBehindOtherBlockingWork(StoredResponse r) throws Exception {
        Context a = vertx.getOrCreateContext();
        CompletableFuture<Void> saved = new CompletableFuture<>();
        a.runOnContext(v -> {
            vertx.executeBlocking(() -> {
                busy.await();
                return null;
            }); // ordered: this context's queue
            stored.save(r); // the answer is sent right after this
            saved.complete(null);
        });
        saved.get(5, TimeUnit.SECONDS);
    }

    /** {@code call} run on another event loop context (the client's next request on another connection). */
    private <T> T onAnotherLoop(Supplier<Future<T>> call) throws Exception {
        Context b = vertx.getOrCreateContext();
        CompletableFuture<T> out = new CompletableFuture<>();
        b.runOnContext(v -> call.get().onComplete(ar -> {
            if (ar.succeeded()) out.complete(ar.result());
            else out.completeExceptionally(ar.cause());
        }));
        return out.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aReadOnAnotherEventLoopSeesTheAnswerWhileThatLoopsOtherBlockingWorkRuns() throws Exception {
        StoredResponse r = response();
        saveBehindOtherBlockingWork(r);
        StoredResponse read = onAnotherLoop(() -> stored.read(r.id(), OWNER));
        assertThat(read).as("the GET right after the answer").isNotNull();
        assertThat(read.body()).isEqualTo(r.body());
        busy.countDown();
        assertThat(onAnotherLoop(() -> stored.read(r.id(), OWNER))).isNotNull();
    }

    @Test
    void aDeleteOnAnotherEventLoopIsNotUndoneByTheAnswersLateWrite() throws Exception {
        StoredResponse r = response();
        saveBehindOtherBlockingWork(r);
        assertThat(onAnotherLoop(() -> stored.delete(r.id(), OWNER))).isTrue();
        busy.countDown();
        // whatever the other loop still had queued has run by now
        onAnotherLoop(() -> vertx.executeBlocking(() -> null));
        Thread.sleep(200);
        assertThat(onAnotherLoop(() -> stored.read(r.id(), OWNER))).as("deleted, and stays deleted").isNull();
    }
}
