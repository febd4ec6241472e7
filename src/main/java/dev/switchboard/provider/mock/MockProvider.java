package dev.switchboard.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Delta;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.EmbeddingProvider;
import dev.switchboard.provider.Provider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Deterministic in-process answers: the same request gives the same text and the same token counts, so a
 * demo or a user's test can assert on them. Calls a tool when tool_choice demands one.
 */
final class MockProvider implements Provider, EmbeddingProvider {
    private static final int MAX_NUMBERS = 1 << 22;
    private final Deployment deployment;
    private final MockBehaviour behaviour;
    private final Vertx vertx;

    MockProvider(Deployment deployment, MockBehaviour behaviour, Vertx vertx) {
        this.deployment = deployment;
        this.behaviour = behaviour;
        this.vertx = vertx;
    }

    @Override
    public Future<ChatResponse> chat(ChatRequest request, CallOptions options) {
        GatewayException fault = fault();
        if (fault != null) return later(Future.failedFuture(fault), options);
        Reply r = reply(request);
        Message msg = new Message(Role.ASSISTANT, r.toolCall == null ? List.of(ContentPart.Text.of(r.text)) : List.of(),
                null, r.toolCall == null ? List.of() : List.of(r.toolCall), null, null, null);
        ChatResponse resp = new ChatResponse(id(), now(), deployment.model(),
                List.of(new Choice(0, msg, r.finish, null)), r.usage, null, null);
        return later(Future.succeededFuture(resp), options);
    }

    @Override
    public Future<ChatStream> stream(ChatRequest request, CallOptions options) {
        GatewayException fault = fault();
        if (fault != null) return later(Future.failedFuture(fault), options);
        // a stream waits for its first byte and between chunks as long as a real upstream stream would: stream_timeout
        java.time.Duration idle = options.timeoutOr(deployment.streamIdleTimeout());
        return later(Future.succeededFuture(new MockStream(chunks(reply(request)), idle)), idle);
    }

    @Override
    public Future<EmbeddingResponse> embed(EmbeddingRequest request, CallOptions options) {
        List<String> inputs = new ArrayList<>();
        JsonNode input = request.input();
        // OpenAI's input: a string, a list of strings, one token array, or a list of token arrays
        boolean oneTokenArray = input.isArray() && !input.isEmpty() && input.get(0).isNumber();
        if (input.isTextual() || oneTokenArray) inputs.add(input.isTextual() ? input.textValue() : input.toString());
        else input.forEach(n -> inputs.add(n.isTextual() ? n.textValue() : n.toString()));
        int dims = request.dimensions() != null ? request.dimensions() : 16;
        if ((long) dims * inputs.size() > MAX_NUMBERS) {
            // the mock builds its answer in memory: a request must not make it allocate gigabytes
            return Future.failedFuture(GatewayException.badRequest("The mock provider answers at most " + MAX_NUMBERS
                    + " numbers per embeddings request (dimensions x inputs).", "dimensions"));
        }
        boolean base64 = "base64".equals(request.encodingFormat());
        List<EmbeddingResponse.Item> items = new ArrayList<>();
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            ArrayNode v = vector(inputs.get(i), dims);
            items.add(new EmbeddingResponse.Item(i, base64 ? base64(v) : v));
            tokens += tokens(inputs.get(i));
        }
        return later(Future.succeededFuture(new EmbeddingResponse(deployment.model(), items,
                new Usage(tokens, 0, 0, 0, 0))), options);
    }

    private record Reply(String text, ToolCall toolCall, FinishReason finish, Usage usage) {}

    private Reply reply(ChatRequest req) {
        int promptTokens = 0;
        String lastUser = "";
        for (Message m : req.messages()) {
            promptTokens += 4 + tokens(m.textContent());
            if (m.role() == Role.USER) lastUser = m.textContent();
        }
        Tool tool = forcedTool(req);
        if (tool != null) {
            ToolCall call = new ToolCall("call_mock_" + Integer.toHexString(Math.abs(lastUser.hashCode())), tool.name(), "{}");
            return new Reply(null, call, FinishReason.TOOL_CALLS, new Usage(promptTokens, 8, 0, 0, 0));
        }
        String text = behaviour.fixedText() != null ? behaviour.fixedText()
                : "This is a mock response from " + deployment.id() + ". You said: "
                + (lastUser.length() > 200 ? lastUser.substring(0, 200) + "…" : lastUser);
        Integer limit = req.outputTokenLimit();
        FinishReason finish = FinishReason.STOP;
        if (limit != null && tokens(text) > limit) {
            text = text.substring(0, Math.min(text.length(), limit * 4));
            finish = FinishReason.LENGTH;
        }
        return new Reply(text, null, finish, new Usage(promptTokens, tokens(text), 0, 0, 0));
    }

    private static Tool forcedTool(ChatRequest req) {
        ToolChoice c = req.toolChoice();
        if (req.tools().isEmpty() || c == null) return null;
        if (c.mode() == ToolChoice.Mode.REQUIRED) return req.tools().get(0);
        if (c.mode() == ToolChoice.Mode.FUNCTION) {
            for (Tool t : req.tools()) if (t.name().equals(c.functionName())) return t;
        }
        return null;
    }

    private List<ChatChunk> chunks(Reply r) {
        String id = id();
        long created = now();
        List<ChatChunk> out = new ArrayList<>();
        out.add(chunk(id, created, new Delta(Role.ASSISTANT, r.toolCall == null ? "" : null, null, null, null), null));
        if (r.toolCall != null) {
            out.add(chunk(id, created, new Delta(null, null, null, null,
                    List.of(new ToolCallDelta(0, r.toolCall.id(), r.toolCall.name(), r.toolCall.arguments()))), null));
        } else {
            for (String piece : r.text.split("(?<= )")) {
                out.add(chunk(id, created, new Delta(null, piece, null, null, null), null));
            }
        }
        out.add(chunk(id, created, Delta.EMPTY, r.finish));
        out.add(new ChatChunk(id, created, deployment.model(), List.of(), r.usage, null, null));
        return out;
    }

    private ChatChunk chunk(String id, long created, Delta delta, FinishReason finish) {
        return new ChatChunk(id, created, deployment.model(), List.of(new ChunkChoice(0, delta, finish, null)),
                null, null, null);
    }

    /** Delivers the prepared chunks with the configured delay, pausing while the client cannot keep up. */
    private final class MockStream implements ChatStream {
        private final List<ChatChunk> chunks;
        private int next;
        private boolean cancelled;
        private ChunkSink sink;
        /** The longest wait between two chunks before the stream fails as timed out, as an idle upstream's; null for none. */
        private final java.time.Duration idle;

        MockStream(List<ChatChunk> chunks, java.time.Duration idle) {
            this.chunks = chunks;
            this.idle = idle;
        }

        @Override
        public void start(ChunkSink sink) {
            this.sink = sink;
            vertx.runOnContext(v -> pump());
        }

        private void pump() {
            while (!cancelled && next < chunks.size()) {
                sink.chunk(chunks.get(next++));
                if (sink.writeQueueFull()) {
                    sink.flush();
                    sink.drainHandler(this::pump);
                    return;
                }
                if (behaviour.chunkDelayMs() > 0 && next < chunks.size()) {
                    sink.flush();
                    if (idle != null && idle.toMillis() < behaviour.chunkDelayMs()) { // the next chunk comes too late
                        vertx.setTimer(Math.max(1, idle.toMillis()), t -> timedOut());
                        return;
                    }
                    vertx.setTimer(behaviour.chunkDelayMs(), t -> pump());
                    return;
                }
            }
            if (!cancelled && next == chunks.size()) {
                next++;
                sink.end();
            }
        }

        /** The stream was idle longer than its stream_timeout: it breaks as a real upstream's does (UpstreamHttp). */
        private void timedOut() {
            if (cancelled) return;
            cancelled = true;
            sink.fail(GatewayException.of(ErrorKind.TIMEOUT, "Upstream " + deployment.id() + " did not answer in time ("
                    + "mock_chunk_delay_ms " + behaviour.chunkDelayMs() + " is longer than the stream timeout of "
                    + idle.toMillis() + " ms)."));
        }

        @Override
        public void cancel() { cancelled = true; }
    }

    private GatewayException fault() {
        if (behaviour.fault() == null || ThreadLocalRandom.current().nextDouble() >= behaviour.faultRate()) return null;
        String who = "Mock " + deployment.id() + ": ";
        return switch (behaviour.fault()) {
            case "rate_limit" -> new GatewayException(ErrorKind.RATE_LIMIT, 429, who + "rate limit reached (mock_fault).",
                    null, "rate_limit_exceeded", "rate_limit_error", 1L);
            case "timeout" -> GatewayException.of(ErrorKind.TIMEOUT, who + "timed out (mock_fault).");
            case "overloaded" -> GatewayException.of(ErrorKind.UNAVAILABLE, who + "overloaded (mock_fault).");
            case "context_window" -> new GatewayException(ErrorKind.BAD_REQUEST, 400, who
                    + "this model's maximum context length was exceeded (mock_fault).", "messages",
                    "context_length_exceeded", "invalid_request_error", null);
            case "content_policy" -> new GatewayException(ErrorKind.BAD_REQUEST, 400, who
                    + "the request was rejected by the content policy (mock_fault).", null,
                    "content_policy_violation", "invalid_request_error", null);
            default -> GatewayException.of(ErrorKind.UPSTREAM, who + "internal server error (mock_fault).");
        };
    }

    /**
     * The value after {@code mock_latency_ms}, or a 504 once the call's timeout (the request's, else the
     * deployment's {@code timeout}) runs out first, as a real upstream that slow would give.
     */
    private <T> Future<T> later(Future<T> value, CallOptions options) {
        return later(value, options.timeoutOr(deployment.timeout()));
    }

    /** {@link #later(Future, CallOptions)} with the timeout given: a stream's is its {@code stream_timeout}. */
    private <T> Future<T> later(Future<T> value, java.time.Duration timeout) {
        if (behaviour.latencyMs() <= 0) return value;
        if (timeout != null && timeout.toMillis() < behaviour.latencyMs()) {
            Promise<T> p = Promise.promise();
            vertx.setTimer(Math.max(1, timeout.toMillis()), t -> p.fail(GatewayException.of(ErrorKind.TIMEOUT,
                    "Upstream " + deployment.id() + " did not answer within " + timeout.toMillis() + " ms (mock_latency_ms "
                            + behaviour.latencyMs() + ").")));
            return p.future();
        }
        Promise<T> p = Promise.promise();
        vertx.setTimer(behaviour.latencyMs(), t -> value.onComplete(p));
        return p.future();
    }

    /** About four characters a token, as tokenizers average on English; deterministic. */
    static int tokens(String text) { return text == null || text.isEmpty() ? 0 : (text.length() + 3) / 4; }

    /** OpenAI's base64 form: the float32 values, little-endian, base64-encoded. */
    private static JsonNode base64(ArrayNode vector) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(vector.size() * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (JsonNode x : vector) bytes.putFloat(x.floatValue());
        return JsonNodeFactory.instance.textNode(java.util.Base64.getEncoder().encodeToString(bytes.array()));
    }

    private static ArrayNode vector(String text, int dims) {
        double[] v = new double[dims];
        long seed = text.hashCode();
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            v[i] = ((seed >>> 11) / (double) (1L << 53)) * 2 - 1;
            norm += v[i] * v[i];
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode(dims);
        for (double x : v) out.add((float) (x / Math.sqrt(norm)));
        return out;
    }

    private String id() { return "chatcmpl-mock" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 4); }

    private static long now() { return System.currentTimeMillis() / 1000; }
}
