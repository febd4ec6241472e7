package dev.switchboard.provider;

import dev.switchboard.model.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sampling parameters Claude refuses in combination, for every provider that serves Claude (Anthropic's API, Vertex,
 * Bedrock): those thinking rules out ({@link ClaudeThinking#samplingConflicts}), and, from Claude Opus 4.1 and Sonnet /
 * Haiku 4.5 on, {@code temperature} with {@code top_p} ("`temperature` and `top_p` cannot both be specified for this
 * model. Please use only one."), which many OpenAI-style clients send together. As a {@link ParamConflict} on
 * {@code top_p}: a 400 naming it before any call, or, under {@code drop_params}, {@code top_p} dropped and
 * {@code temperature} kept.
 */
public final class ClaudeSampling {
    /** {@code claude-sonnet-4-5-…}, {@code anthropic.claude-opus-4-1-…}, {@code claude-haiku-4-5@…}: family, major, minor. */
    private static final Pattern VERSION = Pattern.compile("claude-(?:opus|sonnet|haiku)-(\\d+)(?:-(\\d)(?!\\d))?");

    private ClaudeSampling() {}

    /**
     * A blank stop sequence: Anthropic (and Bedrock and Vertex for Claude) answer 400 to an empty or whitespace-only one
     * ("each stop sequence must contain non-whitespace"), which OpenAI-style clients send ({@code "\n"}; OpenAI takes it).
     * A 400 naming {@code stop} before any call, or, under {@code drop_params}, only the blank ones dropped, as LiteLLM does.
     */
    static ParamConflict blankStops(ChatRequest r) {
        boolean blank = false;
        for (String s : r.stop()) blank |= s.isBlank();
        if (!blank) return null;
        return new ParamConflict("stop", "Claude refuses an empty or whitespace-only stop sequence, and this request sends one",
                req -> req.withStop(req.stop().stream().filter(s -> !s.isBlank()).toList()));
    }

    /** @param model the deployment's model id as its provider names it */
    public static List<ParamConflict> conflicts(ChatRequest r, String model) {
        ParamConflict stops = blankStops(r);
        if (stops != null) {
            List<ParamConflict> out = new ArrayList<>(conflicts(r.withStop(List.of()), model));
            out.add(stops);
            return out;
        }
        List<ParamConflict> thinking = ClaudeThinking.samplingConflicts(r);
        if (r.temperature() == null || r.topP() == null || !oneOfTwo(model)) return thinking;
        // one of the two already refused (or dropped) for thinking: the other alone is fine
        for (ParamConflict c : thinking) if (c.field().equals("top_p") || c.field().equals("temperature")) return thinking;
        List<ParamConflict> out = new ArrayList<>(thinking);
        out.add(new ParamConflict("top_p", "Claude " + version(model) + " takes temperature or top_p, not both, and this request sets both"));
        return out;
    }

    /** Whether the model takes only one of temperature and top_p: Claude 4.1 and newer. */
    static boolean oneOfTwo(String model) {
        Matcher m = VERSION.matcher(model == null ? "" : model);
        if (!m.find()) return false;
        int major = Integer.parseInt(m.group(1));
        int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return major > 4 || (major == 4 && minor >= 1);
    }

    /** {@code Sonnet 4.5} for {@code claude-sonnet-4-5-20250929}. */
    private static String version(String model) {
        Matcher m = VERSION.matcher(model);
        if (!m.find()) return model;
        String family = m.group(0).substring("claude-".length()).split("-")[0];
        return Character.toUpperCase(family.charAt(0)) + family.substring(1) + " " + m.group(1) + (m.group(2) == null ? "" : "." + m.group(2));
    }
}
