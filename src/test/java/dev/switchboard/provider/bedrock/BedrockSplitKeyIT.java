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
        UpstreamHttp http = new UpstreamHttp(vertx, 4);
        UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + server.actualPort(), "test/bedrock");
        Promise<List<String>> done = Promise.promise();
        List<String> texts = new ArrayList<>();
        vertx.runOnContext(v -> http.send(endpoint, endpoint.pathFor("/model/m/converse-stream"), MultiMap.caseInsensitiveMultiMap(),
                Buffer.buffer("{}"), Duration.ofSeconds(5), new CallOptions(Duration.ofSeconds(5))).onComplete(ar -> {
            if (ar.failed()) {
                done.fail(ar.cause());
                return;
            }
            BedrockStream s = new BedrockStream(ar.result(), endpoint, KeyScrubber.of(List.of(SECRET)), "d1", "m", SECRET, List.of());
            s.start(new ChunkSink() {
                @Override public void chunk(ChatChunk chunk) {
                    for (ChunkChoice c : chunk.choices()) if (c.delta() != null && c.delta().content() != null) texts.add(c.delta().content());
                }
                @Override public void flush() { }
                @Override public void end() { done.tryComplete(texts); }
                @Override public void fail(GatewayException error) { done.tryFail(error); }
                @Override public boolean writeQueueFull() { return false; }
                @Override public void drainHandler(Runnable onDrain) { }
            });
        }));
        List<String> out = done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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
}
