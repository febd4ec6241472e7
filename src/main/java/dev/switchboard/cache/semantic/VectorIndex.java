package dev.switchboard.cache.semantic;

import java.util.List;
import java.util.function.Predicate;

/**
 * One namespace's question vectors: what the semantic cache searches. Two implementations: {@link LuceneVectorIndex}
 * (HNSW in this process's memory, the default) and {@link PgVectorStore}'s (pgvector's HNSW in PostgreSQL). The
 * entries themselves (answers, contexts, TTL and bound) stay in {@link SemanticCache}; an index only finds ids, and a
 * hit whose entry is gone is skipped, so a delete may land late without harm.
 */
interface VectorIndex extends AutoCloseable {
    /** A candidate: the entry's id and the cosine similarity of its question to the one asked. */
    record Hit(String id, double similarity) {}

    /** Opens the index of one namespace. */
    interface Factory extends AutoCloseable {
        VectorIndex open(String namespace);

        /** {@code lucene} or {@code pgvector}, for {@code /cache/ping}. */
        default String name() { return "lucene"; }

        @Override
        default void close() {}
    }

    /**
     * Adds an entry's vector, replacing whatever the index held under {@code id}. {@code version} tells this store of
     * the id from an earlier one (a refreshed answer is stored again under the same id: {@link SemanticEntry#version}).
     */
    void add(String id, long version, String context, float[] unitVector);

    /**
     * Removes the vector {@code id} was stored with at {@code version}, and nothing else: the removal of a replaced entry
     * (Caffeine tells of it after the new one is in) must not take its successor's vector, stored under the same id.
     */
    void delete(String id, long version);

    /** The {@code k} nearest questions asked in {@code context}, best first; {@code inContext} checks an id's context. */
    List<Hit> nearest(String context, float[] unitVector, int k, Predicate<String> inContext);

    /** Graphs searched per query (the bench reports it), or -1 when unknown. */
    default int segments() { return -1; }

    /** Bytes this process holds for the index (0 when it lives elsewhere). */
    default long ramBytes() { return 0; }

    @Override
    void close();
}
