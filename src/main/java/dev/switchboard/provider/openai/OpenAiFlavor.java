package dev.switchboard.provider.openai;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.ToolChoice;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The quirks of each OpenAI-compatible service, as data rather than {@code if}s through the code. The core rows are
 * {@link #CORE}; the long tail of hosted and local servers is {@link LongTailFlavors#ALL}.
 *
 * @param defaultBase          base URL when the deployment sets no api_base (null: api_base is required)
 * @param keyEnvs              environment variables read for the key when the config names none, first found wins
 *                             (LiteLLM's order); empty for none
 * @param keepsOutputFieldName true: send the client's own field (max_tokens or max_completion_tokens);
 *                             false: always max_tokens, the one every compatible server knows
 * @param forwardsCacheControl true where the service honours Anthropic-style cache_control on parts
 * @param streamOptions        false where the service refuses {@code stream_options} (it reports usage in its last
 *                             chunk unasked), so the gateway does not send it
 * @param refuses              request fields the service rejects ({@code tools}, {@code parallel_tool_calls}, {@code n},
 *                             …): the provider's {@code unsupportedParams}, refused (a 400 naming the field, before any
 *                             call) or dropped under {@code drop_params} by the router
 * @param toolChoiceAutoOnly   the service takes {@code tool_choice} "auto" only: "auto" and "none" are sent, anything
 *                             else is a 400 naming it
 * @param base                 how api_base (or the default) becomes the OpenAI-compatible base: {@link BaseForm}
 * @param wire                 where the request body differs from OpenAI's in the fields the canonical request carries
 *                             (seed's name, user, reasoning sent back, tool-call ids): {@link WireRules}
 */
record OpenAiFlavor(String prefix, String defaultBase, List<String> keyEnvs, boolean keepsOutputFieldName,
                    boolean forwardsCacheControl, boolean streamOptions, Set<String> refuses, boolean toolChoiceAutoOnly,
                    BaseForm base, WireRules wire) {

    /** A plain OpenAI-compatible row: max_tokens, no cache_control, stream_options sent, nothing refused. */
    static OpenAiFlavor of(String prefix, String defaultBase, String... keyEnvs) {
        return new OpenAiFlavor(prefix, defaultBase, List.of(keyEnvs), false, false, true, Set.of(), false, BaseForm.AS_GIVEN, WireRules.COMPATIBLE);
    }

    OpenAiFlavor keepingOutputField() {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, true, forwardsCacheControl, streamOptions, refuses, toolChoiceAutoOnly, base, wire);
    }

    /** max_tokens whatever the client wrote (a reasoning model of the {@code openai} row still gets max_completion_tokens). */
    OpenAiFlavor withMaxTokensOnly() {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, false, forwardsCacheControl, streamOptions, refuses, toolChoiceAutoOnly, base, wire);
    }

    OpenAiFlavor forwardingCacheControl() {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, keepsOutputFieldName, true, streamOptions, refuses, toolChoiceAutoOnly, base, wire);
    }

    OpenAiFlavor withoutStreamOptions() {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, keepsOutputFieldName, forwardsCacheControl, false, refuses, toolChoiceAutoOnly, base, wire);
    }

    OpenAiFlavor refusing(String... fields) {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, keepsOutputFieldName, forwardsCacheControl, streamOptions,
                Set.of(fields), toolChoiceAutoOnly, base, wire);
    }

    OpenAiFlavor autoToolChoiceOnly() {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, keepsOutputFieldName, forwardsCacheControl, streamOptions, refuses, true, base, wire);
    }

    /** The service's {@link WireRules} instead of OpenAI's. */
    OpenAiFlavor withWire(WireRules rules) {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, keepsOutputFieldName, forwardsCacheControl, streamOptions, refuses,
                toolChoiceAutoOnly, base, rules);
    }

    /** How a base URL becomes the OpenAI-compatible base requests go to ({@link #baseUrl}). */
    enum BaseForm {
        /** The OpenAI-compatible base itself, used as given (LiteLLM's OpenAI client adds {@code /chat/completions}). */
        AS_GIVEN,
        /**
         * The server's root, as LiteLLM documents it for Ollama ({@code http://localhost:11434}): the OpenAI-compatible
         * API lives under its {@code /v1}.
         */
        SERVER_ROOT,
        /**
         * {@code /v1} added when it does not end in it, as LiteLLM's Mistral does to any base ("Mistral always needs a
         * /v1 at the end", {@code MistralConfig._get_openai_compatible_provider_info}): Mistral on Azure AI is documented
         * both with and without it.
         */
        V1_ADDED
    }

    /** {@code /v1} added to a base without it (Mistral, as LiteLLM does); see {@link #baseUrl}. */
    OpenAiFlavor addingV1() {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, keepsOutputFieldName, forwardsCacheControl, streamOptions, refuses,
                toolChoiceAutoOnly, BaseForm.V1_ADDED, wire);
    }

    /** api_base is the server's root (Ollama, as LiteLLM documents it); see {@link #baseUrl}. */
    OpenAiFlavor atServerRoot() {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, keepsOutputFieldName, forwardsCacheControl, streamOptions, refuses,
                toolChoiceAutoOnly, BaseForm.SERVER_ROOT, wire);
    }

    /**
     * The variable {@code check} names for a deployment without a key: the first LiteLLM reads, past
     * {@link #VARIANT_KEY_ENVS} (a plain {@code mistral/} entry is told MISTRAL_API_KEY, though LiteLLM reads
     * MISTRAL_AZURE_API_KEY, Mistral on Azure's, before it); null for none.
     */
    String keyEnv() {
        for (String e : keyEnvs) if (!VARIANT_KEY_ENVS.containsValue(e)) return e;
        return keyEnvs.isEmpty() ? null : keyEnvs.get(0);
    }

    /**
     * {@link #keyEnv()}, unless the base came from a variant's variable: a mistral/ entry sent to MISTRAL_AZURE_API_BASE
     * is told MISTRAL_AZURE_API_KEY (an Azure deployment's key), not La Plateforme's MISTRAL_API_KEY.
     *
     * @param baseVariable the variable the entry's api_base came from, null when the config wrote it or none
     */
    String keyEnv(String baseVariable) {
        String variant = baseVariable == null ? null : VARIANT_KEY_ENVS.get(baseVariable);
        return variant != null && keyEnvs.contains(variant) ? variant : keyEnv();
    }

    /**
     * Why a base and a key of different variants of the service go together, or null: a base from the variant's
     * variable (MISTRAL_AZURE_API_BASE) with the main service's key (MISTRAL_API_KEY), or the main service's own
     * address with the variant's key (MISTRAL_AZURE_API_KEY); either is refused by the server (401) at the first request.
     * An api_base the config wrote may be either: not judged.
     */
    String mixedVariant(String apiBase, String baseVariable, String keySource) {
        if (keySource == null) return null;
        for (java.util.Map.Entry<String, String> v : VARIANT_KEY_ENVS.entrySet()) {
            if (!keyEnvs.contains(v.getValue())) continue;
            if (v.getKey().equals(baseVariable) && keyEnvs.contains(keySource) && !keySource.equals(v.getValue())) {
                return "its base comes from " + v.getKey() + " but its key from " + keySource + ", another service's key "
                        + "(LiteLLM reads " + v.getValue() + " first): its requests will probably be refused (401). Fix: export "
                        + v.getValue() + " with that deployment's key, or set api_key on the entry.";
            }
            if (apiBase == null && keySource.equals(v.getValue())) {
                return "its key comes from " + v.getValue() + " but its base is " + baseUrl(null) + " (" + v.getKey()
                        + " is not set), another service's address: its requests will probably be refused (401). Fix: export "
                        + v.getKey() + " too, or unset " + v.getValue() + " to use " + keyEnv() + ".";
            }
        }
        return null;
    }

    /**
     * What the gateway adds to an api_base the config wrote, or null: /v1 for a flavor whose base is taken with it
     * (Mistral, as LiteLLM does), so that a base meant as given is sent elsewhere than written.
     */
    String v1Added(String apiBase) {
        if (apiBase == null || base != BaseForm.V1_ADDED) return null;
        String b = apiBase;
        while (b.endsWith("/")) b = b.substring(0, b.length() - 1);
        if (b.endsWith("/v1")) return null;
        return "/v1 is added to its api_base (" + dev.switchboard.model.SafeUrl.withoutSecrets(b) + "), as LiteLLM does for "
                + prefix + "/: its requests go to " + dev.switchboard.model.SafeUrl.withoutSecrets(baseUrl(apiBase))
                + "/chat/completions. Fix: nothing if that is meant; else write the base the server answers under.";
    }

    /**
     * Key variables read first for a variant of the service (Mistral on Azure AI), not the one to tell a user to set
     * unless the base came from the variant's base variable (the map's key).
     */
    private static final java.util.Map<String, String> VARIANT_KEY_ENVS = java.util.Map.of("MISTRAL_AZURE_API_BASE", "MISTRAL_AZURE_API_KEY");

    /**
     * @throws GatewayException 400 when the service takes tool_choice "auto" only and the request asks for more. The
     *     fields in {@link #refuses} are the router's to refuse or drop (DeploymentParams, {@code drop_params}).
     */
    void check(ChatRequest r, String deploymentId) {
        if (!toolChoiceAutoOnly || r.toolChoice() == null) return;
        if (r.toolChoice().mode() == ToolChoice.Mode.AUTO || r.toolChoice().mode() == ToolChoice.Mode.NONE) return;
        throw GatewayException.badRequest(prefix + "/ does not accept tool_choice other than \"auto\" (deployment " + deploymentId
                + "). Fix: leave it out, or send this request to an alias served by another provider.", "tool_choice");
    }

    static final Map<String, OpenAiFlavor> CORE = Map.of(
            "openai", of("openai", "https://api.openai.com/v1", "OPENAI_API_KEY").keepingOutputField().withWire(WireRules.OPENAI),
            "ollama", of("ollama", "http://localhost:11434").atServerRoot(),
            "ollama_chat", of("ollama_chat", "http://localhost:11434").atServerRoot(),
            "openrouter", of("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY").keepingOutputField().forwardingCacheControl()
                    .withWire(WireRules.OPENROUTER),
            "groq", of("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY").withWire(WireRules.GROQ),
            "deepseek", of("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY").withWire(WireRules.DEEPSEEK),
            // LiteLLM's order (get_llm_provider_logic, together_ai/): TOGETHER_API_KEY first, TOGETHERAI_API_KEY third
            "together_ai", of("together_ai", "https://api.together.xyz/v1", "TOGETHER_API_KEY", "TOGETHER_AI_API_KEY",
                    "TOGETHERAI_API_KEY", "TOGETHER_AI_TOKEN"),
            "hosted_vllm", of("hosted_vllm", null),
            "openai_compatible", of("openai_compatible", null));

    /**
     * The OpenAI-compatible base URL requests go to ({@code /chat/completions}, {@code /embeddings} are added):
     * {@code api_base} (or the default) as given, or for a server-root flavor (Ollama) the root with the paths
     * LiteLLM accepts on it taken off ({@code /api/chat}, {@code /api/generate}) and {@code /v1} added, unless it
     * already ends in {@code /v1} (Switchboard's earlier form, and Ollama's own documented OpenAI base). Null when
     * there is neither.
     */
    String baseUrl(String apiBase) {
        String b = apiBase != null ? apiBase : defaultBase;
        if (b == null) return null;
        while (b.endsWith("/")) b = b.substring(0, b.length() - 1);
        if (base == BaseForm.AS_GIVEN) return b;
        if (base == BaseForm.V1_ADDED) return b.endsWith("/v1") ? b : b + "/v1";
        for (String native_ : new String[] {"/api/chat", "/api/generate", "/api"}) {
            if (b.endsWith(native_)) {
                b = b.substring(0, b.length() - native_.length());
                break;
            }
        }
        return b.endsWith("/v1") ? b : b + "/v1";
    }

    /**
     * Why an api_base cannot be meant as this flavor's base, or null: a full endpoint URL pasted in its place, to
     * which the gateway (as LiteLLM) would add the endpoint's path a second time.
     */
    String wrongBase(String apiBase) {
        if (apiBase == null) return null;
        String b = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        for (String endpoint : new String[] {"/chat/completions", "/completions", "/embeddings", "/responses", "/messages"}) {
            if (b.endsWith(endpoint)) {
                String base = b.substring(0, b.length() - endpoint.length());
                if (base.endsWith("/v1") && endpoint.equals("/messages")) base = base.substring(0, base.length() - 3);
                return "api_base '" + apiBase + "' is a full endpoint URL, and the gateway adds '" + endpoint
                        + "' (and the other endpoints' paths) to api_base itself. Fix: api_base: " + (this.base == BaseForm.SERVER_ROOT
                        ? base.replaceAll("/v1$", "") + " (the server's root, as LiteLLM documents for " + prefix + "/)"
                        : base + " (the base the OpenAI-compatible paths hang off, usually ending in /v1)") + ".";
            }
        }
        return null;
    }
}
