package dev.switchboard.route;

import dev.switchboard.model.GatewayException;

/**
 * What each step of a failed fallback chain ended with, for the message of the chain's failure: {@code alias/deployment
 * → status cause} a failed attempt, {@code alias → status cause} a group that failed before any call of its own (all
 * cooling, at capacity, its window too small), repeats of one step folded ({@code ×3}).
 *
 * <p>Before 2026-12-07 a chain that failed as a whole answered the last failure's message alone, so a client saw the
 * last fallback's 503 and nothing of the primary's 502 that started it. Only the status and a word of our own are kept
 * (the error's {@code code}, else its kind), never the upstream's message or body, which may echo a prompt, a key or
 * a provider's internals; the names are the alias asked for (a configured one) and the deployment's {@code
 * provider/model}, which {@code x-switchboard-model} shows on every answer anyway. Bounded: at most {@link #MAX_STEPS}
 * steps are named, the rest counted. Made only by a request whose attempt failed (none on the served path).
 */
final class ChainFailures {
    static final int MAX_STEPS = 8;
    /** A name longer than this is cut (a wildcard-served alias is the client's text). */
    private static final int MAX_NAME = 80;

    private final java.util.List<String> steps = new java.util.ArrayList<>(4);
    private final java.util.List<Integer> repeats = new java.util.ArrayList<>(4);
    /** The failure last recorded, so a group's failure that an attempt's already named is not named twice. */
    private Throwable last;
    /** The alias of the step last recorded: a group whose own steps were just named is not named again. */
    private String lastAlias;

    /** An attempt at {@code deployment} of {@code alias} failed with {@code error}. */
    void attempt(String alias, String deployment, Throwable error) {
        add(name(alias) + "/" + name(deployment) + " → " + cause(error));
        last = error;
        lastAlias = alias;
    }

    /**
     * {@code alias}'s group failed with {@code error}; named unless it is the failure of the attempt just recorded or
     * the group's own steps were the last named (review 2026-12-07: a group that failed with a new error after its
     * attempts, e.g. cooling once they failed, was named twice, "a/x → 502; a → 429 …").
     */
    void group(String alias, Throwable error) {
        if (error != last && !alias.equals(lastAlias)) add(name(alias) + " → " + cause(error));
        last = error;
        lastAlias = alias;
    }

    private void add(String step) {
        int n = steps.size();
        if (n > 0 && steps.get(n - 1).equals(step)) repeats.set(n - 1, repeats.get(n - 1) + 1);
        else {
            steps.add(step);
            repeats.add(1);
        }
    }

    /** How many distinct steps are recorded (repeats folded). */
    int size() { return steps.size(); }

    /**
     * {@code error} with its message followed by the chain's steps (" Tried: a/x → 502 upstream_error ×3; b/y → 503
     * service_unavailable."), when more than one step was recorded; else {@code error} as it is.
     */
    Throwable onto(Throwable error) {
        if (steps.size() < 2 || !(error instanceof GatewayException g)) return error;
        StringBuilder m = new StringBuilder(g.getMessage() == null ? "" : g.getMessage());
        if (m.length() > 0 && m.charAt(m.length() - 1) != '.') m.append('.');
        m.append(" Tried: ");
        int shown = Math.min(steps.size(), MAX_STEPS);
        for (int i = 0; i < shown; i++) {
            if (i > 0) m.append("; ");
            m.append(steps.get(i));
            if (repeats.get(i) > 1) m.append(" ×").append(repeats.get(i));
        }
        if (steps.size() > shown) m.append("; and ").append(steps.size() - shown).append(" more");
        m.append('.');
        return g.renamed(m.toString(), g.param());
    }

    /** The status and a word of ours: the error's code when it has one, else its kind's OpenAI type. */
    private static String cause(Throwable error) {
        if (error instanceof GatewayException g) {
            // a too-long prompt is said in our own word: the provider's ("context_length_exceeded") in this message would
            // make the chain's failure read as a context-window one (GatewayException.isContextWindow reads messages)
            String word = g.isContextWindow() ? "context_window" : plainWord(g.code()) ? g.code() : g.kind().openAiType();
            return g.attemptStatus() + " " + word;
        }
        return "failed (" + error.getClass().getSimpleName() + ")";
    }

    /** A code that is one short word ({@code context_length_exceeded}); an upstream's code may be any text. */
    private static boolean plainWord(String code) {
        if (code == null || code.isEmpty() || code.length() > 48) return false;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.')) return false;
        }
        return true;
    }

    private static String name(String s) {
        if (s == null) return "?";
        String safe = dev.switchboard.model.LogSafe.text(s);
        return safe.length() <= MAX_NAME ? safe : safe.substring(0, MAX_NAME) + "…";
    }
}
