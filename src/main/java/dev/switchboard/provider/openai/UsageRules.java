package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.Usage;

/**
 * Where an OpenAI-compatible service's usage departs from OpenAI's, as data (DESIGN.md: provider quirks in one table),
 * decided once per deployment from its prefix: every other service reads as OpenAI, on the byte scans, at no cost.
 *
 * @param reasoningOutside xAI counts reasoning tokens apart from {@code completion_tokens} and adds them to
 *                         {@code total_tokens} (docs.x.ai, consumption and rate limits), where OpenAI counts them
 *                         inside: they are added to the completion, or they would never be billed
 * @param billsInUsage     the service says what it billed in {@code usage.cost} (OpenRouter: a number, plus
 *                         {@code cost_details.upstream_inference_cost} when {@code is_byok}; Perplexity: an object with
 *                         {@code total_cost}, its request fee included): that prices the call, and the usage members
 *                         the counts do not model go back to the client as sent
 * @param groqStreamUsage  Groq puts a stream's usage in the last chunk's {@code x_groq.usage}; it counts when no
 *                         top-level {@code usage} comes (Groq also sends one when asked, in later API versions)
 */
record UsageRules(boolean reasoningOutside, boolean billsInUsage, boolean groqStreamUsage) {
    static final UsageRules OPENAI = new UsageRules(false, false, false);

    static UsageRules of(String prefix) {
        return switch (prefix) {
            case "xai" -> new UsageRules(true, false, false);
            case "openrouter", "perplexity" -> new UsageRules(false, true, false);
            case "groq" -> new UsageRules(false, false, true);
            default -> OPENAI;
        };
    }

    /** Whether usage reads as OpenAI's: the byte scans (which skip unknown usage members) may read it. */
    boolean plain() { return this.equals(OPENAI); }

    /**
     * The completion count with reasoning tokens that were reported outside it added, when this service does so: xAI
     * documents it, but a total equal to prompt + completion says the reasoning is inside after all (then unchanged).
     *
     * @param total {@code total_tokens}, or -1 when absent
     */
    int completion(int prompt, int completion, int reasoning, int total) {
        if (!reasoningOutside || reasoning <= 0) return completion;
        boolean outside = total < 0 || (long) total >= (long) prompt + completion + reasoning;
        return outside ? completion + reasoning : completion;
    }

    /**
     * What the service says it billed, from its usage members, or null: OpenRouter's {@code cost} (credits are USD),
     * with the upstream provider's own charge added for a BYOK call (OpenRouter's {@code cost} is then only its fee;
     * {@code cost_details.upstream_inference_cost} is what the user's own key was charged); Perplexity's
     * {@code cost.total_cost} (tokens, request fee, citations and searches). Either shape is read for either service.
     */
    Double billed(ObjectNode fields) {
        if (!billsInUsage || fields == null) return null;
        JsonNode cost = fields.get("cost");
        if (cost == null) return null;
        if (cost.isNumber()) {
            double usd = cost.doubleValue();
            JsonNode upstream = fields.path("cost_details").path("upstream_inference_cost");
            if (fields.path("is_byok").asBoolean(false) && upstream.isNumber()) usd += upstream.doubleValue();
            return usable(usd);
        }
        JsonNode total = cost.path("total_cost");
        return total.isNumber() ? usable(total.doubleValue()) : null;
    }

    private static Double usable(double usd) { return Double.isFinite(usd) && usd >= 0 ? usd : null; }

    /** The usage with what the service billed and its own members, when it has any. */
    Usage withBill(Usage u, ObjectNode fields) {
        return fields == null ? u : u.withBilled(billed(fields), fields);
    }
}
