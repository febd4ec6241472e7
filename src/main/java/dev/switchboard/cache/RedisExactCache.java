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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exact cache in Redis, shared by every gateway that points at it: one key per entry,
 * {@code sb:cache:<namespace hash>:<entry id>}, holding the encoded answer, with Redis's own expiry ({@code PX}). Every
 * command has a short timeout; when Redis is down or slow the request goes on as a miss and a warning is logged (at most
 * one every 30 s), so a cache outage costs money, never availability.
 *
 * <p>The flush epoch ({@link ExactCache}) is a Redis key, {@value #EPOCH}, so every gateway sees every gateway's flush:
 * a delete INCRs it before its SCAN and DEL; a lookup reads it with the entry (one MGET: no extra round trip); and a
 * store is a small script that writes only if the epoch is still the one its lookup read (one EVALSHA in place of the
 * SET: the check and the write are atomic in Redis, so no write on another pooled connection can slip past a flush).
 * An answer written before the INCR is there when the SCAN runs, which returns every key present throughout, so the
 * DEL removes it; one written after is refused. The key is outside {@code sb:cache:*}, so no flush deletes it.
 */
public final class RedisExactCache implements ExactCache {
    private static final Logger log = LoggerFactory.getLogger("switchboard.cache");
    private static final String PREFIX = "sb:cache:";
    /** The flush epoch every gateway on this Redis shares (no expiry; absent reads as 0). */
    static final String EPOCH = "sb:cache-epoch";
    /** KEYS: the epoch, the entry; ARGV: the epoch the lookup read, the value, the TTL in ms. 1 stored, 0 flushed since. */
    private static final String STORE_SCRIPT = "if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end "
            + "redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) return 1";
    private static final String STORE_SHA = sha1(STORE_SCRIPT);

    private final Redis client;
    private final RedisAPI redis;
    private final String where;
    private final long timeoutMillis;
    private final dev.switchboard.store.StoreOutage outage;

    /** @param address where Redis is, TLS, and the pool's size ({@code max_connections}) */
    public RedisExactCache(Vertx vertx, RedisAddress address, long timeoutMillis) {
        this.client = Redis.createClient(vertx, address.options(address.maxConnections()));
        this.redis = RedisAPI.api(client);
        this.where = address.description();
        this.timeoutMillis = timeoutMillis;
        this.outage = new dev.switchboard.store.StoreOutage(log, "cache: Redis at " + where, "requests go on without the cache");
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

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long epochOf(Response r) { return r == null ? 0 : Long.parseLong(r.toString()); }

    @Override
    public Future<CachedAnswer> get(String namespace, String entryId) {
        return redis.get(key(namespace, entryId)).timeout(timeoutMillis, TimeUnit.MILLISECONDS).onSuccess(this::answered)
                .map(r -> r == null ? null : CachedAnswerCodec.decode(r.toBuffer().getBytes()))
                .map(a -> a == null || !a.namespace().equals(namespace) || a.expired(System.currentTimeMillis()) ? null : a)
                .recover(e -> {
                    warn("get", e);
                    return Future.succeededFuture();
                });
    }

    /** The entry and the epoch in one MGET: the lookup's round trip, no second one. */
    @Override
    public Future<CachedAnswer> get(String namespace, EntryKey key, EpochStamp stamp) {
        return redis.mget(List.of(EPOCH, key(namespace, key.hex()))).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .onSuccess(this::answered).map(r -> {
                    stamp.storeEpoch(epochOf(r.get(0)));
                    Response v = r.get(1);
                    CachedAnswer a = v == null ? null : CachedAnswerCodec.decode(v.toBuffer().getBytes());
                    return a == null || !a.namespace().equals(namespace) || a.expired(System.currentTimeMillis()) ? null : a;
                })
                .recover(e -> { // the stamp stays NO_EPOCH: this request's answer is not stored
                    warn("get", e);
                    return Future.succeededFuture();
                });
    }

    @Override
    public Future<Void> readEpoch(EpochStamp stamp) {
        return redis.get(EPOCH).timeout(timeoutMillis, TimeUnit.MILLISECONDS).onSuccess(this::answered).<Void>map(r -> {
            stamp.storeEpoch(epochOf(r));
            return null;
        }).recover(e -> {
            warn("get", e);
            return Future.succeededFuture();
        });
    }

    @Override
    public Future<Boolean> put(CachedAnswer a) {
        long ttl = a.expiresAtMillis() - System.currentTimeMillis();
        if (ttl <= 0) return Future.succeededFuture(false);
        String value = new String(CachedAnswerCodec.encode(a), StandardCharsets.UTF_8);
        return written(redis.set(List.of(key(a.namespace(), a.entryId()), value, "PX", Long.toString(ttl))).map(r -> true));
    }

    @Override
    public Future<Boolean> putUnlessFlushed(EntryKey key, String namespace, long createdAtMillis, long expiresAtMillis,
                                            String deployment, String modelId, Long costNanos, String tier,
                                            dev.switchboard.model.ChatResponse response, long epoch) {
        long ttl = expiresAtMillis - System.currentTimeMillis();
        if (ttl <= 0) return Future.succeededFuture(false);
        CachedAnswer a = new CachedAnswer(key.hex(), namespace, createdAtMillis, expiresAtMillis, deployment, tier, response,
                modelId, costNanos);
        String value = new String(CachedAnswerCodec.encode(a), StandardCharsets.UTF_8);
        List<String> args = List.of(STORE_SHA, "2", EPOCH, key(namespace, a.entryId()), Long.toString(epoch), value, Long.toString(ttl));
        // EVALSHA: the script's text once per Redis, not with every store; a Redis that has not seen it yet (or was
        // restarted) says NOSCRIPT, and EVAL sends and caches it
        Future<Response> run = redis.evalsha(args).recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
                ? redis.eval(scriptArgs(args)) : Future.failedFuture(e));
        return written(run.map(r -> r != null && r.toInteger() == 1));
    }

    private static List<String> scriptArgs(List<String> evalshaArgs) {
        List<String> out = new ArrayList<>(evalshaArgs);
        out.set(0, STORE_SCRIPT);
        return out;
    }

    /** A write with the command timeout; a Redis that fails it is reported (at most every 30 s) and the store fails. */
    private Future<Boolean> written(Future<Boolean> write) {
        return write.timeout(timeoutMillis, TimeUnit.MILLISECONDS).onSuccess(this::answered).recover(e -> {
            warn("put", e);
            return Future.failedFuture(new Unavailable("Redis at " + where + " did not take the entry"));
        });
    }

    @Override
    public Future<Integer> delete(String entryId) { return deleteMatching(PREFIX + "*:" + entryId); }

    @Override
    public Future<Integer> deleteNamespace(String namespace) { return deleteMatching(PREFIX + namespaceKey(namespace) + ":*"); }

    @Override
    public Future<Integer> clear() { return deleteMatching(PREFIX + "*"); }

    /**
     * INCR the flush epoch first (every gateway's answers asked for before now are refused from here on), then SCAN
     * (never KEYS: it would stall a shared Redis) and DEL, page by page. Admin only, so failures are reported: a Redis
     * that cannot be reached is a 503 saying so (what was deleted before it failed stays deleted), not the gateway's
     * generic 500.
     */
    private Future<Integer> deleteMatching(String pattern) {
        return redis.incr(EPOCH).compose(e -> scanAndDelete("0", pattern, 0)).timeout(Math.max(timeoutMillis, 5_000), TimeUnit.MILLISECONDS)
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
        return redis.ping(List.of()).timeout(timeoutMillis, TimeUnit.MILLISECONDS).onSuccess(this::answered).map(r -> true)
                .recover(e -> Future.succeededFuture(false));
    }

    /** Any command Redis answered ends an outage (one INFO line). */
    private void answered(Object ignored) { outage.answered(); }

    @Override
    public void close() { client.close(); }

    /**
     * One WARN when Redis starts failing and one INFO when it answers again ({@link StoreOutage}), not a line every
     * 30 s: an outage reads as two lines (QA F5).
     */
    private void warn(String op, Throwable e) {
        outage.failed(e);
    }
}
