package dev.switchboard.bench;

import dev.switchboard.cache.CacheSettings;
import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.cache.LocalExactCache;
import dev.switchboard.cache.EntryKey;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.edge.openai.OpenAiRequestDecoder;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the exact response cache costs on the request path, on the real objects: {@link ResponseCache} over the
 * in-memory {@link LocalExactCache} (Caffeine) that a config with {@code litellm_settings.cache: true} builds, filled
 * with 10,000 answers, and the request decoded by the OpenAI decoder the edge uses.
 *
 * <ul>
 *   <li>{@link #lookupHit} (f): {@code plan} (controls parsed, the SHA-256 fingerprint of the whole normalized
 *       request) and {@code lookup} of a request whose answer is stored. The figure the 50 µs p50 target is about.</li>
 *   <li>{@link #lookupMiss} (g): the same for a request that is not stored (what every miss pays before the call).</li>
 *   <li>{@link #fingerprint} (h): the plan alone, to show where the time goes.</li>
 * </ul>
 * The request is the governance bench's typical short chat: a one-line system prompt and a ~150-character question.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExactCacheBench {
    static final String REQUEST = """
            {"model":"bench","messages":[
              {"role":"system","content":"You are a helpful assistant. Answer briefly."},
              {"role":"user","content":"Summarize the main differences between TCP and UDP in three bullet points, and say when a video call would prefer one over the other. %s"}]}
            """;
    static final int ENTRIES = 10_000;

    ResponseCache cache;
    CallContext ctx;
    ChatRequest stored, absent;

    @Setup(Level.Trial)
    public void setUp() {
        CacheSettings settings = CacheSettings.from(Map.of("cache", true));
        cache = new ResponseCache(settings, new LocalExactCache(settings.maxBytes(), System::currentTimeMillis), Set.of("bench"),
                System::currentTimeMillis);
        ctx = new CallContext("req-bench", Caller.MASTER, System.nanoTime(), Map.of());
        OpenAiRequestDecoder decoder = new OpenAiRequestDecoder();
        for (int i = 0; i < ENTRIES; i++) {
            ChatRequest r = decoder.chat(Buffer.buffer(REQUEST.formatted("#" + i)));
            ResponseCache.Plan p = cache.plan(ctx, r, null);
            cache.lookup(p); // a miss, as on the request path: it reads the flush epoch the store is checked against
            cache.store(p, "openai/gpt-4o-mini", "primary", null, answer(i));
        }
        stored = decoder.chat(Buffer.buffer(REQUEST.formatted("#" + ENTRIES / 2)));
        absent = decoder.chat(Buffer.buffer(REQUEST.formatted("not stored")));
        if (lookupHit() == null || lookupMiss() != null || cache.stores() != ENTRIES) {
            throw new IllegalStateException("the cache does not behave: stores " + cache.stores());
        }
    }

    private static ChatResponse answer(int i) {
        Message m = new Message(Role.ASSISTANT, List.of(ContentPart.Text.of(
                "TCP is connection-oriented and reliable; UDP is connectionless and fast. A video call prefers UDP. " + i)),
                null, null, null, null, null);
        return new ChatResponse("chatcmpl-" + i, 1_700_000_000L, "gpt-4o-mini", List.of(new Choice(0, m, FinishReason.STOP, null)),
                new Usage(40, 60, 0, 0, 0), null, "default");
    }

    @Benchmark
    public CachedAnswer lookupHit() {
        return cache.lookup(cache.plan(ctx, stored, null)).result();
    }

    @Benchmark
    public CachedAnswer lookupMiss() {
        return cache.lookup(cache.plan(ctx, absent, null)).result();
    }

    private long stores;
    private final ChatResponse fresh = answer(-1);

    /** A miss's other half: its answer stored under a key not seen before (encoded, put; evictions included). */
    @Benchmark
    public ResponseCache.Plan store() {
        ResponseCache.Plan p = cache.plan(ctx, absent, null);
        // the same key but for its last 16 hex digits, the store's counter: a key never seen before, every call
        String hex = p.key().hex();
        ResponseCache.Plan unique = new ResponseCache.Plan(p.namespace(),
                EntryKey.parse(hex.substring(0, 48) + java.util.HexFormat.of().toHexDigits(stores++)), p.controls());
        cache.store().readEpoch(unique); // what the miss's lookup did: the flush epoch (a field read in memory)
        cache.store(unique, "openai/gpt-4o-mini", "primary", null, fresh);
        return unique;
    }

    @Benchmark
    public ResponseCache.Plan fingerprint() {
        return cache.plan(ctx, stored, null);
    }
}
