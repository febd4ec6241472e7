package dev.switchboard.pipeline.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Role;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.Future;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LiteLLM's {@code guardrail: lakera_v2}: Lakera Guard's {@code POST {api_base}/v2/guard} with a bearer key, the
 * messages (after the call, the answer's messages appended) and LiteLLM's options ({@code project_id}, {@code payload},
 * {@code breakdown}, {@code metadata}, {@code dev_info}). {@code flagged: true} blocks with LiteLLM's detail
 * ({@code lakera_guardrail_response}) unless {@code on_flagged: monitor}, which logs and lets it through. Where LiteLLM
 * masks instead (every detection a {@code pii/} one), Switchboard blocks: it does not rewrite prompts or answers.
 */
final class LakeraGuardrail implements Guardrail {
    private static final Logger LOG = LoggerFactory.getLogger(LakeraGuardrail.class);
    static final String DEFAULT_BASE = "https://api.lakera.ai";

    private final GuardrailConfig config;
    private final RemoteJson remote;
    private final boolean monitor;

    LakeraGuardrail(GuardrailConfig config, UpstreamHttp http, Function<String, String> env) {
        this.config = config;
        String key = config.apiKey() != null ? config.apiKey().reveal() : env.apply("LAKERA_API_KEY");
        String base = config.apiBase() != null ? config.apiBase() : env.apply("LAKERA_API_BASE") != null ? env.apply("LAKERA_API_BASE") : DEFAULT_BASE;
        this.remote = new RemoteJson(config.name(), http, base, "/v2/guard", "authorization", "Bearer " + (key == null ? "" : key),
                config.timeout());
        this.monitor = "monitor".equals(config.stringParam("on_flagged"));
    }

    @Override
    public GuardrailConfig config() { return config; }

    /** LiteLLM's LakeraAIRequest: payload, breakdown and dev_info default to true. */
    private ObjectNode body(ArrayNode messages) {
        ObjectNode body = Blocks.JSON.createObjectNode();
        body.set("messages", messages);
        Map<String, Object> p = config.params();
        if (p.get("project_id") != null) body.put("project_id", p.get("project_id").toString());
        body.put("payload", bool(p.get("payload")));
        body.put("breakdown", bool(p.get("breakdown")));
        if (p.get("metadata") != null) body.set("metadata", Blocks.JSON.valueToTree(p.get("metadata")));
        body.put("dev_info", bool(p.get("dev_info")));
        return body;
    }

    private static boolean bool(Object v) { return v == null || !(v instanceof Boolean b) || b; }

    @Override
    public Future<ChatRequest> input(CallContext ctx, ChatRequest request, String mode) {
        ArrayNode messages = Transcript.messages(request);
        if (messages.isEmpty()) return Future.succeededFuture(request);
        return call(body(messages), ctx).map(request);
    }

    @Override
    public Future<ChatResponse> output(CallContext ctx, ChatRequest request, ChatResponse answer) {
        ArrayNode messages = Transcript.messages(request);
        for (String t : Transcript.answerTexts(answer)) messages.addObject().put("role", Role.ASSISTANT.wire()).put("content", t);
        return call(body(messages), ctx).map(answer);
    }

    private Future<Void> call(ObjectNode body, CallContext ctx) {
        return remote.post(body, new CallOptions(config.timeout(), ctx.requestId(), ctx.cancellation())).compose(this::verdict);
    }

    private Future<Void> verdict(JsonNode r) {
        if (!r.path("flagged").asBoolean(false)) return Future.succeededFuture();
        if (monitor) {
            LOG.warn("guardrail {} (lakera_v2, on_flagged: monitor): flagged, let through", name());
            return Future.succeededFuture();
        }
        return Future.failedFuture(Blocks.violation(Blocks.detail("lakera_guardrail_response", r), name()));
    }
}
