package dev.switchboard.simulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The providers' prompt caches, as they behave from outside: a prefix under the minimum length is never
 * cached; an equal prefix seen again within the TTL is read from cache; otherwise it is written (Anthropic
 * reports the write, OpenAI and Gemini do not).
 */
final class SimPromptCache {
    static final int MIN_TOKENS = 1024;
    private static final long TTL_MS = 5 * 60 * 1000;
    private final Map<String, Long> seen = new ConcurrentHashMap<>();

    /** @return true when this prefix was cached and still fresh; records it either way (a hit refreshes the TTL) */
    boolean readOrWrite(String prefix) {
        long now = System.currentTimeMillis();
        Long at = seen.put(prefix, now);
        return at != null && now - at < TTL_MS;
    }

    void clear() { seen.clear(); }

    static int tokens(String s) { return SimReply.tokens(s); }
}
