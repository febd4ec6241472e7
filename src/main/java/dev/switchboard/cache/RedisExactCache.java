package dev.switchboard.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exact cache in Redis, shared by every gateway that points at it: one key per entry,
 * {@code sb:cache:<namespace hash>:<entry id>}, holding the encoded answer, with Redis's own expiry ({@code PX}). Every
 * command has a short timeout; when Redis is down or slow the request goes on as a miss and a warning is logged (at most
 * one every 30 s), so a cache outage costs money, never availability.
 */
public final class RedisExactCache implements ExactCache {
    private static final Logger log = LoggerFactory.getLogger("switchboard.cache");
    private static final String PREFIX = "sb:cache:";
    private static final long WARN_EVERY_MILLIS = 30_000;

    private final Redis client;
    private final RedisAPI redis;
    private final String where;
    private final long timeoutMillis;
    private final AtomicLong lastWarning = new AtomicLong();

    /** @param address where Redis is, TLS, and the pool's size ({@code max_connections}) */
    public RedisExactCache(Vertx vertx, RedisAddress address, long timeoutMillis) {
        this.client = Redis.createClient(vertx, address.options(address.maxConnections()));
        this.redis = RedisAPI.api(client);
        this.where = address.description();
        this.timeoutMillis = timeoutMillis;
    }

    static String namespaceKey(String namespace) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(namespace.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(String namespace, String entryId) { return PREFIX + namespaceKey(namespace) + ":" + entryId; }

    @Override
    public Future<CachedAnswer> get(String namespace, String entryId) {
        return redis.get(key(namespace, entryId)).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .map(r -> r == null ? null : CachedAnswerCodec.decode(r.toBuffer().getBytes()))
                .map(a -> a == null || !a.namespace().equals(namespace) || a.expired(System.currentTimeMillis()) ? null : a)
                .recover(e -> {
                    warn("get", e);
                    return Future.succeededFuture();
                });
    }

    @Override
    public Future<Void> put(CachedAnswer a) {
        long ttl = a.expiresAtMillis() - System.currentTimeMillis();
        if (ttl <= 0) return Future.succeededFuture();
        String value = new String(CachedAnswerCodec.encode(a), StandardCharsets.UTF_8);
        return redis.set(List.of(key(a.namespace(), a.entryId()), value, "PX", Long.toString(ttl)))
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS).<Void>mapEmpty()
                .recover(e -> {
                    warn("put", e);
                    return Future.succeededFuture();
                });
    }

    @Override
    public Future<Integer> delete(String entryId) { return deleteMatching(PREFIX + "*:" + entryId); }

    @Override
    public Future<Integer> deleteNamespace(String namespace) { return deleteMatching(PREFIX + namespaceKey(namespace) + ":*"); }

    @Override
    public Future<Integer> clear() { return deleteMatching(PREFIX + "*"); }

    /**
     * SCAN (never KEYS: it would stall a shared Redis) and DEL, page by page. Admin only, so failures are reported: a
     * Redis that cannot be reached is a 503 saying so (what was deleted before it failed stays deleted), not the
     * gateway's generic 500.
     */
    private Future<Integer> deleteMatching(String pattern) {
        return scanAndDelete("0", pattern, 0).timeout(Math.max(timeoutMillis, 5_000), TimeUnit.MILLISECONDS)
                .recover(e -> Future.failedFuture(dev.switchboard.model.GatewayException.of(dev.switchboard.model.ErrorKind.UNAVAILABLE,
                        "The response cache's Redis at " + where + " could not be reached (" + dev.switchboard.model.LogSafe.message(e)
                                + "): the entries may not all have been deleted. Try again when it is back.")));
    }

    private Future<Integer> scanAndDelete(String cursor, String pattern, int deleted) {
        return redis.scan(List.of(cursor, "MATCH", pattern, "COUNT", "500")).compose(page -> {
            String next = page.get(0).toString();
            List<String> keys = new ArrayList<>();
            for (Response k : page.get(1)) keys.add(k.toString());
            Future<Integer> del = keys.isEmpty() ? Future.succeededFuture(0) : redis.del(keys).map(Response::toInteger);
            return del.compose(n -> next.equals("0") ? Future.succeededFuture(deleted + n) : scanAndDelete(next, pattern, deleted + n));
        });
    }

    @Override
    public String describe() { return "Redis at " + where; }

    @Override
    public Future<Boolean> ping() {
        return redis.ping(List.of()).timeout(timeoutMillis, TimeUnit.MILLISECONDS).map(r -> true).recover(e -> Future.succeededFuture(false));
    }

    @Override
    public void close() { client.close(); }

    private void warn(String op, Throwable e) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
            log.warn("cache: Redis at {} failed a {} ({}); requests go on without the cache (this warning at most every 30 s)",
                    where, op, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }
}
