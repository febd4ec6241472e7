package dev.switchboard.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.model.StoredResponse;
import dev.switchboard.store.ResponseRows;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Responses API's stored answers, for {@code previous_response_id} and {@code GET/DELETE /v1/responses/{id}}.
 *
 * <p>Nothing here blocks an event loop: the database is used on one worker thread, in the order the calls came
 * (a save is always written before a later read or delete of the same id reaches the table), and the newest
 * answers are also held in memory, so the usual tool loop (each turn continues the one just answered) reads no
 * row at all. Writes are not awaited by the answer: a save that the store refuses is logged, and only a
 * later {@code previous_response_id} that misses the memory copy would notice.
 */
public final class StoredResponses {
    private static final Logger log = LoggerFactory.getLogger(StoredResponses.class);
    /** Answers kept in memory besides the table: the recent ones a tool loop continues. */
    private static final int RECENT = 10_000;
    private static final long PURGE_EVERY_MILLIS = 3_600_000;

    private final ResponseRows rows;
    private final WorkerExecutor worker;
    private final long retentionMillis;
    private final LongSupplier clock;
    private final Cache<String, StoredResponse> recent;

    public StoredResponses(Vertx vertx, ResponseRows rows, long retentionMillis, LongSupplier clock) {
        this.rows = rows;
        this.retentionMillis = retentionMillis;
        this.clock = clock;
        this.worker = vertx.createSharedWorkerExecutor("switchboard-responses", 1);
        this.recent = Caffeine.newBuilder().maximumSize(RECENT).executor(Runnable::run).build();
        vertx.setPeriodic(1_000, PURGE_EVERY_MILLIS, id -> purge());
    }

    /** How long an answer is kept (the retention setting), in milliseconds. */
    public long retentionMillis() { return retentionMillis; }

    /** The time a response created now expires at. */
    public long expiresAt(long createdMillis) { return createdMillis + retentionMillis; }

    /** Keeps an answer: in memory at once, in the table on the worker. */
    public void save(StoredResponse r) {
        recent.put(r.id(), r);
        worker.executeBlocking(() -> {
            rows.insert(r);
            return null;
        }, true).onFailure(e -> log.warn("response {} could not be stored: {}", r.id(), e.getMessage()));
    }

    /** The owner's unexpired answer, or null. */
    public Future<StoredResponse> find(String id, String owner) {
        long now = clock.getAsLong();
        StoredResponse r = recent.getIfPresent(id);
        if (r != null) return Future.succeededFuture(r.owner().equals(owner) && r.expiresAt() > now ? r : null);
        return worker.executeBlocking(() -> rows.find(id, owner, now), true);
    }

    /** Deletes the owner's answer; true when there was one. */
    public Future<Boolean> delete(String id, String owner) {
        long now = clock.getAsLong();
        StoredResponse r = recent.getIfPresent(id);
        if (r != null && r.owner().equals(owner)) recent.invalidate(id);
        boolean inMemory = r != null && r.owner().equals(owner) && r.expiresAt() > now;
        return worker.executeBlocking(() -> rows.delete(id, owner, now) || inMemory, true);
    }

    private void purge() {
        long now = clock.getAsLong();
        recent.asMap().values().removeIf(r -> r.expiresAt() <= now);
        worker.executeBlocking(() -> rows.purgeExpired(now), true)
                .onSuccess(n -> { if (n > 0) log.info("purged {} expired stored responses", n); })
                .onFailure(e -> log.warn("purging expired stored responses failed: {}", e.getMessage()));
    }

    /** Waits (blocking) until every queued write is done: for shutdown. */
    void drain() {
        try {
            worker.executeBlocking(() -> null, true).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("stored responses: queued writes not finished at shutdown: {}", e.getMessage());
        }
        worker.close();
    }
}
