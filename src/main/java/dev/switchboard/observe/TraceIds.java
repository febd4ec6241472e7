package dev.switchboard.observe;

import io.opentelemetry.sdk.trace.IdGenerator;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Trace ids that start with the second they were made (8 hex digits of epoch seconds, then 96 random bits: the shape
 * of AWS X-Ray's ids), random span ids, except that a root span can be given the trace id a client chose ({@code metadata.trace_id}, LiteLLM's
 * and Langfuse's way of grouping calls into one trace). The SDK asks the generator for a root span's trace id on the
 * thread that starts it, so the chosen id is handed over in a thread-local for exactly that call.
 *
 * <p>Why the time first: the request log indexes {@code trace_id}, and keys that arrive in random order put each new row
 * on a different index page once the table is large, so every writer commit rewrote about one 4 KB page per traced
 * row; keys that grow with time append (as {@code model.RequestIds} does for the request ids).
 */
final class TraceIds implements IdGenerator {
    private final IdGenerator random = IdGenerator.random();
    private final ThreadLocal<String> next = new ThreadLocal<>();
    private final LongSupplier clock;

    TraceIds() { this(System::currentTimeMillis); }

    TraceIds(LongSupplier clock) { this.clock = clock; }

    @Override
    public String generateSpanId() { return random.generateSpanId(); }

    @Override
    public String generateTraceId() {
        String id = next.get();
        if (id == null) return timeFirst();
        next.remove();
        return id;
    }

    /**
     * A random trace id (32 hex digits) with its first 8 the epoch second: the SDK's random id's 96 bits (a non-zero low
     * half, as it makes them) under the second, made as one string. It was the SDK's id string, a char array of it and
     * a third string (~0.2 KB a traced request, bench/profile.sh 2026-12-06).
     */
    private String timeFirst() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long seconds = clock.getAsLong() / 1_000;
        long hi = (seconds & 0xffff_ffffL) << 32 | (r.nextInt() & 0xffff_ffffL);
        long lo;
        do {
            lo = r.nextLong();
        } while (lo == 0);
        return io.opentelemetry.api.trace.TraceId.fromLongs(hi, lo);
    }

    /** Runs {@code start} (which starts one root span) with its trace id set to {@code traceId} (32 hex digits). */
    <T> T withTraceId(String traceId, Supplier<T> start) {
        next.set(traceId);
        try {
            return start.get();
        } finally {
            next.remove();
        }
    }

    /**
     * A client's trace id as an OpenTelemetry one: 32 hex digits as they are, a UUID without its dashes (Langfuse's own
     * ids), anything else hashed (SHA-256, first 16 bytes) so the same text always lands in the same trace.
     */
    static String fromClient(String id) {
        String s = id.strip().toLowerCase(java.util.Locale.ROOT);
        String noDashes = s.replace("-", "");
        if (noDashes.length() == 32 && noDashes.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
                && !noDashes.equals("0".repeat(32))) {
            return noDashes;
        }
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
