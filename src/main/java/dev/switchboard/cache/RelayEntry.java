package dev.switchboard.cache;

import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.RelayedAnswer;
import dev.switchboard.model.RelayedEvent;
import dev.switchboard.model.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An in-memory exact-cache entry kept as the upstream's own answer: when a non-streamed answer came in a client
 * dialect's exact shape ({@link RelayedAnswer}: the bytes the client was sent, but for the usage), the entry is those
 * bytes plus a small binary trailer, instead of the {@link CachedAnswerCodec} encoding. Why: a miss through the cache
 * paid ~3 µs on its event loop encoding an answer it already had as bytes (issue #9's (x) row; docs/architecture.md,
 * "2026-12-01 20:10"). A hit decodes the bytes with the dialect's own decoder ({@link LocalExactCache.RelayReader}, given by the pipeline,
 * which may use the providers): the same canonical answer the miss had, with its relay, so an OpenAI-dialect client's
 * hit is written from the bytes again, and any other client (Anthropic, a stream replay) gets the canonical records.
 *
 * <p>Layout: {@code answer bytes | tier (n, UTF-8) | created (8) | cost (8) | usage: present (1), 11 counts (4 each) |
 * dialect (1) | n (2) | TAG (1)}. The codec's entries are one JSON object, so their last byte is '}', never {@link #TAG}.
 * The TAG is also the layout's version: 1 had 10 counts (before the answer's image tokens), 2 no tier (before a hit of
 * the auto alias said its tier), 3 no cost (before a hit was priced by what its answer cost, {@link CachedAnswer#costNanos});
 * entries live in this process's memory only, so no entry of another layout is ever read, but
 * one would not be taken for this one (it would be read as the codec's, a miss). The usage is kept apart because
 * the bytes' own usage is the upstream's and a stage may have replaced it ({@link ChatResponse#withUsage}). The cost is
 * {@link CachedAnswer#costNanos}, {@link #NO_COST} when not known. The tier (the auto
 * alias's {@code x-switchboard-tier}, see {@link CachedAnswer#tier()}) is the only part of variable length, so it sits
 * before the fixed part, whose place from the end never moves; n is 0 for every other alias's entry.
 */
final class RelayEntry {
    /** The last byte of a relay entry. */
    static final byte TAG = 4;
    /** The cost field of an entry whose cost is not known. */
    private static final long NO_COST = Long.MIN_VALUE;
    private static final byte OPENAI_CHAT = 1;
    /** The fixed part of the trailer, after the tier's bytes. */
    static final int TRAILER = 8 + 8 + 1 + 11 * 4 + 1 + 2 + 1;
    /**
     * A tier of at most this many characters has at most 0xFFFF bytes in UTF-8 (3 bytes a char at most), the most the
     * two-byte n says. A real tier is {@code smart; reason=keyword:<word>}, far shorter; a longer one (a huge keyword in
     * the config) is kept in the codec's encoding, which has no such bound.
     */
    private static final int MAX_TIER_CHARS = 0xFFFF / 3;
    /** The tier bytes the thread's reused trailer buffer has room for; the ledger keeps at most 128 characters of one. */
    private static final int KEPT_TIER = 128;

    private RelayEntry() {}

    /**
     * Whether the answer can be kept this way: it carries the upstream's bytes in a dialect a reader decodes, and its
     * tier, if any, has room in the trailer.
     */
    static boolean fits(ChatResponse r, String tier) {
        return r.relayed() != null && r.raw() == null && r.relayed().is(RelayedEvent.OPENAI_CHAT)
                && (tier == null || tier.length() <= MAX_TIER_CHARS);
    }

    /** The entry under {@code key}, off the heap: the answer's bytes as the upstream sent them, then the trailer. */
    static OffHeapBytes write(EntryKey key, CachedAnswer a) {
        return write(key, a.namespace(), a.createdAtMillis(), a.expiresAtMillis(), a.deployment(), a.modelId(), a.costNanos(),
                a.tier(), a.response());
    }

    /** As {@link #write(EntryKey, CachedAnswer)}, from the answer's parts; {@link #fits} said yes to them. */
    static OffHeapBytes write(EntryKey key, String namespace, long createdAtMillis, long expiresAtMillis, String deployment,
                              String modelId, Long costNanos, String tier, ChatResponse r) {
        RelayedAnswer rel = r.relayed();
        // an entry without a tier (any alias but auto) is written with no new object, as before the tier was kept
        byte[] tierBytes = tier == null ? null : tier.getBytes(StandardCharsets.UTF_8);
        int n = tierBytes == null ? 0 : tierBytes.length;
        ByteBuffer t = n <= KEPT_TIER ? TRAILERS.get().clear() : ByteBuffer.allocate(TRAILER + n);
        if (n > 0) t.put(tierBytes);
        t.putLong(createdAtMillis);
        t.putLong(costNanos == null ? NO_COST : costNanos);
        Usage u = r.usage();
        t.put((byte) (u == null ? 0 : 1));
        if (u == null) u = Usage.ZERO;
        t.putInt(u.promptTokens()).putInt(u.completionTokens()).putInt(u.cacheReadTokens()).putInt(u.cacheWriteTokens())
                .putInt(u.reasoningTokens()).putInt(u.cacheWrite1hTokens());
        Usage.Details d = u.details();
        t.putInt(d.audioPromptTokens()).putInt(d.audioCompletionTokens()).putInt(d.acceptedPredictionTokens())
                .putInt(d.rejectedPredictionTokens()).putInt(d.imageCompletionTokens());
        t.put(OPENAI_CHAT).putShort((short) n).put(TAG);
        return OffHeapBytes.copyOf(key, rel.body(), rel.start(), rel.end() - rel.start(), t.array(), TRAILER + n, namespace,
                expiresAtMillis, deployment, modelId);
    }

    static boolean isOne(byte[] bytes) { return bytes.length > TRAILER && bytes[bytes.length - 1] == TAG; }

    /** The stored answer, or null (a miss) when its bytes do not decode. */
    static CachedAnswer read(byte[] bytes, String entryId, String namespace, long expiresAtMillis, String deployment,
                             String modelId, LocalExactCache.RelayReader reader) {
        int fixed = bytes.length - TRAILER;
        ByteBuffer t = ByteBuffer.wrap(bytes, fixed, TRAILER);
        long created = t.getLong();
        long cost = t.getLong();
        boolean hasUsage = t.get() == 1;
        Usage u = new Usage(t.getInt(), t.getInt(), t.getInt(), t.getInt(), t.getInt(), t.getInt(),
                new Usage.Details(t.getInt(), t.getInt(), t.getInt(), t.getInt(), t.getInt()));
        if (t.get() != OPENAI_CHAT) return null;
        int n = Short.toUnsignedInt(t.getShort());
        int len = fixed - n;
        if (len <= 0) return null;
        String tier = n == 0 ? null : new String(bytes, len, n, StandardCharsets.UTF_8);
        try {
            ChatResponse r = reader.read(RelayedEvent.OPENAI_CHAT, bytes, len);
            return new CachedAnswer(entryId, namespace, created, expiresAtMillis, deployment, tier, r.withUsage(hasUsage ? u : null),
                    modelId, cost == NO_COST ? null : cost);
        } catch (Exception e) {
            return null;
        }
    }

    private static final ThreadLocal<ByteBuffer> TRAILERS = ThreadLocal.withInitial(() -> ByteBuffer.allocate(TRAILER + KEPT_TIER));
}
