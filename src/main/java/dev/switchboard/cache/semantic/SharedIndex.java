package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CachedAnswer;

/**
 * Where a semantic cache shares its entries with other gateways ({@code cache_params.type: redis-semantic}:
 * {@link RedisSharedIndex}). The cache tells it what it stored and forgot; it brings the other gateways' entries and
 * flushes back through {@link SemanticCache#applyShared} and the {@code apply…} methods.
 */
public interface SharedIndex extends AutoCloseable {
    /**
     * The position of the last shared operation applied here. A {@link SemanticCache#remember} stamps it when it is
     * asked, and every gateway drops the entry if a flush lies between that position and the entry's own (an answer
     * from before a flush must not reappear after it, on any gateway).
     */
    String cursor();

    void added(String namespace, String context, String question, float[] unitVector, CachedAnswer answer, String seen);

    void forgot(String entryId);

    void forgotNamespace(String namespace);

    void cleared();

    /** Where entries are shared, for {@code /cache/ping}. */
    String describe();

    @Override
    void close();
}
