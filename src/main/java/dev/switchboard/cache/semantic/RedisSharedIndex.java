package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.cache.CachedAnswerCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The semantic cache shared by every gateway on one Redis ({@code cache_params.type: redis-semantic}), through a Redis
 * stream, {@code sb:semantic:<index_name>}: each gateway appends what it stores (the question's vector, its context hash, the question,
 * the encoded answer with its expiry) and what it forgets (an entry, a namespace, everything), and tails the stream
 * into its own in-memory HNSW index. Searches stay local (no round trip on the lookup); a paraphrase one gateway
 * answered is a hit on the others as soon as they have read it (milliseconds).
 *
 * <p>Why a stream and not a shared vector index: Debian's Redis 7 has no vector search (RediSearch is a separate
 * module), and a lookup in PostgreSQL costs a round trip and more than Lucene in this process (see the README's
 * figures). The stream is capped at about {@code max_entries} operations ({@code MAXLEN ~}), so a gateway that starts
 * catches up on at most that many; a flush of everything also trims what came before it.
 *
 * <p>Flushes are ordered by the stream: an entry carries the stream position its gateway had applied when the answer
 * was asked for ({@link SharedIndex#cursor}), and every gateway drops an entry with a flush between that position and
 * its own, so an answer from before a flush never reappears after it, on any gateway. Entries are applied on one
 * thread of their own, never on an event loop. When Redis does not answer, entries stay local (each gateway keeps
 * its own, as with {@code type: semantic}) and one WARN line says so at most every 30 s; the tail reconnects every 2 s.
 */
public final class RedisSharedIndex implements SharedIndex {
    private static final Logger log = LoggerFactory.getLogger("switchboard.cache");
    /** The stream's key: {@code sb:semantic:<index_name>} ({@code cache_params.index_name}, LiteLLM's name; default "switchboard"). */
    static final String PREFIX = "sb:semantic:";
    public static final String DEFAULT_INDEX = "switchboard";
    private static final long WARN_EVERY_MILLIS = 30_000;
    private static final int READ_BATCH = 500;

    private final Vertx vertx;
    private final String stream;
    private final Redis writer;
    private final Redis reader;
    private final SemanticCache cache;
    private final String where;
    private final long timeoutMillis;
    private final long maxLength;
    private final ExecutorService applier;
    private final AtomicLong lastWarning = new AtomicLong();
    private volatile String cursor = "0-0";
    private volatile boolean closed;
    private volatile RedisConnection tail; // only touched by the read loop, one step at a time
    private String lastFlush = "0-0"; // only touched on the applier thread

    /**
     * Starts tailing the stream from its beginning (catch-up) into {@code cache}, and shares what it stores from now on.
     *
     * @param url       {@code redis://…}
     * @param maxLength the stream's cap (operations kept, about {@code max_entries})
     */
    public static RedisSharedIndex start(Vertx vertx, String url, String describedAs, long timeoutMillis, String indexName,
                                         long maxLength, SemanticCache cache) {
        return start(vertx, dev.switchboard.cache.RedisAddress.of(url, describedAs), timeoutMillis, indexName, maxLength, cache);
    }

    /** @param address where Redis is, and TLS (the exact cache's) */
    public static RedisSharedIndex start(Vertx vertx, dev.switchboard.cache.RedisAddress address, long timeoutMillis, String indexName,
                                         long maxLength, SemanticCache cache) {
        RedisSharedIndex s = new RedisSharedIndex(vertx, address, timeoutMillis, indexName, maxLength, cache);
        cache.share(s);
        s.readNext();
        return s;
    }

    private RedisSharedIndex(Vertx vertx, dev.switchboard.cache.RedisAddress address, long timeoutMillis, String indexName, long maxLength,
                             SemanticCache cache) {
        this.vertx = vertx;
        this.stream = PREFIX + (indexName == null ? DEFAULT_INDEX : indexName);
        // RESP2: XREAD's answer is the same nested array whatever the server negotiates.
        this.writer = Redis.createClient(vertx, address.options(4).setPreferredProtocolVersion(ProtocolVersion.RESP2));
        this.reader = Redis.createClient(vertx, address.options(1).setPreferredProtocolVersion(ProtocolVersion.RESP2));
        this.cache = cache;
        this.where = address.description();
        this.timeoutMillis = timeoutMillis;
        this.maxLength = Math.max(1_000, maxLength);
        this.applier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sb-semantic-shared");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String cursor() { return cursor; }

    @Override
    public void added(String namespace, String context, String question, float[] unitVector, CachedAnswer answer, String seen) {
        ByteBuffer v = ByteBuffer.allocate(unitVector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : unitVector) v.putFloat(f);
        publish("add", xadd().arg("op").arg("add").arg("id").arg(answer.entryId()).arg("ns").arg(namespace).arg("ctx").arg(context)
                .arg("q").arg(question).arg("emb").arg(cache.embedderName()).arg("seen").arg(seen)
                .arg("v").arg(Buffer.buffer(v.array())).arg("a").arg(Buffer.buffer(CachedAnswerCodec.encode(answer))));
    }

    @Override
    public void forgot(String entryId) { publish("forget", xadd().arg("op").arg("forget").arg("id").arg(entryId)); }

    @Override
    public void forgotNamespace(String namespace) { publish("flush", xadd().arg("op").arg("ns").arg("ns").arg(namespace)); }

    /** Everything goes: the stream before the flush is trimmed too (a gateway that starts need not replay it). */
    @Override
    public void cleared() {
        publish("flush", xadd().arg("op").arg("clear")).compose(id -> id == null ? Future.succeededFuture()
                : writer.send(Request.cmd(Command.XTRIM).arg(stream).arg("MINID").arg(id.toString())));
    }

    private Request xadd() { return Request.cmd(Command.XADD).arg(stream).arg("MAXLEN").arg("~").arg(maxLength).arg("*"); }

    private Future<Response> publish(String what, Request r) {
        return writer.send(r).timeout(timeoutMillis, TimeUnit.MILLISECONDS).recover(e -> {
            warn("share a " + what, e);
            return Future.succeededFuture();
        });
    }

    /** One step of the tail: read what came after the cursor (waiting up to 2 s), apply it off the event loop, repeat. */
    private void readNext() {
        if (closed) return;
        Future<RedisConnection> conn = tail != null ? Future.succeededFuture(tail) : reader.connect().onSuccess(c -> {
            // The client's default handler logs "ERROR RedisConnectionManager - Unhandled Error" with the exception. Closing
            // this connection while its XREAD BLOCK waits (every shutdown, and `check`, which builds the gateway and
            // closes it at once) fails it with "Connection was closed": QA (low), an ERROR line after every `check` of a
            // redis-semantic config. Closed by us, it is no error; otherwise the read's own failure reconnects, and
            // this says it in the one WARN line at most every 30 s.
            c.exceptionHandler(e -> {
                if (!closed) warn("read the shared entries", e);
            });
            tail = c;
        });
        conn.compose(c -> c.send(Request.cmd(Command.XREAD).arg("COUNT").arg(READ_BATCH).arg("BLOCK").arg(2_000)
                        .arg("STREAMS").arg(stream).arg(cursor)))
                .onSuccess(r -> {
                    List<Shared> ops = parse(r);
                    if (ops.isEmpty()) {
                        readNext();
                        return;
                    }
                    try {
                        applier.execute(() -> {
                            apply(ops);
                            vertx.runOnContext(v -> readNext());
                        });
                    } catch (java.util.concurrent.RejectedExecutionException stopped) {
                        // closed meanwhile: nothing more to apply
                    }
                })
                .onFailure(e -> {
                    if (closed) return;
                    warn("read the shared entries", e);
                    RedisConnection c = tail;
                    tail = null;
                    if (c != null) c.close();
                    vertx.setTimer(2_000, t -> readNext());
                });
    }

    /** One operation of the stream: its id and fields (binary ones kept as bytes). */
    private record Shared(String id, Map<String, Response> fields) {
        String text(String f) { return fields.get(f) == null ? null : fields.get(f).toString(); }
    }

    private static List<Shared> parse(Response r) {
        List<Shared> out = new ArrayList<>();
        if (r == null) return out; // BLOCK timed out: nothing new
        for (Response stream : r) {
            for (Response entry : stream.get(1)) {
                Response f = entry.get(1);
                Map<String, Response> fields = new HashMap<>();
                for (int i = 0; i + 1 < f.size(); i += 2) fields.put(f.get(i).toString(), f.get(i + 1));
                out.add(new Shared(entry.get(0).toString(), fields));
            }
        }
        return out;
    }

    private void apply(List<Shared> ops) {
        for (Shared op : ops) {
            try {
                switch (String.valueOf(op.text("op"))) {
                    case "add" -> add(op);
                    case "forget" -> cache.applyForget(op.text("id"));
                    case "ns" -> {
                        lastFlush = op.id;
                        cache.applyForgetNamespace(op.text("ns"));
                    }
                    case "clear" -> {
                        lastFlush = op.id;
                        cache.applyClear();
                    }
                    default -> { } // a later version's operation: not ours to apply
                }
            } catch (RuntimeException e) {
                log.warn("semantic cache: skipped shared entry {} ({})", op.id, e.toString());
            }
            cursor = op.id;
        }
    }

    private void add(Shared op) {
        if (!cache.embedderName().equals(op.text("emb"))) return; // another model's vectors do not compare with ours
        String seen = op.text("seen");
        if (seen == null || compare(lastFlush, seen) > 0) return; // asked before a flush that came before it: dropped
        CachedAnswer a = CachedAnswerCodec.decode(op.fields.get("a").toBuffer().getBytes());
        if (a == null) return; // another version's encoding: a miss
        ByteBuffer b = ByteBuffer.wrap(op.fields.get("v").toBuffer().getBytes()).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) v[i] = b.getFloat();
        cache.applyShared(op.text("ns"), op.text("ctx"), op.text("q"), v, a);
    }

    /** Orders two stream ids ({@code <millis>-<sequence>}). */
    static int compare(String a, String b) {
        int da = a.indexOf('-'), db = b.indexOf('-');
        int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
        return c != 0 ? c : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
    }

    @Override
    public String describe() { return "Redis stream " + stream + " at " + where; }

    private void warn(String op, Throwable e) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
            log.warn("semantic cache: Redis at {} failed to {} ({}); semantic entries stay in this gateway until it answers "
                    + "(this warning at most every 30 s)", where, op, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        applier.shutdownNow();
        RedisConnection c = tail;
        if (c != null) c.close();
        reader.close();
        writer.close();
    }
}
