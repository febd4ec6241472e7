package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CachedAnswer;

/**
 * A remembered question and its answer. {@code wrongAt} is the entry's own learned threshold in the online mode: the
 * highest similarity at which a verification found a question close to this one that meant something else.
 */
final class SemanticEntry {
    final String id;
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
