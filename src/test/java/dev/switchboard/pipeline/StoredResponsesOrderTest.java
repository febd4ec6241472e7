package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.StoredResponse;
import dev.switchboard.store.Database;
import dev.switchboard.store.ResponseRows;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stored response is in the table before any later read or delete of it runs, whichever Vert.x context each came on.
 * Vert.x orders a worker's "ordered" tasks per calling context, in one queue shared with that context's other ordered
 * blocking work (on any pool): an answer's write queued behind such work on one context let a GET arriving on another
 * context read the table first, find no row, take the memory copy for deleted and answer 404 (likely the flake of
 * ResponseCacheIT's read-back). A delete there deleted nothing, and the late write brought the response back. The two
 * contexts here may share one event loop thread (contexts made outside Vert.x): the bug is per context, not per thread.
 */
class StoredResponsesOrderTest {
    private static final String OWNER = "key-1";

    private Vertx vertx;
    private Database db;
    private StoredResponses stored;
    /** Holds context A's ordered blocking queue busy (as an admin route's blocking work does) until counted down. */
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

    /** Saves {@code r} on a new context whose ordered blocking queue is held busy by other work; that context. */
    private Context saveBehindOtherBlockingWork(StoredResponse r) throws Exception {
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
        return a;
    }

    /** {@code call} run on another context (the client's next request on another connection). */
    private <T> T onAnotherContext(Supplier<Future<T>> call) throws Exception {
        return on(vertx.getOrCreateContext(), call);
    }

    /** {@code call} run on context {@code c}; what its future gives. */
    private static <T> T on(Context c, Supplier<Future<T>> call) throws Exception {
        CompletableFuture<T> out = new CompletableFuture<>();
        c.runOnContext(v -> call.get().onComplete(ar -> {
            if (ar.succeeded()) out.complete(ar.result());
            else out.completeExceptionally(ar.cause());
        }));
        return out.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aReadOnAnotherContextSeesTheAnswerWhileTheFirstContextsOtherBlockingWorkRuns() throws Exception {
        StoredResponse r = response();
        saveBehindOtherBlockingWork(r);
        StoredResponse read = onAnotherContext(() -> stored.read(r.id(), OWNER));
        assertThat(read).as("the GET right after the answer").isNotNull();
        assertThat(read.body()).isEqualTo(r.body());
        busy.countDown();
        assertThat(onAnotherContext(() -> stored.read(r.id(), OWNER))).isNotNull();
    }

    @Test
    void aDeleteOnAnotherContextIsNotUndoneByTheAnswersLateWrite() throws Exception {
        StoredResponse r = response();
        Context a = saveBehindOtherBlockingWork(r);
        assertThat(onAnotherContext(() -> stored.delete(r.id(), OWNER))).isTrue();
        busy.countDown();
        // read on the saving context: were the save still in that context's ordered queue (the old code), this read
        // would queue behind it and find the row the late write brought back; no sleep decides it
        assertThat(on(a, () -> stored.read(r.id(), OWNER))).as("deleted, and stays deleted").isNull();
    }

    @Test
    void aReadOfTheRunningRowDoesNotHideTheEndWrittenRightAfter() throws Exception {
        long now = System.currentTimeMillis();
        String id = ResponseIds.create(now);
        String body = "{\"id\":\"" + id + "\",\"object\":\"response\",\"status\":\"%s\",\"output\":[]}";
        StoredResponse running = new StoredResponse(id, OWNER, now, now + 3_600_000, body.formatted("in_progress"), "[]");
        StoredResponse end = new StoredResponse(id, OWNER, now, now + 3_600_000, body.formatted("completed"), "[]");
        stored.saveRunning(running);
        // the store's one worker thread (a shared pool by name), held until the read and the end are both queued
        WorkerExecutor same = vertx.createSharedWorkerExecutor("switchboard-responses", 1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        same.executeBlocking(() -> {
            started.countDown();
            held.await();
            return null;
        }, false);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        Future<StoredResponse> read = stored.read(id, OWNER); // will read the running row: the end is queued after it
        stored.replace(end); // the end in memory at once, its write behind the read
        held.countDown();
        assertThat(read.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).body()).contains("in_progress");
        same.executeBlocking(() -> null, false).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        same.close();
        assertThat(stored.inMemory(id, OWNER).body()).as("what previous_response_id continues").contains("completed");
    }
}
