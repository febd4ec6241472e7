package dev.switchboard.provider.bedrock;

import dev.switchboard.model.FinishReason;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Bedrock's quirk table: how LiteLLM's model strings map to a Bedrock model id, what each model family accepts
 * through the Converse API, and the stop reasons. Data beside the adapter, so the encoder asks rather than
 * switching on names.
 */
final class BedrockModels {
    private BedrockModels() {}

    /** LiteLLM's default when no region is configured anywhere. */
    static final String DEFAULT_REGION = "us-west-2";

    /**
     * The id a call's path names: LiteLLM's {@code litellm_params.model_id} when set (a provisioned-throughput model's
     * or an imported model's ARN, its bedrock docs' "Provisioned throughput models"), else the model's own id. The base
     * model ({@code model}) still decides the request's shape and the price, as in LiteLLM; only the path changes, so the
     * calls reach (and are billed to) the throughput the customer bought, not the on-demand model.
     */
    static String pathId(dev.switchboard.config.Deployment d, String modelId) {
        return d.params().get("model_id") instanceof String arn && !arn.isBlank() ? arn.strip() : modelId;
    }

    /**
     * The Bedrock model id of a {@code bedrock/…} model: LiteLLM's route prefixes {@code converse/} and
     * {@code invoke/} are dropped (both are served by the Converse API here, which takes every chat model).
     */
    static String modelId(String model) {
        for (String route : new String[] {"converse/", "invoke/", "converse_like/"}) {
            if (model.startsWith(route)) return model.substring(route.length());
        }
        return model;
    }

    /**
     * The id the model's family, caching and Claude rules are read from: the model id, or, for an ARN that names no model
     * (an application inference profile, {@code …:application-inference-profile/abc123}, or a provisioned model), the
     * deployment's {@code model_info.base_model} ({@code anthropic.claude-…}, {@code bedrock/anthropic.claude-…} or
     * {@code anthropic/claude-…}) when it is set. The same base_model makes the entry a Claude for the prompt estimate, the
     * worst case and /model/info ({@code Deployment.servesClaude}); without this the encoder took such a profile for an
     * unknown family and dropped document citations and cache points the reservation had counted.
     */
    static String foundationId(dev.switchboard.config.Deployment d, String modelId) {
        if (!modelId.startsWith("arn:") || modelId.substring(modelId.lastIndexOf('/') + 1).indexOf('.') >= 0) return modelId;
        Object base = d.modelInfo() == null ? null : d.modelInfo().get("base_model");
        if (!(base instanceof String given) || given.isBlank()) return modelId;
        String b = given.strip();
        if (b.startsWith("bedrock/")) b = b.substring("bedrock/".length());
        b = modelId(b);
        return b.startsWith("anthropic/") ? "anthropic." + b.substring("anthropic/".length()) : b;
    }

    /** The region a model ARN names ({@code arn:aws:bedrock:us-east-1:…}); null for an id that is no ARN. */
    static String arnRegion(String modelId) {
        if (!modelId.startsWith("arn:")) return null;
        String[] parts = modelId.split(":", 5);
        return parts.length == 5 && !parts[3].isBlank() ? parts[3] : null;
    }

    /**
     * The foundation model of an id: a cross-region inference profile's ({@code us.anthropic.claude-…}) without its
     * prefix; an ARN or a plain id as it is.
     */
    static String foundationModel(String modelId) {
        if (modelId.startsWith("arn:")) return modelId;
        String[] parts = modelId.split("\\.", 2);
        return parts.length == 2 && !family(modelId).equals(parts[0]) ? parts[1] : modelId;
    }

    /**
     * Anthropic's own name of a Claude model on Bedrock ({@code us.anthropic.claude-3-5-sonnet-…} →
     * {@code claude-3-5-sonnet-…}), the key of the tables shared with the anthropic/ provider.
     */
    static String claudeName(String modelId) {
        // an ARN's resource names the model (…:inference-profile/us.anthropic.claude-…, …:foundation-model/anthropic.…):
        // without this an ARN deployment got the unknown model's 4,096 output limit under a thinking budget
        String id = modelId.startsWith("arn:") ? modelId.substring(modelId.lastIndexOf('/') + 1) : modelId;
        String m = foundationModel(id);
        return m.startsWith("anthropic.") ? m.substring("anthropic.".length()) : m;
    }

    /**
     * The model's family, as Bedrock's ids name it after an optional cross-region prefix ({@code us.}, {@code eu.},
     * {@code apac.}, {@code global.}): anthropic, meta, amazon, mistral, cohere, ai21, deepseek, …
     */
    static String family(String modelId) {
        String id = modelId.toLowerCase(Locale.ROOT);
        if (id.startsWith("arn:")) {
            int slash = id.lastIndexOf('/');
            id = slash < 0 ? id : id.substring(slash + 1);
        }
        String[] parts = id.split("\\.");
        if (parts.length > 2 && parts[0].length() <= 6 && !parts[0].equals("amazon") && !parts[0].equals("meta")) {
            return parts[1]; // us.anthropic.claude-…, eu.meta.llama…, global.anthropic.…
        }
        return parts[0];
    }

    /** Prompt caching ({@code cachePoint} blocks) exists for Claude and Nova models on Bedrock. */
    static boolean cachesPrompts(String modelId) {
        String f = family(modelId);
        String id = modelId.toLowerCase(Locale.ROOT);
        return f.equals("anthropic") || (f.equals("amazon") && id.contains("nova"));
    }

    /** Whether {@code toolChoice} may say {@code any} / name a tool: Claude, Nova and Mistral Large only, per AWS. */
    static boolean forcesTools(String modelId) {
        String f = family(modelId);
        return f.equals("anthropic") || f.equals("amazon") || f.equals("mistral");
    }

    /**
     * The Anthropic betas Converse passes on to Claude ({@code additionalModelRequestFields.anthropic_beta}): LiteLLM's
     * list for Converse (its {@code anthropic_beta_headers_config.json}, {@code bedrock_converse}). The others a client
     * such as Claude Code sends (claude-code-…, oauth-…, interleaved-thinking-…, prompt-caching-…) Converse does not
     * take, and LiteLLM leaves them out too.
     */
    private static final Set<String> CONVERSE_BETAS = Set.of("computer-use-2025-01-24", "computer-use-2025-11-24",
            "context-1m-2025-08-07", "effort-2025-11-24", "fine-grained-tool-streaming-2025-05-14",
            "structured-outputs-2025-11-13", "thinking-binding-controls-2026-08-01", "thinking-display-updates-2026-08-18");

    /** The betas of an {@code anthropic-beta} header (comma-separated) that Converse takes, in its order, once each. */
    static List<String> converseBetas(String header) {
        if (header == null) return List.of();
        return Arrays.stream(header.split(",")).map(String::trim).filter(CONVERSE_BETAS::contains).distinct().toList();
    }

    /** Which embedding body an InvokeModel call takes, or null for a model that is not a known embedder. */
    static String embeddingKind(String modelId) {
        String id = modelId.toLowerCase(Locale.ROOT);
        if (id.contains("titan-embed")) return "titan";
        if (id.contains("cohere.embed")) return "cohere";
        return null;
    }

    /**
     * Converse's stopReason → OpenAI's, one rule for whole answers and streams. {@code guardrail_intervened} and
     * {@code content_filtered} are filters; {@code model_context_window_exceeded} ran out of room, which OpenAI calls
     * length. An answer that called tools but says {@code end_turn} (some models do) is {@code tool_calls}: OpenAI
     * clients run the calls on that reason only.
     *
     * @param toolCalls whether the answer holds a {@code toolUse} block
     */
    static FinishReason finishReason(String stopReason, boolean toolCalls) {
        FinishReason finish = finishReason(stopReason);
        return toolCalls && finish == FinishReason.STOP ? FinishReason.TOOL_CALLS : finish;
    }

    private static FinishReason finishReason(String stopReason) {
        if (stopReason == null) return FinishReason.STOP;
        return switch (stopReason) {
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "guardrail_intervened", "content_filtered" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.STOP; // end_turn, stop_sequence, and anything new
        };
    }
}
