package dev.switchboard.pipeline.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.bedrock.BedrockGuardrailApi;
import io.vertx.core.Future;
import java.util.List;

/**
 * LiteLLM's {@code guardrail: bedrock}: AWS Bedrock's ApplyGuardrail on the latest user message (source INPUT; pre_call
 * and during_call) or on the answer's text (source OUTPUT; post_call), skipped when there is no text, as LiteLLM skips it.
 * {@code action: GUARDRAIL_INTERVENED} blocks with LiteLLM's detail (the guardrail's output text, its identifier and
 * version). Where LiteLLM would mask instead (assessments that only ANONYMIZE), Switchboard blocks too: it does not
 * rewrite prompts or answers. A Bedrock error status is passed on with Bedrock's message (LiteLLM's HTTPException); no
 * answer at all fails the request with 500.
 */
final class BedrockGuardrail implements Guardrail {
    private final GuardrailConfig config;
    private final BedrockGuardrailApi api;

    BedrockGuardrail(GuardrailConfig config, BedrockGuardrailApi api) {
        this.config = config;
        this.api = api;
    }

    @Override
    public GuardrailConfig config() { return config; }

    @Override
    public Future<ChatRequest> input(CallContext ctx, ChatRequest request, String mode) {
        String text = Transcript.latestUser(request);
        if (text.isEmpty()) return Future.succeededFuture(request);
        return apply("INPUT", List.of(text), ctx).map(request);
    }

    @Override
    public Future<ChatResponse> output(CallContext ctx, ChatRequest request, ChatResponse answer) {
        List<String> texts = Transcript.answerTexts(answer);
        if (texts.isEmpty()) return Future.succeededFuture(answer); // a tool call only: nothing for Bedrock to read
        return apply("OUTPUT", texts, ctx).map(answer);
    }

    private Future<Void> apply(String source, List<String> texts, CallContext ctx) {
        ObjectNode body = Blocks.JSON.createObjectNode().put("source", source);
        ArrayNode content = body.putArray("content");
        for (String t : texts) content.addObject().putObject("text").put("text", t);
        return api.apply(body, config.timeout(), new CallOptions(config.timeout(), ctx.requestId(), ctx.cancellation()))
                .recover(t -> Future.failedFuture(Blocks.failedToRespond(name(), t,
                        t instanceof GatewayException g && g.status() >= 400 && g.status() < 500 && g.status() != 408 ? g.status() : 500)))
                .compose(this::verdict);
    }

    private Future<Void> verdict(JsonNode r) {
        if (!"GUARDRAIL_INTERVENED".equals(r.path("action").asText())) return Future.succeededFuture();
        StringBuilder output = new StringBuilder();
        for (JsonNode o : r.path("outputs")) output.append(o.path("text").asText(""));
        ObjectNode detail = Blocks.detail("bedrock_guardrail_response", Blocks.JSON.getNodeFactory().textNode(output.toString()));
        detail.put("guardrailIdentifier", config.stringParam("guardrailIdentifier"));
        detail.put("guardrailVersion", config.stringParam("guardrailVersion"));
        return Future.failedFuture(Blocks.violation(detail, name()));
    }
}
