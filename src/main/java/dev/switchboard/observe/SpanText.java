package dev.switchboard.observe;

import java.util.List;

/**
 * The bounds on what a client writes that becomes a span's name, an attribute or a request-log column: the model it
 * named, its session, generation and trace names, tags, end user, and error messages (which may quote its request).
 * The request log's columns cut them to these lengths already ({@code store.LogColumns}); a span took them as sent, so
 * one request naming a 500 KB model made a 1 MB span and a post twice what a collector takes. Cut after the secrets
 * are masked, never before: a key cut in two would no longer be found.
 */
final class SpanText {
    /** A name: the model, session, generation, trace name, a tag, the end user (their columns' width). */
    static final int NAME = 255;
    /** An error's message (the log's {@code error_message} column's width). */
    static final int MESSAGE = 4000;

    private SpanText() {}

    static String cut(String s, int max) { return dev.switchboard.store.LogColumns.cut(s, max); }

    /** Each text cut to {@link #NAME}; the same list when none was longer. */
    static List<String> names(List<String> texts) {
        if (texts == null) return null;
        for (String t : texts) {
            if (t != null && t.length() > NAME) return texts.stream().map(x -> cut(x, NAME)).toList();
        }
        return texts;
    }
}
