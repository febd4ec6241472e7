package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CachedAnswer;

/**
 * A stored question close enough in meaning to the one asked.
 *
 * @param similarity     cosine similarity of the two questions' embeddings
 * @param entryId        the entry's id (the exact-cache id of the request that stored it)
 * @param answer         the stored answer
 * @param cachedQuestion the stored question's text (for shadow logs)
 * @param serve          false in shadow mode: the match is only logged
 * @param verified       true when a verification call confirmed it (grey zone, or the online mode exploring)
 */
public record SemanticMatch(double similarity, String entryId, CachedAnswer answer, String cachedQuestion, boolean serve,
                            boolean verified) {}
