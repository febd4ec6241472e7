package dev.switchboard.provider.vertex;

import java.util.Set;

/**
 * The client's {@code anthropic-beta} header as Claude on Vertex takes it. Vertex refuses a beta it does not offer with
 * 400 "Unexpected value(s) `effort-2025-11-24` for the `anthropic-beta` header. Please consult our documentation at
 * docs.anthropic.com or try again without the header." — and Claude Code names {@code effort-2025-11-24} (and
 * {@code adaptive-thinking-2026-01-28}) itself on every request to an alias (anthropics/claude-code#34802,
 * claude-agent-sdk-typescript#307), so a Claude Code session through a Vertex deployment failed on its first call.
 * The betas dropped are the ones seen refused (those two; {@code structured-outputs-2025-11-13}, vercel/ai#10981) and
 * those LiteLLM's {@code anthropic_beta_headers_config.json} maps to null for {@code vertex_ai}; any other beta goes as
 * sent (a new one Vertex takes must not be lost to a stale list). Effort needs no beta anywhere (Anthropic's effort
 * docs), so dropping that one loses nothing.
 */
public final class VertexClaudeBetas {
    private VertexClaudeBetas() {}

    static final Set<String> REFUSED = Set.of(
            "effort-2025-11-24", "adaptive-thinking-2026-01-28", "structured-outputs-2025-11-13",
            "advisor-tool-2026-03-01", "bash_20241022", "bash_20250124", "code-execution-2025-08-25", "fast-mode-2026-02-01",
            "files-api-2025-04-14", "fine-grained-tool-streaming-2025-05-14", "mcp-client-2025-11-20", "mcp-client-2025-04-04",
            "mcp-servers-2025-12-04", "output-128k-2025-02-19", "structured-output-2024-03-01",
            "prompt-caching-scope-2026-01-05", "skills-2025-10-02", "text_editor_20241022", "text_editor_20250124",
            "token-efficient-tools-2025-02-19", "web-fetch-2025-09-10");

    /**
     * @param clientBeta the client's header (comma-separated), null when it sent none
     * @return the header without the betas Vertex refuses and without blank entries, in the client's order; null when
     *         none is left. The client's string itself when nothing is dropped (no copy on the usual request).
     */
    public static String kept(String clientBeta) {
        if (clientBeta == null) return null;
        String[] betas = clientBeta.split(","); // one char, not a regex: String.split's fast path
        StringBuilder out = new StringBuilder(clientBeta.length());
        boolean changed = false;
        for (String b : betas) {
            String beta = b.trim();
            if (beta.isEmpty() || REFUSED.contains(beta)) {
                changed = true;
                continue;
            }
            if (beta.length() != b.length()) changed = true;
            if (!out.isEmpty()) out.append(',');
            out.append(beta);
        }
        if (!changed) return clientBeta;
        return out.isEmpty() ? null : out.toString();
    }
}
