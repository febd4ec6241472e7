package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.LogSafe;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Anthropic body's {@code output_config.effort} for the Claude a deployment serves. Claude Code sends it (beside
 * adaptive thinking) to every model name it does not know, such as a gateway alias, while Anthropic takes it from
 * Claude Opus 4.5 on only (Anthropic's effort docs, platform.claude.com/docs/en/build-with-claude/effort; LiteLLM's
 * model map): Opus 4.5 takes low, medium and high; Opus and Sonnet 4.6 and Mythos Preview {@code max} too; Opus 4.7 and
 * later {@code xhigh} as well — all without a beta header ("available on all supported models with no beta header
 * required"; Vertex even refuses the old {@code effort-2025-11-24}, see {@code VertexClaudeBetas}). Every other Claude
 * (3.x; Opus 4 and 4.1; Sonnet 4 and 4.5; Haiku 4.5) answers 400 "This model does not support the effort parameter." —
 * which Claude Code recovers from by asking again without it, a wasted call per session, while other clients do not
 * recover at all.
 *
 * <p>So, the gateway knowing the deployment's model: for a Claude that takes no effort the field is dropped (after
 * {@link ClaudeThinking#adaptiveAsBudget} has made adaptive thinking's budget of it; {@code high}, Claude Code's usual
 * value, is the API's default and so changes nothing); a level the model does not take is lowered to the highest it
 * does, as Claude Code does for a model it knows. A model this does not know (a fine-tune, a name behind a proxy) gets
 * the field as sent. Each drop or lowering is said as {@code drop_params} says a dropped parameter: the first per
 * deployment a WARN line, the next DEBUG. One per deployment ({@link #of}): the model's name is read once, not on each
 * request.
 */
public final class ClaudeEffort {
    private static final Logger log = LoggerFactory.getLogger(ClaudeEffort.class);
    /** The API's levels, lowest first. */
    private static final List<String> LEVELS = List.of("low", "medium", "high", "xhigh", "max");
    private static final Pattern VERSION = Pattern.compile("claude-(opus|sonnet|haiku)-(\\d+)(?:-(\\d{1,2})(?!\\d))?");
    /** Claude Mythos Preview: the 4.6 levels (Anthropic's effort docs list it with max, not with xhigh). */
    private static final String MYTHOS = "claude-mythos";
    /** deployment id + what was done: the changes already warned about (deployments × a few kinds). */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final String model;
    private final String deploymentId;
    /** The highest level the model takes, an index into {@link #LEVELS}; -1 for none. */
    private final int highest;
    /** Claude 4.6: every level up to max but xhigh. */
    private final boolean is46;

    private ClaudeEffort(String model, String deploymentId) {
        this.model = model;
        this.deploymentId = deploymentId;
        this.highest = highestLevel(model);
        this.is46 = is46(model);
    }

    /** The effort rules of a deployment's model. */
    public static ClaudeEffort of(String model, String deploymentId) { return new ClaudeEffort(model, deploymentId); }

    /**
     * The highest level the model takes (an index into {@link #LEVELS}): -1 for a Claude that takes no effort, and
     * {@code LEVELS.size() - 1} (all, as sent) for a model this does not know.
     */
    static int highestLevel(String model) {
        if (model == null) return LEVELS.size() - 1;
        if (model.contains("claude-3")) return -1; // claude-3-7-sonnet, claude-3-5-haiku, anthropic.claude-3-…
        // Claude 2 and Instant (Bedrock's anthropic.claude-v2, claude-v2:1, claude-instant-v1): no VERSION match, and
        // not unknown models either; the effort postdates them
        if (model.contains("claude-v2") || model.contains("claude-instant")) return -1;
        if (model.contains(MYTHOS)) return LEVELS.indexOf("max");
        Matcher m = VERSION.matcher(model);
        if (!m.find()) return LEVELS.size() - 1;
        int major = Integer.parseInt(m.group(2));
        int minor = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        // 4.6 takes max but not xhigh (is46 below); 4.7 and later every level (4.10 too: the minor is read whole, a
        // date such as claude-opus-4-20250514's is not one)
        if (major > 4 || minor >= 6) return LEVELS.indexOf("max");
        if (minor == 5 && m.group(1).equals("opus")) return LEVELS.indexOf("high");
        return -1;
    }

    /**
     * Whether the model's highest level is {@code high}: Claude Opus 4.5, the one Claude that took the effort while it was
     * the {@code effort-2025-11-24} beta. Bedrock still gates Opus 4.5's {@code output_config} behind that beta (AWS's
     * Opus 4.5 example sends it; coder/coder#25356), so its Converse path adds it where the effort is kept.
     */
    public boolean takesUpToHighOnly() { return highest == LEVELS.indexOf("high"); }

    /** Whether the model takes {@code level}. */
    boolean takes(String level) {
        int at = LEVELS.indexOf(level);
        if (highest < 0 || at < 0) return highest >= 0; // an unknown level goes as sent (the API names it in its 400)
        if (at > highest) return false;
        return !(level.equals("xhigh") && is46);
    }

    private static boolean is46(String model) {
        if (model != null && model.contains(MYTHOS)) return true;
        Matcher m = VERSION.matcher(model == null ? "" : model);
        return m.find() && "4".equals(m.group(2)) && "6".equals(m.group(3));
    }

    /**
     * An Anthropic body's top-level {@code output_config.effort} fitted to the model (see the class comment): dropped
     * for a Claude that takes none ({@code output_config} too when nothing else is in it), lowered to the highest level
     * it takes, else left as it is.
     */
    public void fit(ObjectNode body) {
        if (!(body.get("output_config") instanceof ObjectNode config)) return;
        JsonNode effort = config.get("effort");
        if (effort == null || !effort.isTextual() || takes(effort.textValue())) return;
        String level = effort.textValue();
        if (highest < 0) {
            config.remove("effort");
            if (config.isEmpty()) body.remove("output_config");
            said(deploymentId, "dropped", "output_config.effort '" + level + "' is dropped for " + deploymentId + ": " + model
                    + " takes no effort parameter (Anthropic answers it 400); with adaptive thinking it chose the thinking budget");
            return;
        }
        int at = Math.min(LEVELS.indexOf(level), highest);
        String lower = LEVELS.get(at);
        if (lower.equals("xhigh") && is46) lower = "high";
        config.put("effort", lower);
        said(deploymentId, "lowered " + level, "output_config.effort '" + level + "' goes as '" + lower + "' to " + deploymentId
                + ": the highest level " + model + " takes (Anthropic answers a higher one 400)");
    }

    private static void said(String deploymentId, String kind, String line) { // static: WARNED is per process
        if (WARNED.add(deploymentId + " " + kind)) {
            log.warn("{} (the first such change on this deployment; the next are DEBUG lines)", LogSafe.text(line));
        } else {
            log.debug("{}", LogSafe.text(line));
        }
    }
}
