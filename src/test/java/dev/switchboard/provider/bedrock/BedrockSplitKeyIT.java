package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * QA's Finding 1 for Bedrock's binary event stream, through a real socket: the deployment's secret key streamed in
 * Converse text deltas of QA's sizes. Before, a delta of 7 characters or fewer after one the per-event scan masked went
 * out unmasked; now the text is {@code *} from the delta that holds the key's 8th character on.
 */
class BedrockSplitKeyIT {
    static final String SECRET = "wJalrXUtnFEMIbPxRfiCYQsplit77";
    Vertx vertx;
    HttpServer server;
    List<Integer> sizes;
    /** The frames the server answers with; null: the text delta stream of {@link #sizes}. */
    Buffer answer;

    static byte[] frame(String type, String json) {
        Map<String, HeaderValue> h = new LinkedHashMap<>();
        h.put(":message-type", HeaderValue.fromString("event"));
        h.put(":event-type", HeaderValue.fromString(type));
        h.put(":content-type", HeaderValue.fromString("application/json"));
        ByteBuffer b = new Message(h, json.getBytes(StandardCharsets.UTF_8)).toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> {
            if (answer != null) {
                req.response().putHeader("content-type", "application/vnd.amazon.eventstream").end(answer);
                return;
            }
            String text = "Here: " + SECRET + " end";
            Buffer body = Buffer.buffer(frame("messageStart", "{\"role\":\"assistant\"}"));
            int at = 0;
            for (int k = 0; at < text.length(); k++) {
                int to = k < sizes.size() ? Math.min(text.length(), at + sizes.get(k)) : text.length();
                body.appendBytes(frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\""
                        + text.substring(at, to) + "\"}}"));
                at = to;
            }
            body.appendBytes(frame("contentBlockStop", "{\"contentBlockIndex\":0}"));
            body.appendBytes(frame("messageStop", "{\"stopReason\":\"end_turn\"}"));
            body.appendBytes(frame("metadata", "{\"usage\":{\"inputTokens\":1,\"outputTokens\":5,\"totalTokens\":6}}"));
            req.response().putHeader("content-type", "application/vnd.amazon.eventstream").end(body);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** The text a client gets, delta by delta. */
    List<String> stream(Integer... split) throws Exception {
        sizes = List.of(split);
        List<String> content = new ArrayList<>();
        for (ChatChunk c : chunks()) {
            for (ChunkChoice ch : c.choices()) if (ch.delta() != null && ch.delta().content() != null) content.add(ch.delta().content());
        }
        return content;
    }

    /** The chunks the stream gives, in order. */
    List<ChatChunk> chunks() throws Exception {
        UpstreamHttp http = new UpstreamHttp(vertx, 4);
        UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + server.actualPort(), "test/bedrock");
        Promise<List<ChatChunk>> done = Promise.promise();
        List<ChatChunk> texts = new ArrayList<>();
        vertx.runOnContext(v -> http.send(endpoint, endpoint.pathFor("/model/m/converse-stream"), MultiMap.caseInsensitiveMultiMap(),
                Buffer.buffer("{}"), Duration.ofSeconds(5), new CallOptions(Duration.ofSeconds(5))).onComplete(ar -> {
            if (ar.failed()) {
                done.fail(ar.cause());
                return;
            }
            BedrockStream s = new BedrockStream(ar.result(), endpoint, KeyScrubber.of(List.of(SECRET)), "d1", "m", SECRET, List.of());
            s.start(new ChunkSink() {
                @Override public void chunk(ChatChunk chunk) { texts.add(chunk); }
                @Override public void flush() { }
                @Override public void end() { done.tryComplete(texts); }
                @Override public void fail(GatewayException error) { done.tryFail(error); }
                @Override public boolean writeQueueFull() { return false; }
                @Override public void drainHandler(Runnable onDrain) { }
            });
        }));
        List<ChatChunk> out = done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        http.close();
        return out;
    }

    @Test
    void smallDeltasAfterAMaskedOneStayMasked() throws Exception {
        String stars = "*".repeat(SECRET.length());
        assertThat(String.join("", stream(9, 11, 7, 8))).isEqualTo("Here: wJa" + stars.substring(3) + " end");
        assertThat(String.join("", stream(14, 7, 8))).isEqualTo("Here: " + stars + " end");
        assertThat(String.join("", stream(6, 8, 7, 7, 7))).isEqualTo("Here: " + stars + " end");
        assertThat(String.join("", stream(9, 10, 7))).isEqualTo("Here: wJa" + stars.substring(3) + " end");
        Integer[] ones = new Integer[50];
        java.util.Arrays.fill(ones, 1);
        assertThat(String.join("", stream(ones))).isEqualTo("Here: wJalrXU" + stars.substring(7) + " end");
    }

    /** {@code text} cut into pieces of 1, 2 and 3 characters, starting at {@code phase} in that cycle. */
    static List<String> smallPieces(String text, int phase) {
        List<String> out = new ArrayList<>();
        for (int i = 0, k = phase; i < text.length(); k++) {
            int to = Math.min(text.length(), i + 1 + k % 3);
            out.add(text.substring(i, to));
            i = to;
        }
        return out;
    }

    /**
     * The secret in pieces of 1 to 3 characters in reasoning deltas, then in two tool calls' input deltas streamed side
     * by side (blocks 1 and 2): each is masked from the secret's 8th character, and each input is still JSON. Before,
     * reasoning was scanned event by event only and tool input not across events: every piece passed.
     */
    @Test
    void reasoningAndToolInputPiecesAreMasked() throws Exception {
        Buffer body = Buffer.buffer(frame("messageStart", "{\"role\":\"assistant\"}"));
        for (String piece : smallPieces("think " + SECRET + " done", 0)) {
            body.appendBytes(frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\""
                    + piece + "\"}}}"));
        }
        for (int block = 1; block <= 2; block++) {
            body.appendBytes(frame("contentBlockStart", "{\"contentBlockIndex\":" + block + ",\"start\":{\"toolUse\":{\"toolUseId\":\"t"
                    + block + "\",\"name\":\"f\"}}}"));
        }
        String input = "{\"k\":\"" + SECRET + "\",\"n\":1}";
        List<String> a = smallPieces(input, 1), b = smallPieces(input, 2);
        for (int k = 0; k < Math.max(a.size(), b.size()); k++) {
            for (int block = 1; block <= 2; block++) {
                List<String> p = block == 1 ? a : b;
                if (k >= p.size()) continue;
                body.appendBytes(frame("contentBlockDelta", "{\"contentBlockIndex\":" + block + ",\"delta\":{\"toolUse\":{\"input\":"
                        + io.vertx.core.json.Json.encode(p.get(k)) + "}}}"));
            }
        }
        body.appendBytes(frame("messageStop", "{\"stopReason\":\"tool_use\"}"));
        body.appendBytes(frame("metadata", "{\"usage\":{\"inputTokens\":1,\"outputTokens\":5,\"totalTokens\":6}}"));
        answer = body;
        StringBuilder reasoning = new StringBuilder();
        Map<Integer, StringBuilder> inputs = new java.util.TreeMap<>();
        for (ChatChunk c : chunks()) {
            for (ChunkChoice ch : c.choices()) {
                if (ch.delta() == null) continue;
                if (ch.delta().reasoning() != null) reasoning.append(ch.delta().reasoning());
                for (dev.switchboard.model.ToolCallDelta t : ch.delta().toolCalls()) {
                    inputs.computeIfAbsent(t.index(), i -> new StringBuilder()).append(t.argumentsFragment());
                }
            }
        }
        String stars = "*".repeat(SECRET.length());
        // pieces 1, 2, 3, 1, 2, 3: "think " then "w", "Ja", "lrX", "U", "tn": the 8th character is in "tn"
        assertThat(reasoning.toString()).isEqualTo("think wJalrXU" + stars.substring(7) + " done");
        assertThat(inputs).hasSize(2);
        for (StringBuilder in : inputs.values()) {
            io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(in.toString()); // still JSON
            String k = json.getString("k");
            int first = k.indexOf('*');
            assertThat(first).as(in.toString()).isBetween(5, 7);
            assertThat(k).isEqualTo(SECRET.substring(0, first) + stars.substring(first));
            assertThat(json.getInteger("n")).isEqualTo(1);
        }
    }
}
