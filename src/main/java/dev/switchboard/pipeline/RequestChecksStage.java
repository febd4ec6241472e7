package dev.switchboard.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.config.RequestChecks;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.CallTags;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import java.util.Map;

/**
 * What a caller's request may carry, checked before anything else sees it (a refusal is a 400 in the caller's dialect,
 * nothing is admitted, recorded or called):
 * <ul>
 *   <li>a tag that says who called ({@code user:…}, {@code team:…}, {@code org:…}, {@code end_user:…}) only from an
 *       admin caller: for anyone else these come from the key or the JWT, and {@code /spend/logs} reads a call's user
 *       and team from them, so a key could otherwise put its spend under another team;</li>
 *   <li>LiteLLM's {@code reject_clientside_metadata_tags}: no tags of the request's own at all;</li>
 *   <li>LiteLLM's {@code enforce_user_param}: the end user named.</li>
 * </ul>
 * The outermost stage; for embeddings {@link Gateway#embed} asks {@link #refusal} itself. A request without tags costs
 * four map reads.
 */
final class RequestChecksStage implements Stage {
    private final RequestChecks checks;

    RequestChecksStage(RequestChecks checks) { this.checks = checks; }

    @Override
    public ChatHandler wrap(ChatHandler next) {
        return new ChatHandler() {
            @Override
            public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request) {
                GatewayException refused = refusal(ctx, request);
                return refused != null ? Future.failedFuture(refused) : next.chat(ctx, request);
            }

            @Override
            public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
                GatewayException refused = refusal(ctx, request);
                return refused != null ? Future.failedFuture(refused) : next.stream(ctx, request);
            }
        };
    }

    GatewayException refusal(CallContext ctx, ChatRequest r) {
        return refusal(checks, ctx, r);
    }

    static GatewayException refusal(RequestChecks checks, CallContext ctx, ChatRequest r) {
        return refusal(checks, ctx, r.user(), r.metadata(), r.extra());
    }

    static GatewayException refusal(RequestChecks checks, CallContext ctx, EmbeddingRequest r) {
        return refusal(checks, ctx, r.user(), r.metadata(), r.extra());
    }

    private static GatewayException refusal(RequestChecks checks, CallContext ctx, String user, Map<String, String> metadata,
                                            Map<String, JsonNode> extra) {
        for (CallTags.Brought b : CallTags.brought(ctx, metadata, extra)) {
            if (checks.rejectClientSideTags()) {
                // LiteLLM's wording, naming where the tags were (it only looks at metadata.tags; its proxy moves the
                // body's tags there, and a header is the same thing sent another way)
                return GatewayException.badRequest("Client-side '" + b.source() + "' not allowed in request. "
                        + "'reject_clientside_metadata_tags'=True. Tags can only be set via API key metadata.", b.source());
            }
            if (ctx.caller().admin()) continue;
            for (String t : b.tags()) {
                if (CallTags.identity(t)) {
                    return GatewayException.badRequest("The tag '" + t + "' in '" + b.source() + "' is reserved: user:, team:, "
                            + "org: and end_user: tags say who called and come from the key (its user_id and team_id) or the "
                            + "JWT. Fix: give the key a user_id or team_id, or use a tag without these prefixes.", b.source());
                }
            }
        }
        // an empty name names nobody: the ledger's end user would be empty too
        if (checks.enforceUserParam() && (user == null || user.isBlank())
                && !(extra.get("safety_identifier") instanceof JsonNode s && s.isTextual() && !s.textValue().isBlank())) {
            return GatewayException.badRequest("'user' param not passed in. 'enforce_user_param'=True", "user");
        }
        return null;
    }
}
