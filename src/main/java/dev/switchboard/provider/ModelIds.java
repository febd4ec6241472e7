package dev.switchboard.provider;

import dev.switchboard.config.Deployment;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Model ids that go into an upstream URL (Gemini's {@code /models/{model}:generateContent}, Vertex AI's
 * {@code …/publishers/…/models/{model}:…}, Bedrock's {@code /model/{modelId}/converse}, Azure's
 * {@code /openai/deployments/{deployment}/…}). Through a wildcard the id is the caller's text, so it is checked before
 * it is used: a name with a {@code .} or {@code ..} path segment, a {@code ?}, {@code #} or {@code %}, a backslash, a
 * control character or white space would, once in a path, reach another model (priced as the name the gateway saw) or
 * another route on the provider's host with the operator's key, or add query parameters. Such a name, and one that is
 * not of the provider's documented id syntax, is refused ({@link Invalid}); what passes is still percent-encoded as one
 * path segment ({@link #segment}), so no character of it can end the segment.
 */
public final class ModelIds {
    private ModelIds() {}

    /** One provider's model-id syntax: the pattern a whole id matches, and how the refusal describes it. */
    public record Syntax(String provider, Pattern pattern, String described, boolean slashes) {
        public Syntax(String provider, String regex, String described, boolean slashes) {
            this(provider, Pattern.compile(regex), described, slashes);
        }
    }

    /**
     * Google's model ids, on AI Studio and Vertex AI ({@code gemini-2.5-flash}, {@code gemini-1.5-flash-001},
     * {@code text-embedding-005}, {@code gemma-3-27b-it}): letters, digits, '-', '.' and '_', starting with a letter or
     * a digit (the resource-id rule of Google's APIs, AIP-122, with '.' and '_' that published model versions use).
     */
    public static final Syntax GOOGLE = new Syntax("Google", "[A-Za-z0-9][A-Za-z0-9._-]{0,127}",
            "letters, digits, '-', '.' and '_', starting with a letter or digit", false);

    /** Claude on Vertex AI: Google's syntax plus the {@code @version} ({@code claude-sonnet-4-5@20250929}). */
    public static final Syntax VERTEX_CLAUDE = new Syntax("Vertex AI Claude", "[A-Za-z0-9][A-Za-z0-9._-]{0,127}(@[A-Za-z0-9._-]{1,64})?",
            "letters, digits, '-', '.' and '_', then optionally @version", false);

    /**
     * Bedrock model ids, inference profiles and ARNs ({@code anthropic.claude-3-5-sonnet-20240620-v1:0},
     * {@code us.amazon.nova-pro-v1:0}, {@code arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123}): AWS's
     * documented characters for a model id, letters, digits, '-', '.', '_', ':' and '@', in segments joined by '/'
     * (an ARN's resource part), at most 2,048 characters.
     */
    public static final Syntax BEDROCK = new Syntax("Bedrock", "(?=.{1,2048}$)[A-Za-z0-9._:@-]+(/[A-Za-z0-9._:@-]+)*",
            "letters, digits, '-', '.', '_', ':' and '@', in segments joined by '/' (an ARN)", true);

    /** Azure OpenAI deployment names ({@code gpt-4o}, {@code my-gpt4o-v1}): letters, digits, '-', '.' and '_'. */
    public static final Syntax AZURE_DEPLOYMENT = new Syntax("Azure OpenAI deployment", "[A-Za-z0-9][A-Za-z0-9._-]{0,255}",
            "letters, digits, '-', '.' and '_', starting with a letter or digit", false);

    /**
     * A model id that may not go into a URL. An {@link IllegalArgumentException}, so a config entry with one stops the
     * start like any other config error (its message names the line); the router turns one met through a wildcard into
     * a 400 for the caller ({@link #reason()} and {@link #model()} are for that message).
     */
    public static final class Invalid extends IllegalArgumentException {
        private final String model;
        private final String reason;

        Invalid(Deployment d, String model, String reason) {
            super(d.where() + ": model_list entry '" + d.alias() + "': model '" + printable(model) + "' is not a valid "
                    + reason + ". Fix: name the model by its plain id.");
            this.model = model;
            this.reason = reason;
        }

        /** The id as the provider would have got it. */
        public String model() { return model; }

        /** Why it was refused, e.g. {@code Gemini model id: a '.' or '..' path segment}. */
        public String reason() { return reason; }
    }

    /**
     * {@code model} as one path segment of {@code d}'s upstream URL: checked against {@code syntax}, then
     * percent-encoded ({@link #segment}).
     *
     * @throws Invalid when it is not a plain model id of that syntax
     */
    public static String pathSegment(Deployment d, String model, Syntax syntax) {
        require(d, model, syntax);
        return segment(model);
    }

    /**
     * Refuses {@code model} when it is not a plain model id of {@code syntax}.
     *
     * @throws Invalid saying why
     */
    public static void require(Deployment d, String model, Syntax syntax) {
        String why = problem(model, syntax);
        if (why != null) throw new Invalid(d, model, syntax.provider() + " model id: " + why);
    }

    /**
     * Refuses only what would change the URL whatever the provider's syntax (for a check that must come before the
     * provider's own, which may have a more helpful message for a name of another shape).
     */
    public static void requireUrlSafe(Deployment d, String model, String provider) {
        String why = unsafe(model, true);
        if (why != null) throw new Invalid(d, model, provider + " model id: " + why);
    }

    /** Why {@code model} is not a plain id of {@code syntax}; null when it is. */
    public static String problem(String model, Syntax syntax) {
        String unsafe = unsafe(model, syntax.slashes());
        if (unsafe != null) return unsafe;
        if (!syntax.pattern().matcher(model).matches()) return "not of the form " + syntax.described();
        return null;
    }

    private static String unsafe(String model, boolean slashes) {
        if (model == null || model.isEmpty()) return "empty";
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) return "a control character";
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) return "white space";
            switch (c) {
                case '?', '#' -> { return "'" + c + "' would start the URL's query or fragment"; }
                case '%' -> { return "'%' would be read as a percent-encoded character"; }
                case '\\' -> { return "a backslash"; }
                default -> { }
            }
        }
        for (String seg : model.split("/", -1)) {
            if (seg.equals(".") || seg.equals("..")) return "a '.' or '..' path segment";
            if (seg.isEmpty() && model.indexOf('/') >= 0) return "an empty path segment";
        }
        if (!slashes && model.indexOf('/') >= 0) return "'/' is not part of one";
        return null;
    }

    /**
     * {@code s} percent-encoded as one path segment (RFC 3986): letters, digits, {@code - . _ ~} and {@code @} as they
     * are, every other byte of its UTF-8 form as {@code %XX} ({@code /}, {@code ?}, {@code #}, {@code :} and {@code %}
     * included), so the segment ends where the gateway says. A whole {@code .} or {@code ..} cannot be made safe by
     * encoding (servers decode {@code %2E}) and is refused.
     *
     * @throws IllegalArgumentException for {@code .}, {@code ..} or an empty segment
     */
    public static String segment(String s) {
        if (s == null || s.isEmpty() || s.equals(".") || s.equals("..")) throw new IllegalArgumentException("not a path segment: '" + s + "'");
        StringBuilder out = null;
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '.' || b == '_'
                    || b == '~' || b == '@';
            if (plain && out == null) continue;
            if (out == null) {
                out = new StringBuilder(bytes.length + 16);
                for (int j = 0; j < i; j++) out.append((char) bytes[j]);
            }
            if (plain) out.append((char) b);
            else out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16))).append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
        }
        return out == null ? s : out.toString();
    }

    /** The id with control characters shown as {@code \\uXXXX}, for messages and logs. */
    public static String printable(String s) {
        if (s == null) return "null";
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.toString();
    }
}
