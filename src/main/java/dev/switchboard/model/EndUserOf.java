package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Who a call is for — the end user the ledger records and whose budget and block apply — found where LiteLLM looks,
 * first match wins: a JWT's end-user claim (its {@code end_user:} tag, which no header or body field overrides; a key
 * whose tags an admin gave one is treated alike), the
 * {@code x-litellm-customer-id} and {@code x-litellm-end-user-id} headers (for apps that cannot change the body; {@code EdgeContext.hints} makes them the {@link #HINT}), the
 * body's {@code user} (an Anthropic body's {@code metadata.user_id}, which its decoder makes the user), then
 * {@code litellm_metadata.user}, {@code metadata.user_id} and {@code safety_identifier}. Claude Code's user id, which
 * names its session too, counts as its stable part ({@link ClaudeCodeUser}).
 */
public final class EndUserOf {
    /** The hint the edge makes of LiteLLM's end-user headers ({@code EdgeContext.hints}). */
    public static final String HINT = "end-user";
    private static final String JWT_TAG = "end_user:";

    private EndUserOf() {}

    /** @return null when the call names nobody (an empty or blank name names nobody: the next place decides) */
    public static String resolve(CallContext ctx, String user, Map<String, String> metadata, Map<String, JsonNode> extra) {
        List<String> tags = ctx.caller().tags();
        if (!tags.isEmpty()) {
            for (String t : tags) if (t.startsWith(JWT_TAG) && t.length() > JWT_TAG.length()) return t.substring(JWT_TAG.length());
        }
        String header = ctx.hint(HINT);
        if (header != null && !header.isBlank()) return header;
        if (user != null && !user.isBlank()) return ClaudeCodeUser.stable(user);
        if (extra.isEmpty() && (metadata == null || metadata.isEmpty())) return null;
        if (extra.get("litellm_metadata") instanceof JsonNode m && m.get("user") instanceof JsonNode u && u.isTextual()
                && !u.textValue().isBlank()) return u.textValue();
        String fromMetadata = metadata == null ? null : metadata.get("user_id");
        if (fromMetadata != null && !fromMetadata.isBlank()) return ClaudeCodeUser.stable(fromMetadata);
        if (extra.get("safety_identifier") instanceof JsonNode s && s.isTextual() && !s.textValue().isBlank()) return s.textValue();
        return null;
    }
}
