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
    /** The names the config writes (aliases, deployment ids, model_info ids, group aliases): recorded as written. */
    private final java.util.Set<String> configuredNames;
    /** The longest configured key, at least {@link #SHAPE_ROOM}: how far past a cut a key that straddles it can reach. */
    private final int longestSecret;

    /**
     * Enough of a shaped credential ({@code sk-sb-} or a token prefix and 20 characters) for its pattern to match it:
     * a name cut this far past {@link SpanText#NAME} still shows a key that starts before the cut.
     */
    private static final int SHAPE_ROOM = 64;

    /** @param secrets the configured provider keys; ones shorter than 8 characters are ignored (they would mask words) */
    public SecretScrubber(List<String> secrets) {
        this(secrets, List::of);
    }

    /**
     * @param shortLived the provider tokens minted so far (Vertex and Entra access tokens, AWS credentials resolved at
     *     run time): a handful, each searched for as a configured key is
     */
    public SecretScrubber(List<String> secrets, Supplier<List<String>> shortLived) {
        this(secrets, shortLived, java.util.Set.of());
    }

    /**
     * @param configuredNames the model and deployment names the config writes: {@link #name} records them as written
     *     (a set lookup), since a config's own alias is no leak and a placeholder key such as LM Studio's
     *     {@code lm-studio} must not turn the alias {@code lm-studio-qwen} into {@code [REDACTED]-qwen}
     */
    public SecretScrubber(List<String> secrets, Supplier<List<String>> shortLived, java.util.Collection<String> configuredNames) {
        this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 8).distinct().toList();
        this.shortLived = shortLived;
        this.configuredNames = java.util.Set.copyOf(configuredNames);
        this.longestSecret = Math.max(SHAPE_ROOM, this.secrets.stream().mapToInt(String::length).max().orElse(0));
    }

    /**
     * A model or deployment name as rows and traces record it. A name the config writes is as written (a set lookup:
     * every call to a configured alias, nearly all traffic). Any other is the client's text (an unknown name, or one a
     * wildcard entry serves, which its deployment id then holds): cut to {@link SpanText#NAME} plus the longest key's
     * length first (so the cost is bounded whatever the client sent, and a key straddling the cut is still found),
     * masked, then cut to {@link SpanText#NAME}.
     */
    public String name(String name) {
        if (name == null || configuredNames.contains(name)) return name;
        return bounded(name, SpanText.NAME);
    }

    /** {@code text} masked and cut to {@code max}, scanning at most {@code max} plus the longest key's length. */
    public String bounded(String text, int max) {
        if (text == null) return null;
        int room = longestSecret;
        for (String s : shortLived.get()) room = Math.max(room, s.length());
        return SpanText.cut(scrub(SpanText.cut(text, max + room)), max);
    }

    /** A call's requested model as {@link #name} records it, worked out once and shared by its log, trace and ledger row. */
    private record Recorded(String raw, String shown) {}

    private static final dev.switchboard.model.CallContext.Key<Recorded> RECORDED =
            new dev.switchboard.model.CallContext.Key<>(Recorded.class);

    /**
     * {@link #name} of the model the call names, computed once a call: the trace, the request log and the ledger row
     * (observe.ObservedCall, pipeline.MeteredCall) ask for the same name and get the first answer.
     */
    public String requestedModel(dev.switchboard.model.CallContext ctx, String raw) {
        if (ctx == null) return name(raw);
        Recorded r = ctx.attached(RECORDED);
        if (r != null && java.util.Objects.equals(r.raw(), raw)) return r.shown();
        String shown = name(raw);
        ctx.attach(RECORDED, new Recorded(raw, shown));
        return shown;
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
