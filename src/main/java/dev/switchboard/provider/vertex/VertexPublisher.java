package dev.switchboard.provider.vertex;

import dev.switchboard.config.Deployment;
import java.util.List;

/**
 * Which of Vertex AI's publishers serves a model id, as LiteLLM decides it from the name: {@code claude-…} is
 * Anthropic's (its Messages body on {@code :rawPredict}), everything else Google's (Gemini's GenerateContent).
 * Vertex's other partner models (Llama, Mistral, Jamba, DeepSeek, Qwen, gpt-oss) speak other formats, and a bare
 * number is a Model Garden endpoint: those are a config error naming them, never sent in a format they do not read.
 */
enum VertexPublisher {
    ANTHROPIC("anthropic"),
    GOOGLE("google");

    /** Name starts of partner models that are not served yet. */
    private static final List<String> UNSUPPORTED = List.of("meta/", "llama", "mistral", "codestral", "jamba", "ai21",
            "deepseek", "qwen", "openai/", "gpt-oss", "minimax", "moonshot", "kimi");

    final String path;

    VertexPublisher(String path) { this.path = path; }

    /** @throws IllegalArgumentException naming the line and what is supported */
    static VertexPublisher of(Deployment d) {
        String m = d.model().toLowerCase(java.util.Locale.ROOT);
        if (m.startsWith("claude")) return ANTHROPIC;
        boolean unsupported = m.matches("\\d+") || m.startsWith("gemini/") || UNSUPPORTED.stream().anyMatch(m::startsWith);
        if (unsupported || m.contains("/")) {
            throw VertexSettings.problem(d, "'" + d.model() + "' is not a model Switchboard can serve on Vertex AI yet "
                            + "(partner models other than Claude, Model Garden and tuned-model endpoints are not supported)",
                    "use a Gemini model (vertex_ai/gemini-2.5-flash), a Claude model (vertex_ai/claude-sonnet-4-5@20250929) "
                            + "or an embedding model (vertex_ai/text-embedding-005)");
        }
        return GOOGLE;
    }
}
