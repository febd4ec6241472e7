package dev.switchboard.observe;

import java.util.List;
import java.util.function.Supplier;

/**
 * Takes the gateway's own provider keys, and any Switchboard virtual key, out of any text the request log or a trace
 * keeps, whatever the log policy: a client may paste one into a prompt, or a model may repeat it. Exact matches only (the keys are known); case
 * insensitive, as some servers upper-case what they quote.
 */
public final class SecretScrubber {
    public static final SecretScrubber NONE = new SecretScrubber(List.of());
    private static final String MASK = "[REDACTED]";

    private final List<String> secrets;
    /** Provider tokens minted while the gateway runs (provider.ProviderSecrets), read at each use. */
    private final Supplier<List<String>> shortLived;

    /** @param secrets the configured provider keys; ones shorter than 8 characters are ignored (they would mask words) */
    public SecretScrubber(List<String> secrets) {
        this(secrets, List::of);
    }

    /**
     * @param shortLived the provider tokens minted so far (Vertex and Entra access tokens, AWS credentials resolved at
     *     run time): a handful, each searched for as a configured key is
     */
    public SecretScrubber(List<String> secrets, Supplier<List<String>> shortLived) {
        this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 8).distinct().toList();
        this.shortLived = shortLived;
    }

    /**
     * A Switchboard virtual key ({@code sk-sb-} and 43 base64url characters, govern.KeySecrets): whoever's it is, a key
     * quoted in a prompt or an answer is a credential, and the log and traces (often sent to a third party) must not
     * hold it. A pattern, since no gateway knows every key's secret (it keeps their hashes).
     */
    private static final java.util.regex.Pattern VIRTUAL_KEY = java.util.regex.Pattern.compile("sk-sb-[A-Za-z0-9_-]{20,}");

    /**
     * Credentials with a shape of their own that are not this gateway's (so no exact match can find them), masked for
     * the same reason as a virtual key: an AWS STS session token (base64 of a serialized token, so it starts with one
     * of a few fixed prefixes: {@code IQoJb3JpZ2luX2Vj…} today, {@code FwoGZXIvYXdz…} and {@code AQoDYXdz…} earlier;
     * hundreds of characters) and a Google OAuth access token
     * ({@code ya29.} and base64url). Each prefix is looked for with {@code contains} before any regular expression runs,
     * as {@code sk-sb-} is, so text without one costs one plain search per prefix.
     */
    private static final List<String> TOKEN_PREFIXES = List.of("IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdz", "AQoDYXdz", "ya29.");
    private static final java.util.regex.Pattern TOKEN_SHAPES = java.util.regex.Pattern.compile(
            "(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz|AQoDYXdz)[A-Za-z0-9+/=]{20,}|ya29\\.[A-Za-z0-9_.\\-]{20,}");

    /**
     * Each string scrubbed (the same list when none held a secret): the tags a client names a call with are stored and
     * traced as its prompt is, and a key pasted into one is as much a leak.
     */
    public List<String> scrub(List<String> texts) {
        if (texts == null || texts.isEmpty()) return texts;
        List<String> out = null;
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            String s = scrub(t);
            if (s != t && out == null) out = new java.util.ArrayList<>(texts.subList(0, i));
            if (out != null) out.add(s);
        }
        return out == null ? texts : List.copyOf(out);
    }

    public String scrub(String text) {
        if (text == null) return null;
        if (text.contains("sk-sb-")) text = VIRTUAL_KEY.matcher(text).replaceAll(MASK);
        for (String prefix : TOKEN_PREFIXES) {
            if (text.contains(prefix)) {
                text = TOKEN_SHAPES.matcher(text).replaceAll(MASK);
                break;
            }
        }
        String out = text;
        for (String s : secrets) {
            if (containsIgnoreCase(out, s)) out = replaceIgnoreCase(out, s);
        }
        for (String s : shortLived.get()) {
            if (containsIgnoreCase(out, s)) out = replaceIgnoreCase(out, s);
        }
        return out;
    }

    /** First index of {@code s} in {@code text} from {@code from}, ignoring case; -1 if none. Jumps by its first character. */
    private static int indexOfIgnoreCase(String text, String s, int from) {
        char lower = Character.toLowerCase(s.charAt(0));
        char upper = Character.toUpperCase(s.charAt(0));
        int i = from;
        int last = text.length() - s.length();
        while (i <= last) {
            int a = text.indexOf(lower, i);
            int b = lower == upper ? -1 : text.indexOf(upper, i);
            int at = a < 0 ? b : b < 0 ? a : Math.min(a, b);
            if (at < 0 || at > last) return -1;
            if (text.regionMatches(true, at, s, 0, s.length())) return at;
            i = at + 1;
        }
        return -1;
    }

    private static boolean containsIgnoreCase(String text, String s) { return indexOfIgnoreCase(text, s, 0) >= 0; }

    private static String replaceIgnoreCase(String text, String s) {
        StringBuilder b = new StringBuilder(text.length());
        int i = 0;
        int at;
        while ((at = indexOfIgnoreCase(text, s, i)) >= 0) {
            b.append(text, i, at).append(MASK);
            i = at + s.length();
        }
        return b.append(text, i, text.length()).toString();
    }
}
