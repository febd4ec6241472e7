package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenAI's automatic prompt caching, per model: a prompt of at least {@value #MIN_TOKENS} tokens whose
 * leading messages were seen before by the same model reports those tokens as {@code cached_tokens}, in
 * steps of {@value #STEP} as OpenAI does. A request routed to another deployment (another model id) finds
 * nothing cached, which is what prompt-cache affinity is measured by. Prefixes are hashed per message
 * boundary; the store is a bounded LRU.
 *
 * <p>Anthropic's explicit breakpoints and Gemini's implicit cache use {@link #readOrWrite}: a prefix under
 * the minimum length is never cached; an equal prefix seen again within the TTL is read from cache;
 * otherwise it is written (Anthropic reports the write, Gemini does not).
 */
final class SimPromptCache {
    static final int MIN_TOKENS = 1024;
    static final int STEP = 128;
    private static final int MAX_PREFIXES = 20_000;

    private final Map<Long, Boolean> seen = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> e) { return size() > MAX_PREFIXES; }
    };

    /** The cached tokens of this request, and remembers its prefixes for the next one. */
    synchronized int cachedTokens(String model, JsonArray messages, int promptTokens) {
        if (promptTokens < MIN_TOKENS) return 0;
        long h = model.hashCode();
        int tokens = 0;
        int cached = 0;
        for (int i = 0; i < messages.size(); i++) {
            Object m = messages.getValue(i);
            h = h * 1_000_003L + (m instanceof JsonObject o ? o.encode().hashCode() : String.valueOf(m).hashCode());
            tokens += messageTokens(m);
            if (seen.put(h, Boolean.TRUE) != null) cached = tokens;
        }
        cached = Math.min(cached, promptTokens);
        return cached < MIN_TOKENS ? 0 : cached / STEP * STEP;
    }

    private static int messageTokens(Object m) {
        if (!(m instanceof JsonObject o)) return 4;
        Object c = o.getValue("content");
        return 4 + SimReply.tokens(c instanceof String s ? s : c == null ? "" : c.toString());
    }

    private static final long TTL_MS = 5 * 60 * 1000;
    private final Map<String, Long> breakpointed = new ConcurrentHashMap<>();

    /** @return true when this prefix was cached and still fresh; records it either way (a hit refreshes the TTL) */
    boolean readOrWrite(String prefix) {
        long now = System.currentTimeMillis();
        Long at = breakpointed.put(prefix, now);
        return at != null && now - at < TTL_MS;
    }

    synchronized void clear() {
        seen.clear();
        breakpointed.clear();
    }

    static int tokens(String s) { return SimReply.tokens(s); }
}
