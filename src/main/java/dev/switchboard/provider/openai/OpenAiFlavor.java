package dev.switchboard.provider.openai;

import java.util.Map;

/**
 * The quirks of each OpenAI-compatible service, as data rather than {@code if}s through the code.
 *
 * @param defaultBase          base URL when the deployment sets no api_base (null: api_base is required)
 * @param keyEnv               environment variable read for the key when the config names none
 * @param keepsOutputFieldName true: send the client's own field (max_tokens or max_completion_tokens);
 *                             false: always max_tokens, the one every compatible server knows
 * @param forwardsCacheControl true where the service honours Anthropic-style cache_control on parts
 * @param serverRoot           true when api_base is the server's root, as LiteLLM documents it for Ollama
 *                             ({@code http://localhost:11434}), and the OpenAI-compatible API lives under its
 *                             {@code /v1}; false when api_base is the OpenAI-compatible base itself, used as given
 *                             (LiteLLM's OpenAI client adds {@code /chat/completions} to it)
 */
record OpenAiFlavor(String prefix, String defaultBase, String keyEnv, boolean keepsOutputFieldName,
                    boolean forwardsCacheControl, boolean serverRoot) {

    static final Map<String, OpenAiFlavor> ALL = Map.of(
            "openai", new OpenAiFlavor("openai", "https://api.openai.com/v1", "OPENAI_API_KEY", true, false, false),
            "ollama", new OpenAiFlavor("ollama", "http://localhost:11434", null, false, false, true),
            "ollama_chat", new OpenAiFlavor("ollama_chat", "http://localhost:11434", null, false, false, true),
            "openrouter", new OpenAiFlavor("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", true, true, false),
            "groq", new OpenAiFlavor("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", false, false, false),
            "deepseek", new OpenAiFlavor("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", false, false, false),
            "together_ai", new OpenAiFlavor("together_ai", "https://api.together.xyz/v1", "TOGETHERAI_API_KEY", false, false, false),
            "hosted_vllm", new OpenAiFlavor("hosted_vllm", null, null, false, false, false),
            "openai_compatible", new OpenAiFlavor("openai_compatible", null, null, false, false, false));

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
        if (!serverRoot) return b;
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
                        + "' (and the other endpoints' paths) to api_base itself. Fix: api_base: " + (serverRoot
                        ? base.replaceAll("/v1$", "") + " (the server's root, as LiteLLM documents for " + prefix + "/)"
                        : base + " (the base the OpenAI-compatible paths hang off, usually ending in /v1)") + ".";
            }
        }
        return null;
    }
}
