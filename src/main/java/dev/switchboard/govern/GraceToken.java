package dev.switchboard.govern;

/**
 * An old secret still in its grace period after a rotation (LiteLLM's {@code grace_period} on {@code /key/regenerate}):
 * it authenticates as the key {@code keyId} — the same key, budget, limits and spend — until {@code untilMillis}
 * (epoch ms), on every gateway on the store ({@link RetiredTokens#graces}).
 */
record GraceToken(String keyId, long untilMillis) {
    boolean holds(long nowMillis) { return nowMillis < untilMillis; }
}
