package dev.switchboard.pipeline.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.Future;
import java.util.Set;

/**
 * LiteLLM's {@code guardrail: aporia} (during_call and post_call, as LiteLLM's supports): {@code POST {api_base}/validate}
 * with {@code X-APORIA-API-KEY}, the messages (roles other than system, user and assistant sent as "other") and, after
 * the call, the answer's text, with {@code validation_target} prompt or both. {@code action: block} blocks with LiteLLM's
 * detail ({@code aporia_ai_response}); modify, rephrase and passthrough let the answer through unchanged, as in LiteLLM.
 */
final class AporiaGuardrail implements Guardrail {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private final GuardrailConfig config;
    private final RemoteJson remote;

    AporiaGuardrail(GuardrailConfig config, UpstreamHttp http) {
        this.config = config;
        this.remote = new RemoteJson(config.name(), http, config.apiBase(), "/validate", "X-APORIA-API-KEY",
                config.apiKey() == null ? null : config.apiKey().reveal(), config.timeout());
    }

    @Override
    public GuardrailConfig config() { return config; }

    private ObjectNode body(ChatRequest r) {
        ObjectNode body = Blocks.JSON.createObjectNode();
        body.set("messages", Transcript.messages(r.messages(), role -> ROLES.contains(role) ? role : "other"));
        return body;
    }

    @Override
    public Future<ChatRequest> input(CallContext ctx, ChatRequest request, String mode) {
        ObjectNode body = body(request).put("validation_target", "prompt");
        return call(body, ctx).map(request);
    }

    @Override
    public Future<ChatResponse> output(CallContext ctx, ChatRequest request, ChatResponse answer) {
        String text = String.join("", Transcript.answerTexts(answer));
        if (text.isEmpty()) return Future.succeededFuture(answer);
        ObjectNode body = body(request).put("response", text).put("validation_target", "both");
        return call(body, ctx).map(answer);
    }

    private Future<Void> call(ObjectNode body, CallContext ctx) {
        return remote.post(body, new CallOptions(config.timeout(), ctx.requestId(), ctx.cancellation())).compose(this::verdict);
    }

    private Future<Void> verdict(JsonNode r) {
        if (!"block".equals(r.path("action").asText())) return Future.succeededFuture();
        return Future.failedFuture(Blocks.violation(Blocks.detail("aporia_ai_response", r), name()));
    }
}
