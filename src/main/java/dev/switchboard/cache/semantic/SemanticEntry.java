package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CachedAnswer;

/**
 * A remembered question and its answer. {@code wrongAt} is the entry's own learned threshold in the online mode: the
 * highest similarity at which a verification found a question close to this one that meant something else.
 */
final class SemanticEntry {
    private static final java.util.concurrent.atomic.AtomicLong STORES = new java.util.concurrent.atomic.AtomicLong();

    final String id;
    /**
     * This store of the id, unique in the process: a refreshed answer (no-cache, max-age, a repeat after expiry, another
     * gateway's refresh) is stored under the same id, and the index removes a replaced entry's vector by id and version,
     * so the removal of the old one leaves the new one searchable.
     */
    final long version = STORES.incrementAndGet();
    final String namespace;
    final String context;
    final String question;
    final CachedAnswer answer;
    private volatile double wrongAt = -1;

    SemanticEntry(String id, String namespace, String context, String question, CachedAnswer answer) {
        this.id = id;
        this.namespace = namespace;
        this.context = context;
        this.question = question;
        this.answer = answer;
    }

    double wrongAt() { return wrongAt; }

    synchronized void wrongAt(double similarity) { if (similarity > wrongAt) wrongAt = similarity; }
}
