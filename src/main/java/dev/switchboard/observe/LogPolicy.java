package dev.switchboard.observe;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the request log (and a trace's input/output attributes) keeps of a call's prompt and completion:
 * {@code full}, {@code truncated:N} (the first N characters; the default, N = {@value #DEFAULT_LIMIT}),
 * {@code redacted} (every match of the configured patterns replaced by {@value #MASK}, then truncated to the default
 * limit so a redacted log is never unbounded) or {@code off} (neither is kept; tokens, cost and timings still are).
 *
 * @param mode     which of the four
 * @param limit    characters kept at most ({@link Integer#MAX_VALUE} for full)
 * @param patterns what {@code redacted} masks
 */
public record LogPolicy(Mode mode, int limit, List<Pattern> patterns) {
    public enum Mode { FULL, TRUNCATED, REDACTED, OFF }

    public static final int DEFAULT_LIMIT = 2_000;
    public static final String MASK = "[REDACTED]";
    /** Keys of the common providers and bearer tokens, masked by {@code redacted} even with no patterns configured. */
    public static final List<Pattern> DEFAULT_PATTERNS = List.of(
            Pattern.compile("sk-[A-Za-z0-9_\\-]{16,}"),
            Pattern.compile("AIza[0-9A-Za-z_\\-]{35}"),
            Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._\\-]{16,}"));
    public static final LogPolicy DEFAULT = new LogPolicy(Mode.TRUNCATED, DEFAULT_LIMIT, List.of());
    public static final LogPolicy OFF = new LogPolicy(Mode.OFF, 0, List.of());
    /** The default policy's label, built once: {@link #label} is asked for every row and every traced request. */
    private static final String DEFAULT_LABEL = "truncated:" + DEFAULT_LIMIT;

    public LogPolicy {
        patterns = List.copyOf(patterns);
    }

    /**
     * {@code full}, {@code truncated}, {@code truncated:N}, {@code redacted} or {@code off}.
     *
     * @param patterns the configured redaction patterns (the built-in ones are added)
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static LogPolicy parse(String text, List<Pattern> patterns) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("full")) return new LogPolicy(Mode.FULL, Integer.MAX_VALUE, List.of());
        if (t.equals("off")) return OFF;
        if (t.equals("truncated")) return DEFAULT;
        if (t.equals("redacted")) {
            List<Pattern> all = new java.util.ArrayList<>(DEFAULT_PATTERNS);
            all.addAll(patterns);
            return new LogPolicy(Mode.REDACTED, DEFAULT_LIMIT, all);
        }
        if (t.startsWith("truncated:")) {
            try {
                int n = Integer.parseInt(t.substring("truncated:".length()).strip());
                if (n > 0) return new LogPolicy(Mode.TRUNCATED, n, List.of());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a log policy. Fix: write full, truncated, truncated:N (N > 0 "
                + "characters), redacted or off.");
    }

    /** Whether prompt and completion are kept at all. */
    public boolean keepsContent() { return mode != Mode.OFF; }

    /** The text as this policy keeps it: null for {@code off}. */
    public String apply(String text) {
        if (text == null || mode == Mode.OFF) return null;
        String out = text;
        if (mode == Mode.REDACTED) {
            for (Pattern p : patterns) {
                Matcher m = p.matcher(out);
                if (m.find()) out = m.replaceAll(MASK);
            }
        }
        return out.length() <= limit ? out : out.substring(0, limit) + "…";
    }

    /**
     * An error's message as this policy keeps it, for the log's {@code error_message}, the spans' status and
     * Langfuse's status message: an upstream's 400 may quote the prompt (invalid tool arguments, a content-policy
     * refusal, an OpenAI-compatible server's "Invalid prompt: …"), so it is content as much as the prompt is.
     * {@code off}: null (the caller keeps the error's type and status only); {@code redacted}: the patterns masked,
     * not cut to the content's limit (the column's own bounds it); {@code full} and {@code truncated}: as it is.
     */
    public String applyToError(String message) {
        if (message == null || mode == Mode.OFF) return null;
        if (mode != Mode.REDACTED) return message;
        String out = message;
        for (Pattern p : patterns) {
            Matcher m = p.matcher(out);
            if (m.find()) out = m.replaceAll(MASK);
        }
        return out;
    }

    /** How the policy is written in the config and in the log's rows. */
    public String label() {
        return switch (mode) {
            case FULL -> "full";
            case TRUNCATED -> limit == DEFAULT_LIMIT ? DEFAULT_LABEL : "truncated:" + limit;
            case REDACTED -> "redacted";
            case OFF -> "off";
        };
    }
}
