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
 */
record OpenAiFlavor(String prefix, String defaultBase, String keyEnv, boolean keepsOutputFieldName,
                    boolean forwardsCacheControl) {

    static final Map<String, OpenAiFlavor> ALL = Map.of(
            "openai", new OpenAiFlavor("openai", "https://api.openai.com/v1", "OPENAI_API_KEY", true, false),
            "ollama", new OpenAiFlavor("ollama", "http://localhost:11434/v1", null, false, false),
            "openrouter", new OpenAiFlavor("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", true, true),
            "groq", new OpenAiFlavor("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", false, false),
            "deepseek", new OpenAiFlavor("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", false, false),
            "together_ai", new OpenAiFlavor("together_ai", "https://api.together.xyz/v1", "TOGETHERAI_API_KEY", false, false),
            "hosted_vllm", new OpenAiFlavor("hosted_vllm", null, null, false, false),
            "openai_compatible", new OpenAiFlavor("openai_compatible", null, null, false, false));
}
