package dev.switchboard.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * AWS Bedrock's runtime API as the simulator speaks it: {@code POST /model/{modelId}/converse} (JSON),
 * {@code /converse-stream} (the binary {@code application/vnd.amazon.eventstream}: messageStart, contentBlockStart /
 * Delta / Stop, messageStop, metadata, and exception frames) and {@code /invoke} for Titan and Cohere embeddings,
 * SigV4-verified ({@link BedrockSimAuth}). Errors are AWS's: the exception's name in {@code x-amzn-ErrorType} and
 * {@code {"message"}} as the body. Prompt caching follows {@code cachePoint} blocks (Claude and Nova models only): a
 * prefix of 1024+ tokens up to the last cache point is written, then read.
 *
 * <p>Faults by {@link SimBehaviour#status()}: 429 ThrottlingException, 400 ValidationException (the context-length
 * wording), 403 AccessDeniedException, 404 ResourceNotFoundException, 408 ModelTimeoutException, 424
 * ModelErrorException, 425 ModelNotReadyException (answered as AWS does, with 429), 503
 * ServiceUnavailableException, 401 UnrecognizedClientException (AWS's 403), anything else InternalServerException. A
 * {@code retry-after} is sent when the behaviour names one.
 */
final class BedrockSim {
    private static final Set<String> CONVERSE_FIELDS = Set.of("messages", "system", "inferenceConfig", "toolConfig",
            "guardrailConfig", "additionalModelRequestFields", "additionalModelResponseFieldPaths", "promptVariables",
            "requestMetadata", "performanceConfig");
    private static final Set<String> BLOCK_TYPES = Set.of("text", "image", "document", "video", "toolUse", "toolResult",
            "guardContent", "cachePoint", "reasoningContent", "citationsContent");

    private final Vertx vertx;
    private final SimPromptCache cache;
    private final AtomicInteger cancelled;
    private final AtomicInteger completed;
    final BedrockSimAuth auth = new BedrockSimAuth();
    /** The exception frame the next stream ends with, after its first events; null for none. */
    final AtomicReference<String> nextStreamException = new AtomicReference<>();
    /**
     * Application inference profiles ({@code arn:…:application-inference-profile/abc123}) and the model each runs, as a
     * CreateInferenceProfile made them: a call on the profile's ARN is served as the model's (citations, cache points,
     * Claude's checks), as Bedrock serves it. An ARN not defined here is a model of no known family.
     */
    final Map<String, String> profiles = new java.util.concurrent.ConcurrentHashMap<>();

    BedrockSim(Vertx vertx, SimPromptCache cache, AtomicInteger cancelled, AtomicInteger completed) {
        this.vertx = vertx;
        this.cache = cache;
        this.cancelled = cancelled;
        this.completed = completed;
    }

    /** The model id of a {@code /model/{id}/…} path, percent-decoded; null for another path. */
    static String modelOf(String path) {
        if (!path.startsWith("/model/")) return null;
        int end = path.lastIndexOf('/');
        return end <= 7 ? null : URLDecoder.decode(path.substring(7, end), StandardCharsets.UTF_8);
    }

    /** The body when the request is authentic and JSON; otherwise the refusal has been answered and null returned. */
    /** @param requiredKey when set, the secret the request must be signed with (or the bearer key it must carry) */
    JsonObject admit(HttpServerRequest req, Buffer body, String requiredKey) {
        BedrockSimAuth.Refusal refused = auth.check(req, body, requiredKey);
        if (refused != null) {
            error(req.response(), 403, refused.type(), refused.message());
            return null;
        }
        try {
            return body.toJsonObject();
        } catch (RuntimeException e) {
            error(req.response(), 400, "ValidationException", "Malformed input request, please reformat your input and try again.");
            return null;
        }
    }

    void handle(HttpServerRequest req, JsonObject body, SimBehaviour behaviour) {
        HttpServerResponse resp = req.response();
        String path = req.path();
        String model = modelOf(path);
        if (model != null) model = profiles.getOrDefault(model, model);
        String action = path.substring(path.lastIndexOf('/') + 1);
        if (behaviour.status() != 0) {
            fault(resp, behaviour);
            return;
        }
        switch (action) {
            case "converse", "converse-stream" -> converse(resp, model, body, behaviour, action.equals("converse-stream"));
            case "invoke" -> invoke(resp, model, body);
            case "count-tokens" -> countTokens(resp, model, body);
            default -> error(resp, 404, "UnknownOperationException", null);
        }
    }

    private void converse(HttpServerResponse resp, String model, JsonObject body, SimBehaviour behaviour, boolean stream) {
        String invalid = BedrockSimValidation.converse(body, model, CONVERSE_FIELDS, BLOCK_TYPES);
        if (invalid == null && model.contains("anthropic.claude") && body.getJsonObject("inferenceConfig") != null
                && body.getJsonObject("inferenceConfig").getValue("stopSequences") instanceof JsonArray stops
                && stops.stream().anyMatch(s -> s instanceof String t && t.isBlank())) {
            // Claude's own check, as Bedrock passes it on
            invalid = "The model returned the following errors: stop_sequences: each stop sequence must contain non-whitespace";
        }
        if (invalid == null && model.contains("anthropic.claude")) invalid = claudeFields(body.getJsonObject("additionalModelRequestFields"), model);
        if (invalid != null) {
            error(resp, 400, "ValidationException", invalid);
            return;
        }
        boolean thinking = thinks(body, model);
        if (thinking) {
            String refused = BedrockSimValidation.thinkingBudget(body);
            if (refused == null) refused = unsignedToolTurn(body.getJsonArray("messages"));
            if (refused != null) {
                error(resp, 400, "ValidationException", refused);
                return;
            }
        }
        SimReply reply = SimReply.to(asOpenAi(body).put("model", model), behaviour.streamRepeat());
        JsonObject usage = usage(body, model, reply);
        String stop = reply.toolName() != null ? "tool_use" : reply.truncated() ? "max_tokens" : reply.stopSequence() != null ? "stop_sequence" : "end_turn";
        JsonObject said = said(body, model, reply);
        JsonObject cited = reply.toolName() == null && model.contains("anthropic.claude")
                ? BedrockSimCitations.cite(body.getJsonArray("messages")) : null;
        if (stream) {
            new BedrockSimStream(vertx, resp, events(reply, stop, said, usage, thinking, cited), behaviour, nextStreamException.getAndSet(null),
                    cancelled, completed).start();
            return;
        }
        JsonArray content = new JsonArray();
        if (thinking) {
            content.add(new JsonObject().put("reasoningContent", new JsonObject().put("reasoningText",
                    new JsonObject().put("text", AnthropicSim.THOUGHT).put("signature", AnthropicSim.SIGNATURE))));
        }
        if (reply.toolName() != null) {
            content.add(new JsonObject().put("toolUse", new JsonObject().put("toolUseId", "tooluse_sim0001")
                    .put("name", reply.toolName()).put("input", new JsonObject(reply.toolArguments()))));
        } else {
            content.add(new JsonObject().put("text", reply.text()));
            if (cited != null) content.add(new JsonObject().put("citationsContent", cited));
        }
        JsonObject answer = new JsonObject()
                .put("output", new JsonObject().put("message", new JsonObject().put("role", "assistant").put("content", content)))
                .put("stopReason", stop).put("usage", usage)
                .put("metrics", new JsonObject().put("latencyMs", 42));
        if (said != null) answer.put("additionalModelResponseFields", said);
        json(resp, 200, answer);
    }

    /**
     * The model's own response fields asked for by {@code additionalModelResponseFieldPaths}: Claude's
     * {@code /stop_sequence} (the sequence that stopped it, or null); null when nothing was asked.
     */
    private static JsonObject said(JsonObject body, String model, SimReply reply) {
        JsonArray paths = body.getJsonArray("additionalModelResponseFieldPaths");
        if (paths == null || !model.contains("anthropic.claude") || !paths.contains("/stop_sequence")) return null;
        return new JsonObject().put("stop_sequence", reply.stopSequence());
    }

    /**
     * Claude's own checks on the Anthropic fields Converse passes it in {@code additionalModelRequestFields}, as Bedrock
     * relays them: adaptive thinking on a Claude before 4.6 (Bedrock's adaptive-thinking page: "Older models (Claude Sonnet
     * 4.5, Claude Opus 4.5, etc.) do not support adaptive thinking") and {@code output_config.effort} on a model that takes
     * none or not that level (the simulator's Anthropic lists, {@link AnthropicSimParams#effort}); an older Claude on
     * Bedrock answers the field with "output_config.effort: Extra inputs are not permitted" (anthropics/claude-code-action
     * #1005); Opus 4.5's effort without the {@code effort-2025-11-24} beta in {@code anthropic_beta}. Null when Claude
     * takes them.
     */
    private static String claudeFields(JsonObject extra, String model) {
        if (extra == null) return null;
        String errors = "The model returned the following errors: ";
        if (extra.getValue("thinking") instanceof JsonObject t && "adaptive".equals(t.getValue("type"))
                && AnthropicSimParams.budgetOnly(model)) {
            return errors + "adaptive thinking is not supported on this model";
        }
        String effort = AnthropicSimParams.effort(extra.getValue("output_config"), model);
        if (effort == null && model.matches("(?:[a-z]{2,6}\\.)?anthropic\\.claude-opus-4-5(?!\\d).*")
                && extra.getValue("output_config") instanceof JsonObject c && c.containsKey("effort")
                && !(extra.getValue("anthropic_beta") instanceof JsonArray betas && betas.contains("effort-2025-11-24"))) {
            // Opus 4.5's effort on Bedrock is the effort-2025-11-24 beta's (coder/coder#25356; AWS's Opus 4.5 example sends
            // it); the words without it are the simulator's own, an unknown field's as Claude on Bedrock words it
            return errors + "output_config: Extra inputs are not permitted";
        }
        if (effort == null) return null;
        return errors + (effort.startsWith("This model does not support") ? "output_config.effort: Extra inputs are not permitted" : effort);
    }

    /** Claude on Bedrock with {@code additionalModelRequestFields.thinking} enabled: the answer starts with signed reasoning. */
    private static boolean thinks(JsonObject body, String model) {
        JsonObject extra = body.getJsonObject("additionalModelRequestFields");
        return model.contains("anthropic.claude") && extra != null && extra.getValue("thinking") instanceof JsonObject t
                && "enabled".equals(t.getValue("type"));
    }

    /**
     * Claude's rule for a tool loop with thinking on, as Bedrock passes it on: the last assistant turn, when it used
     * tools, starts with its reasoningContent; its words, or null.
     */
    private static String unsignedToolTurn(JsonArray messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonObject m = messages.getJsonObject(i);
            if (!"assistant".equals(m.getString("role"))) continue;
            JsonArray blocks = m.getJsonArray("content", new JsonArray());
            boolean uses = blocks.stream().anyMatch(b -> ((JsonObject) b).containsKey("toolUse"));
            if (!uses || blocks.getJsonObject(0).containsKey("reasoningContent")) return null;
            return "The model returned the following errors: messages." + i + ".content.0.type: Expected `thinking` or "
                    + "`redacted_thinking`, but found `" + (blocks.getJsonObject(0).containsKey("text") ? "text" : "tool_use")
                    + "`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding "
                    + "the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from "
                    + "previous turns. To avoid this requirement, disable `thinking`.";
        }
        return null;
    }

    /** The frames of a ConverseStream answer, each with AWS's padding field {@code p}. */
    /**
     * The stream's events; {@code cited} (a citationsContent block, or null) is streamed as Converse streams one: a block
     * of its own after the text, its text as {@code text} deltas, then its citation as a {@code citation} delta
     * ({@code {"title", "sourceContent": [{"text"}], "location"}}, CitationsDelta).
     */
    private static List<Buffer> events(SimReply reply, String stop, JsonObject said, JsonObject usage, boolean thinking, JsonObject cited) {
        List<Buffer> out = new ArrayList<>();
        out.add(frame("messageStart", new JsonObject().put("role", "assistant")));
        int at = 0;
        if (thinking) {
            out.add(frame("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0).put("delta", new JsonObject()
                    .put("reasoningContent", new JsonObject().put("text", AnthropicSim.THOUGHT)))));
            out.add(frame("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0).put("delta", new JsonObject()
                    .put("reasoningContent", new JsonObject().put("signature", AnthropicSim.SIGNATURE)))));
            out.add(frame("contentBlockStop", new JsonObject().put("contentBlockIndex", 0)));
            at = 1;
        }
        if (reply.toolName() != null) {
            out.add(frame("contentBlockStart", new JsonObject().put("contentBlockIndex", at).put("start", new JsonObject()
                    .put("toolUse", new JsonObject().put("toolUseId", "tooluse_sim0001").put("name", reply.toolName())))));
            String args = reply.toolArguments();
            // a call with no arguments: Claude's empty input pieces relayed as they are (what the gateway must survive),
            // not the "{}" its message holds
            if ("{}".equals(args)) args = "";
            int half = args.length() / 2;
            for (String piece : new String[] {args.substring(0, half), args.substring(half)}) {
                out.add(frame("contentBlockDelta", new JsonObject().put("contentBlockIndex", at)
                        .put("delta", new JsonObject().put("toolUse", new JsonObject().put("input", piece)))));
            }
        } else {
            for (String piece : reply.text().split("(?<= )")) {
                out.add(frame("contentBlockDelta", new JsonObject().put("contentBlockIndex", at)
                        .put("delta", new JsonObject().put("text", piece))));
            }
        }
        out.add(frame("contentBlockStop", new JsonObject().put("contentBlockIndex", at)));
        if (cited != null) {
            at++;
            for (Object c : cited.getJsonArray("content")) {
                out.add(frame("contentBlockDelta", new JsonObject().put("contentBlockIndex", at)
                        .put("delta", new JsonObject().put("text", ((JsonObject) c).getString("text")))));
            }
            for (Object c : cited.getJsonArray("citations")) {
                out.add(frame("contentBlockDelta", new JsonObject().put("contentBlockIndex", at)
                        .put("delta", new JsonObject().put("citation", ((JsonObject) c).copy()))));
            }
            out.add(frame("contentBlockStop", new JsonObject().put("contentBlockIndex", at)));
        }
        JsonObject messageStop = new JsonObject().put("stopReason", stop);
        if (said != null) messageStop.put("additionalModelResponseFields", said);
        out.add(frame("messageStop", messageStop));
        out.add(frame("metadata", new JsonObject().put("usage", usage).put("metrics", new JsonObject().put("latencyMs", 42))));
        return out;
    }

    static Buffer frame(String eventType, JsonObject payload) {
        Map<String, HeaderValue> h = new LinkedHashMap<>();
        h.put(":event-type", HeaderValue.fromString(eventType));
        h.put(":content-type", HeaderValue.fromString("application/json"));
        h.put(":message-type", HeaderValue.fromString("event"));
        payload.put("p", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ".substring(0, 1 + payload.encode().length() % 30));
        return bytes(new Message(h, payload.toBuffer().getBytes()));
    }

    static Buffer exceptionFrame(String exceptionType, String message) {
        Map<String, HeaderValue> h = new LinkedHashMap<>();
        h.put(":exception-type", HeaderValue.fromString(exceptionType));
        h.put(":content-type", HeaderValue.fromString("application/json"));
        h.put(":message-type", HeaderValue.fromString("exception"));
        return bytes(new Message(h, new JsonObject().put("message", message).toBuffer().getBytes()));
    }

    private static Buffer bytes(Message m) {
        java.nio.ByteBuffer b = m.toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return Buffer.buffer(out);
    }

    /**
     * Bedrock's usage: {@code inputTokens} without the cached part, the cache read or write beside it, and the total
     * of all four.
     */
    /** The prompt's tokens as a call's usage counts them, cached and cache-written ones included. */
    private static int promptTokens(JsonObject body, SimReply reply) {
        String prefix = BedrockSimValidation.cachedPrefix(body);
        int prefixTokens = prefix == null ? 0 : SimPromptCache.tokens(prefix);
        return Math.max(reply.promptTokens(), prefixTokens + 4);
    }

    /** The fields of CountTokens' {@code input.converse}: a Converse request's prompt. */
    private static final Set<String> COUNT_FIELDS = Set.of("messages", "system", "toolConfig", "additionalModelRequestFields");

    /**
     * {@code POST /model/{id}/count-tokens}: {@code {"inputTokens": N}}, N as a Converse call's usage counts the prompt;
     * Claude models only (a foundation model's id).
     */
    private void countTokens(HttpServerResponse resp, String model, JsonObject body) {
        if (!model.startsWith("anthropic.claude")) {
            error(resp, 400, "ValidationException", "The provided model doesn't support counting tokens.");
            return;
        }
        for (String k : body.fieldNames()) {
            if (!"input".equals(k)) {
                error(resp, 400, "ValidationException", "Malformed input request: extraneous key [" + k + "] is not permitted, please reformat your input and try again.");
                return;
            }
        }
        if (!(body.getValue("input") instanceof JsonObject input) || !(input.getValue("converse") instanceof JsonObject converse)
                || input.size() != 1) {
            error(resp, 400, "ValidationException", "Malformed input request: input must hold exactly one of converse or invokeModel.");
            return;
        }
        String invalid = BedrockSimValidation.converse(converse, model, COUNT_FIELDS, BLOCK_TYPES);
        if (invalid != null) {
            error(resp, 400, "ValidationException", invalid);
            return;
        }
        json(resp, 200, new JsonObject().put("inputTokens", promptTokens(converse, SimReply.to(asOpenAi(converse), 1))));
    }

    private JsonObject usage(JsonObject body, String model, SimReply reply) {
        String prefix = BedrockSimValidation.cachedPrefix(body);
        int prefixTokens = prefix == null ? 0 : SimPromptCache.tokens(prefix);
        int total = promptTokens(body, reply);
        int read = 0, write = 0;
        if (prefixTokens >= SimPromptCache.MIN_TOKENS) {
            if (cache.readOrWrite("bedrock:" + model + ":" + prefix)) read = prefixTokens;
            else write = prefixTokens;
        }
        JsonObject usage = new JsonObject().put("inputTokens", total - read - write).put("outputTokens", reply.completionTokens())
                .put("totalTokens", total + reply.completionTokens())
                .put("cacheReadInputTokens", read).put("cacheWriteInputTokens", write);
        if (write > 0) {
            // the writes by lifetime, 1h before 5m, as Converse's TokenUsage.cacheDetails lists them
            String hourPrefix = BedrockSimValidation.cachedPrefix(body, true);
            int hour = hourPrefix == null ? 0 : Math.min(write, SimPromptCache.tokens(hourPrefix));
            JsonArray details = new JsonArray();
            if (hour > 0) details.add(new JsonObject().put("ttl", "1h").put("inputTokens", hour));
            if (write > hour) details.add(new JsonObject().put("ttl", "5m").put("inputTokens", write - hour));
            usage.put("cacheDetails", details);
        }
        return usage;
    }

    /** Titan ({@code inputText}) and Cohere ({@code texts}) embeddings, InvokeModel's bodies. */
    private void invoke(HttpServerResponse resp, String model, JsonObject body) {
        if (model.contains("titan-embed")) {
            String text = body.getString("inputText");
            if (text == null || text.isEmpty()) {
                error(resp, 400, "ValidationException", "Malformed input request: #: required key [inputText] not found, please reformat your input and try again.");
                return;
            }
            for (String k : body.fieldNames()) {
                if (!Set.of("inputText", "dimensions", "normalize", "embeddingTypes").contains(k)) {
                    error(resp, 400, "ValidationException", "Malformed input request: #: extraneous key [" + k + "] is not permitted, please reformat your input and try again.");
                    return;
                }
            }
            int dims = body.getInteger("dimensions", 1024);
            if (dims != 256 && dims != 512 && dims != 1024) {
                error(resp, 400, "ValidationException", "Malformed input request: #/dimensions: " + dims + " is not a valid enum value, please reformat your input and try again.");
                return;
            }
            JsonArray v = new JsonArray();
            for (float f : vector(text, dims)) v.add(f);
            json(resp, 200, new JsonObject().put("embedding", v).put("inputTextTokenCount", SimReply.tokens(text)));
            return;
        }
        if (model.contains("cohere.embed")) {
            JsonArray texts = body.getJsonArray("texts");
            if (texts == null || body.getString("input_type") == null) {
                error(resp, 400, "ValidationException", "Malformed input request: #: required key [" + (texts == null ? "texts" : "input_type")
                        + "] not found, please reformat your input and try again.");
                return;
            }
            if (texts.size() > 96) { // the request schema's maxItems
                error(resp, 400, "ValidationException", "Malformed input request: #/texts: expected maximum item count: 96, found: "
                        + texts.size() + ", please reformat your input and try again.");
                return;
            }
            JsonArray all = new JsonArray();
            int tokens = 0;
            for (Object t : texts) {
                JsonArray v = new JsonArray();
                for (float f : vector(t.toString(), 1024)) v.add(f);
                all.add(v);
                tokens += SimReply.tokens(t.toString());
            }
            resp.putHeader("X-Amzn-Bedrock-Input-Token-Count", Integer.toString(tokens));
            json(resp, 200, new JsonObject().put("embeddings", all).put("id", UUID.randomUUID().toString())
                    .put("response_type", "embeddings_floats").put("texts", texts));
            return;
        }
        error(resp, 400, "ValidationException", "The provided model identifier is invalid.");
    }

    private static float[] vector(String text, int dims) {
        float[] v = new float[dims];
        long seed = text.hashCode();
        for (int i = 0; i < dims; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            v[i] = (float) (((seed >>> 11) / (double) (1L << 53)) * 2 - 1);
        }
        return v;
    }

    /** The Converse request reshaped for the shared reply logic. */
    private static JsonObject asOpenAi(JsonObject body) {
        JsonArray messages = new JsonArray();
        for (Object s : body.getJsonArray("system", new JsonArray())) {
            String text = ((JsonObject) s).getString("text");
            if (text != null) messages.add(new JsonObject().put("role", "system").put("content", text));
        }
        for (Object o : body.getJsonArray("messages")) {
            JsonObject m = (JsonObject) o;
            String role = m.getString("role");
            JsonArray parts = new JsonArray();
            for (Object b : m.getJsonArray("content")) {
                JsonObject block = (JsonObject) b;
                if (block.containsKey("text")) parts.add(new JsonObject().put("type", "text").put("text", block.getString("text")));
                if (block.containsKey("image")) parts.add(new JsonObject().put("type", "image_url"));
                if (block.containsKey("document")) {
                    JsonObject d = block.getJsonObject("document");
                    String mime = "txt".equals(d.getString("format")) ? "text/plain" : "application/" + d.getString("format");
                    parts.add(new JsonObject().put("type", "file").put("file", new JsonObject().put("file_data", "data:" + mime
                            + ";base64," + d.getJsonObject("source").getString("bytes"))));
                }
                if (block.containsKey("toolResult")) {
                    role = "tool";
                    StringBuilder sb = new StringBuilder();
                    for (Object c : block.getJsonObject("toolResult").getJsonArray("content", new JsonArray())) {
                        JsonObject cj = (JsonObject) c;
                        // text and json are what a model reads as the result's words; an image or document is not text
                        if (cj.containsKey("text")) sb.append(cj.getString("text"));
                        else if (cj.containsKey("json")) sb.append(String.valueOf(cj.getValue("json")));
                    }
                    parts.add(new JsonObject().put("type", "text").put("text", sb.toString()));
                }
            }
            messages.add(new JsonObject().put("role", role).put("content", parts));
        }
        JsonObject out = new JsonObject().put("messages", messages);
        JsonObject inference = body.getJsonObject("inferenceConfig");
        if (inference != null && inference.getValue("maxTokens") instanceof Number n) out.put("max_tokens", n);
        if (inference != null && inference.getValue("stopSequences") instanceof JsonArray stops) out.put("stop", stops);
        JsonObject toolConfig = body.getJsonObject("toolConfig");
        if (toolConfig != null) {
            JsonArray fns = new JsonArray();
            for (Object t : toolConfig.getJsonArray("tools", new JsonArray())) {
                JsonObject spec = ((JsonObject) t).getJsonObject("toolSpec");
                if (spec == null) continue; // a cachePoint among the tools
                fns.add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", spec.getString("name"))
                        .put("description", spec.getValue("description"))
                        .put("parameters", spec.getJsonObject("inputSchema").getJsonObject("json"))));
            }
            if (!fns.isEmpty()) out.put("tools", fns);
            JsonObject choice = toolConfig.getJsonObject("toolChoice");
            if (choice != null && choice.containsKey("tool")) {
                out.put("tool_choice", new JsonObject().put("type", "function")
                        .put("function", new JsonObject().put("name", choice.getJsonObject("tool").getString("name"))));
            }
        }
        return out;
    }

    private static void fault(HttpServerResponse resp, SimBehaviour b) {
        if (b.retryAfterSeconds() > 0) resp.putHeader("retry-after", Long.toString(b.retryAfterSeconds()));
        switch (b.status()) {
            case 429 -> error(resp, 429, "ThrottlingException", "Too many requests, please wait before trying again.");
            // Bedrock has no content-policy error: a guardrail answers 200 with stopReason guardrail_intervened
            case 400 -> error(resp, 400, "ValidationException", switch (b.errorOr400()) {
                case SimBehaviour.INVALID_REQUEST -> "The provided request is not valid: inferenceConfig.temperature must be between 0 and 1.";
                // Claude's own refusal, as Bedrock passes a model's errors on
                case SimBehaviour.CONTEXT_LIMIT -> "The model returned the following errors: " + AnthropicSim.CONTEXT_LIMIT_MESSAGE;
                default -> "Input is too long for requested model.";
            });
            case 401 -> error(resp, 403, "UnrecognizedClientException", "The security token included in the request is invalid.");
            case 403 -> error(resp, 403, "AccessDeniedException", "You don't have access to the model with the specified model ID.");
            case 404 -> error(resp, 404, "ResourceNotFoundException", "Could not resolve the foundation model from the provided model identifier.");
            case 408 -> error(resp, 408, "ModelTimeoutException", "Model has timed out in processing the request. Try your request again.");
            case 424 -> error(resp, 424, "ModelErrorException", "The system encountered an unexpected error during processing. Try your request again.");
            case 425 -> error(resp, 429, "ModelNotReadyException", "Model is not ready for inference. Wait and try your request again.");
            case 503 -> error(resp, 503, "ServiceUnavailableException", "Bedrock is unable to process your request.");
            default -> error(resp, b.status(), "InternalServerException", "The server encountered an internal error while processing the request.");
        }
    }

    /** AWS's JSON error: the exception's name (with its namespace) in x-amzn-ErrorType, {"message"} as the body. */
    static void error(HttpServerResponse resp, int status, String type, String message) {
        resp.setStatusCode(status).putHeader("content-type", "application/json")
                .putHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
                .putHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                .end(new JsonObject().put("message", message).toBuffer());
    }

    private static void json(HttpServerResponse resp, int status, JsonObject body) {
        resp.setStatusCode(status).putHeader("content-type", "application/json")
                .putHeader("x-amzn-RequestId", UUID.randomUUID().toString()).end(body.toBuffer());
    }
}
