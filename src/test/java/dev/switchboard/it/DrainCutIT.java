package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.RawPost;
import dev.switchboard.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Streams still open when the shutdown drain runs out (QA finding 3; chat completions, messages and the Responses
 * API): each client gets its dialect's error event (a 503,
 * "the gateway is shutting down", code {@code gateway_shutting_down}) before the connection closes, never a bare close,
 * and the ledger and the request log record the gateway's cut (503), not the client leaving (499), with the rows
 * written before the gateway is gone. The drain is shortened to 4 s (the cut comes 2 s before its end); the streams
 * would run for a minute.
 */
class DrainCutIT {
    @Test
    void streamsOpenAtTheEndOfTheDrainGetTheGatewaysErrorEventAndTheLedgerSaysSo() throws Exception {
        String db = TestGateway.tempDatabase();
        TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%s"
                """.formatted(db));
        gw.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.longSlowStream(200, 300));
        gw.simulator.behaveAlways("claude-sonnet-4-5", SimBehaviour.longSlowStream(200, 300));
        boolean closed = false;
        try (Socket openai = RawPost.open(gw, "/v1/chat/completions",
                "{\"model\":\"gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"long\"}]}");
             Socket anthropic = RawPost.open(gw, "/v1/messages",
                "{\"model\":\"claude\",\"max_tokens\":4000,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"long\"}]}");
             Socket responses = RawPost.open(gw, "/v1/responses", "{\"model\":\"gpt\",\"stream\":true,\"input\":\"long\"}")) {
            StringBuilder a = new StringBuilder(), b = new StringBuilder(), c = new StringBuilder();
            readUntil(openai, a, "data: ");
            readUntil(anthropic, b, "data: ");
            readUntil(responses, c, "output_text.delta");
            long stopAt = System.nanoTime();
            var closing = gw.server.close(Duration.ofSeconds(4));
            String openaiTail = a + readToEnd(openai);
            String anthropicTail = b + readToEnd(anthropic);
            String responsesTail = c + readToEnd(responses);
            // the streams had the drain's time to finish: cut 2 s before its end, not when the stop began
            assertThat((System.nanoTime() - stopAt) / 1_000_000).as("ms from the stop to the streams' end").isGreaterThanOrEqualTo(1_500);
            assertThat(openaiTail).as("the OpenAI stream's end").contains("\"code\":\"gateway_shutting_down\"")
                    .contains("shutting down").doesNotContain("[DONE]");
            assertThat(anthropicTail).as("the Anthropic stream's end").contains("event: error").contains("overloaded_error")
                    .contains("shutting down").doesNotContain("message_stop");
            assertThat(responsesTail).as("the Responses stream's end").contains("response.failed")
                    .contains("gateway_shutting_down").doesNotContain("response.completed");
            TestGateway.await(closing);
            gw.close(); // the gateway's shutdown writes what the ledger holds, as the SIGTERM hook does after the drain
            closed = true;
        } finally {
            if (!closed) gw.close();
        }
        List<String> rows = rows(db);
        assertThat(rows).as("the streams' rows: the gateway's cut, for the ledger and the log")
                .containsExactlyInAnyOrder("gpt:503:service_unavailable:503", "claude:503:service_unavailable:503",
                        "gpt:503:service_unavailable:503");
    }

    /**
     * A call still unanswered at the drain's cut (a non-stream call, and a stream whose upstream has not answered yet)
     * gets the gateway's 503 in its dialect, not a bare close, and the ledger records the 503 with the prompt priced at
     * the gateway's estimate (the deployment had it), not the client leaving.
     */
    @Test
    void callsStillUnansweredAtTheEndOfTheDrainGetTheGatewaysError() throws Exception {
        String db = TestGateway.tempDatabase();
        TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%s"
                """.formatted(db));
        gw.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.slowFirstByte(60_000));
        gw.simulator.behaveAlways("claude-sonnet-4-5", SimBehaviour.slowFirstByte(60_000));
        boolean closed = false;
        try (Socket openai = RawPost.open(gw, "/v1/chat/completions",
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"slow\"}]}");
             Socket anthropic = RawPost.open(gw, "/v1/messages",
                "{\"model\":\"claude\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"slow\"}]}")) {
            // both calls have reached the upstream, which answers neither: received() records a request only once its
            // answer begins (after the slow first byte), so waiting on it waited out the whole 10 s deadline every run
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (gw.simulator.arrivals() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(gw.simulator.arrivals()).as("both calls at the upstream before the stop").isEqualTo(2);
            var closing = gw.server.close(Duration.ofSeconds(4));
            String openaiAnswer = readToEnd(openai);
            String anthropicAnswer = readToEnd(anthropic);
            assertThat(openaiAnswer).as("the OpenAI call's answer").startsWith("HTTP/1.1 503")
                    .contains("\"code\":\"gateway_shutting_down\"").contains("still unanswered");
            assertThat(anthropicAnswer).as("the Anthropic stream that had not begun").startsWith("HTTP/1.1 503")
                    .contains("overloaded_error").contains("shutting down");
            TestGateway.await(closing);
            gw.close();
            closed = true;
        } finally {
            if (!closed) gw.close();
        }
        List<String> out = new ArrayList<>();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             var ps = c.prepareStatement("SELECT requested_model, status, error_type, usage_estimated, cost_nanos > 0 FROM spend_logs"
                     + " WHERE attempt = 0");
             var rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1) + ":" + rs.getInt(2) + ":" + rs.getString(3) + ":" + rs.getBoolean(4) + ":" + rs.getBoolean(5));
        }
        assertThat(out).as("the gateway's stop, the prompt priced at the estimate")
                .containsExactlyInAnyOrder("gpt:503:service_unavailable:true:true", "claude:503:service_unavailable:true:true");
    }

    /**
     * A stream whose upstream answers only after the stop began (review finding): Vert.x calls a connection's shutdown
     * handler once, at the stop's start, so the stream times its own cut then; it still ends with the error event, not
     * a bare close at the drain's end.
     */
    @Test
    void aStreamThatBeginsAfterTheStopBeganStillGetsTheErrorEvent() throws Exception {
        TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        // the first byte after 1.5 s, then a chunk every 200 ms for a minute
        gw.simulator.behaveAlways("gpt-4o-mini", new SimBehaviour(0, 0, 1_500, 200, 0, 300, null));
        try (Socket openai = RawPost.open(gw, "/v1/chat/completions",
                "{\"model\":\"gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"late\"}]}")) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            // the request has reached the upstream (received() records it only as its answer begins, 1.5 s later)
            while (gw.simulator.arrivals() < 1 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(gw.simulator.arrivals()).as("the call at the upstream before the stop").isEqualTo(1);
            assertThat(gw.simulator.received()).as("its answer not begun").isEmpty();
            var closing = gw.server.close(Duration.ofSeconds(6)); // the stop begins before the stream's head
            String answer = readToEnd(openai);
            assertThat(answer).as("the late stream's end").startsWith("HTTP/1.1 200").contains("data: ")
                    .contains("\"code\":\"gateway_shutting_down\"").doesNotContain("[DONE]");
            TestGateway.await(closing);
        } finally {
            gw.close();
        }
    }

    /** Reads until {@code marker} has arrived: the stream is under way. */
    private static void readUntil(Socket s, StringBuilder seen, String marker) throws Exception {
        s.setSoTimeout(20_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        while (!seen.toString().contains(marker)) {
            int n = in.read(buf);
            if (n < 0) break;
            seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
    }

    private static String readToEnd(Socket s) throws Exception {
        s.setSoTimeout(20_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.getInputStream().transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@code model:status:error_type:log status} of each call row (attempt 0) in the store. */
    private static List<String> rows(String db) throws Exception {
        List<String> out = new ArrayList<>();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             var ps = c.prepareStatement("SELECT requested_model, status, error_type, COALESCE(log_status, status) FROM spend_logs"
                     + " WHERE attempt = 0 AND call_type = 'stream'");
             var rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1) + ":" + rs.getInt(2) + ":" + rs.getString(3) + ":" + rs.getInt(4));
        }
        return out;
    }
}
