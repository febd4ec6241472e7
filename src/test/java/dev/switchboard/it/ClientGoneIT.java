package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A client that leaves while the upstream is still silent (before the first byte), in both dialects, streamed or
 * not: the upstream request is reset at once (the simulator sees it abandoned within 1.5 s (in practice milliseconds), before the
 * 3 s timeout), no retry and no fallback is sent for the client that is gone (two retries and a fallback are
 * configured, so a run that carried on would show up at the simulator), the call is in the ledger as 499, and
 * nothing of it is logged at ERROR.
 */
class ClientGoneIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, timeout: 3 }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY, timeout: 3 }
                  - model_name: backup
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, timeout: 3 }
                  - model_name: gpt-leaves
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, timeout: 2 }
                  - model_name: claude-leaves
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY, timeout: 2 }
                  - model_name: nofb
                    litellm_params: { model: openai/gpt-4.1, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, timeout: 3 }
                router_settings:
                  num_retries: 2
                  retry_backoff: 0.1
                  fallbacks: [{ gpt: [backup] }, { claude: [backup] }, { gpt-leaves: [backup] }, { claude-leaves: [backup] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    @ParameterizedTest(name = "{0} stream={1}")
    @CsvSource({"openai,false", "openai,true", "anthropic,false", "anthropic,true"})
    void aClientThatLeavesBeforeTheFirstByteStopsTheUpstreamAndTheChain(String dialect, boolean stream) throws Exception {
        boolean anthropic = dialect.equals("anthropic");
        // aliases whose timeout is 2 s (not the class's 3 s): the wait below, past the timeout and a retry's backoff, is
        // the test's longest; the client leaves, and its upstream request is reset, within 1.5 s of the arrival (asserted)
        String model = anthropic ? "claude-leaves" : "gpt-leaves";
        gw.simulator.enqueue(SimBehaviour.slowFirstByte(10_000)); // silent far beyond the 2 s timeout
        String body = anthropic
                ? "{\"model\":\"claude-leaves\",\"max_tokens\":50,\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                : "{\"model\":\"gpt-leaves\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String path = anthropic ? "/v1/messages" : "/v1/chat/completions";
        try (LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            long left;
            try (Socket client = dev.switchboard.support.RawPost.open(gw, path, body)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> gw.simulator.arrivals() == 1);
                left = System.nanoTime();
            } // the client goes away, not a byte of the answer seen
            await().atMost(Duration.ofMillis(1_500)).until(() -> gw.simulator.abandoned() == 1);
            assertThat((System.nanoTime() - left) / 1_000_000).as("ms until the upstream request was reset").isLessThan(1_500);

            // past the timeout (2 s) and the retries' backoff: a run that went on would have called again by now
            Thread.sleep(Math.max(0, 3_000 - (System.nanoTime() - left) / 1_000_000));
            assertThat(gw.simulator.arrivals()).as("no retry, no fallback for a client that is gone").isEqualTo(1);

            String callType = stream ? "stream" : "chat";
            JsonObject call = await().atMost(Duration.ofSeconds(5)).until(() -> call(model, callType), r -> r != null);
            assertThat(call.getInteger("status")).isEqualTo(499);
            assertThat(call.getString("error_type")).isEqualTo("client_closed");
            assertThat(call.getString("deployment")).isEqualTo(anthropic ? "anthropic/claude-sonnet-4-5" : "openai/gpt-4o-mini");
            assertThat(call.getInteger("prompt_tokens")).as("the prompt the upstream received").isPositive();
            assertThat(call.getBoolean("usage_estimated")).isTrue();
            JsonObject attempt = await().atMost(Duration.ofSeconds(5)).until(() -> attempt(call.getString("request_id")), r -> r != null);
            assertThat(attempt.getInteger("status")).isEqualTo(499);
            assertThat(logs.lines()).as("nothing at ERROR").noneMatch(l -> l.startsWith("ERROR"));
        }
    }

    /**
     * A client that leaves in the middle of a stream from a real provider (the user pressing Stop): the call is 499
     * with its attempt, not an upstream failure, and the deployment is not cooled down for it.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"openai", "anthropic"})
    void aClientThatLeavesMidStreamIsA499NotAnUpstreamFailure(String dialect) throws Exception {
        boolean anthropic = dialect.equals("anthropic");
        String model = anthropic ? "claude" : "gpt";
        gw.simulator.enqueue(SimBehaviour.longSlowStream(200, 50));
        String body = anthropic
                ? "{\"model\":\"claude\",\"max_tokens\":500,\"stream\":true,\"metadata\":{\"user_id\":\"mid\"},\"messages\":[{\"role\":\"user\",\"content\":\"mid\"}]}"
                : "{\"model\":\"gpt\",\"stream\":true,\"user\":\"mid\",\"messages\":[{\"role\":\"user\",\"content\":\"mid\"}]}";
        String path = anthropic ? "/v1/messages" : "/v1/chat/completions";
        try (Socket client = dev.switchboard.support.RawPost.open(gw, path, body)) {
            java.io.InputStream in = client.getInputStream();
            byte[] buf = new byte[8192];
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("data: ")) { // the head and the first event(s): the stream is under way
                int n = in.read(buf);
                if (n < 0) break;
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            assertThat(seen.toString()).startsWith("HTTP/1.1 200");
            Thread.sleep(300);
        } // the client goes away mid-stream
        JsonObject call = await().atMost(Duration.ofSeconds(5)).until(() -> rows().stream()
                .filter(o -> o.getInteger("attempt") == 0 && model.equals(o.getString("model")) && "stream".equals(o.getString("call_type"))
                        && o.getInteger("status") != 200).findFirst().orElse(null), r -> r != null);
        assertThat(call.getInteger("status")).as(call.encode()).isEqualTo(499);
        assertThat(call.getString("error_type")).isEqualTo("client_closed");
        // the attempt answered (the stream was under way): no failed attempt for it, nothing for the breaker to count
        assertThat(attempt(call.getString("request_id"))).isNull();
        String metrics = dev.switchboard.support.Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
        assertThat(metrics.lines().filter(l -> l.startsWith("switchboard_attempt_errors_total") && l.contains("status=\"502\"")))
                .as("no upstream failure counted").isEmpty();
    }

    /**
     * A Claude stream its client leaves midway (Claude Code's Esc) is recorded on the counts Anthropic's
     * {@code message_start} gave: the prompt's tokens with its cache reads at their price, not the gateway's estimate of
     * the whole prompt as fresh input (a large cached prompt cost about ten times too much then). The output stays an
     * estimate, and the row says so.
     */
    @org.junit.jupiter.api.Test
    void aClaudeStreamLeftMidwayIsRecordedOnTheCountsMessageStartGave() throws Exception {
        String system = "You answer questions about the billing of cached prompts with care and in detail. ".repeat(120);
        String body = "{\"model\":\"claude\",\"max_tokens\":500,\"stream\":true,\"system\":[{\"type\":\"text\",\"text\":\""
                + system + "\",\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"cached leave\"}]}";
        // the first call, whole, writes the prefix into the provider's cache: the second reads it
        var first = dev.switchboard.support.Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        gw.simulator.enqueue(SimBehaviour.longSlowStream(200, 50));
        try (Socket client = dev.switchboard.support.RawPost.open(gw, "/v1/messages", body)) {
            java.io.InputStream in = client.getInputStream();
            byte[] buf = new byte[8192];
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("content_block_delta")) { // message_start and the first text: under way
                int n = in.read(buf);
                if (n < 0) break;
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            assertThat(seen.toString()).startsWith("HTTP/1.1 200").contains("\"cache_read_input_tokens\":");
        } // the client goes away mid-stream
        JsonObject whole = await().atMost(Duration.ofSeconds(5)).until(() -> rows().stream()
                .filter(o -> o.getInteger("attempt") == 0 && "claude".equals(o.getString("model")) && o.getInteger("status") == 200
                        && o.getInteger("cache_write_tokens") > 0).findFirst().orElse(null), r -> r != null);
        JsonObject left = await().atMost(Duration.ofSeconds(5)).until(() -> rows().stream()
                .filter(o -> o.getInteger("attempt") == 0 && "claude".equals(o.getString("model")) && o.getInteger("status") == 499
                        && o.getInteger("cache_read_tokens") > 0).findFirst().orElse(null), r -> r != null);
        assertThat(left.getInteger("cache_read_tokens")).as(left.encode()).isEqualTo(whole.getInteger("cache_write_tokens"));
        assertThat(left.getInteger("prompt_tokens")).as("the prompt as Anthropic counted it").isEqualTo(whole.getInteger("prompt_tokens"));
        assertThat(left.getBoolean("usage_estimated")).as("the output is still an estimate").isTrue();
        assertThat(new java.math.BigDecimal(left.getValue("spend").toString()))
                .as("the cached prompt at its cache-read price: below the whole call that wrote it")
                .isLessThan(new java.math.BigDecimal(whole.getValue("spend").toString()));
    }

    /**
     * A client's leaving keeps its attempt row (a 499, which says when the client left) but is no failed attempt: the
     * spend report's {@code failed_attempts} (and so {@code switchboard spend}'s FAILED column) and the dashboard's
     * {@code totals.failed_attempts} count the provider's failures only, as the attempt metric does. Counted over the
     * whole ledger, so the other cases' leavings (run before or not) are in it too.
     */
    @org.junit.jupiter.api.Test
    void aClientsLeavingKeepsItsAttemptRowButIsNoFailedAttemptInAnyCount() throws Exception {
        gw.simulator.enqueue(SimBehaviour.status(500)); // a real failed attempt: the retry serves
        assertThat(dev.switchboard.support.Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"fails once\"}]}").statusCode()).isEqualTo(200);
        gw.simulator.enqueue(SimBehaviour.slowFirstByte(10_000));
        try (Socket client = dev.switchboard.support.RawPost.open(gw, "/v1/chat/completions",
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"left\"}]}")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> gw.simulator.arrivals() == 3);
        } // the client goes away during its attempt
        await().atMost(Duration.ofSeconds(5)).until(() -> rows().stream()
                .anyMatch(o -> o.getInteger("attempt") > 0 && o.getInteger("status") == 499));
        List<JsonObject> rows = rows();
        long providerFailures = rows.stream().filter(o -> o.getInteger("attempt") > 0 && o.getInteger("status") != 499).count();
        assertThat(providerFailures).as("the 500").isPositive();

        JsonArray groups = admin.getOk("/global/spend/report?group_by=model").getJsonArray("groups");
        long reported = groups.stream().map(JsonObject.class::cast).mapToLong(g -> g.getLong("failed_attempts")).sum();
        assertThat(reported).as("failed_attempts of the spend report").isEqualTo(providerFailures);
        JsonObject totals = new JsonObject(dev.switchboard.support.Http.get(gw.baseUrl() + "/ui/api/overview", TestGateway.MASTER_KEY)
                .body()).getJsonObject("totals");
        assertThat(totals.getLong("failed_attempts")).as("the dashboard's totals").isEqualTo(providerFailures);
    }

    /**
     * A client that leaves while the gateway waits out an upstream's retry-after (no fallback: it waits, at most 60 s)
     * left no call in flight: the only attempt was a 429, which no provider bills. Its 499 row costs 0, names no
     * deployment and takes nothing from the key's budget (it was priced at the prompt estimate on the refusing
     * deployment, QA finding 1).
     */
    @ParameterizedTest(name = "stream={0}")
    @CsvSource({"false", "true"})
    void aClientThatLeavesDuringARetryWaitIsChargedNothing(boolean stream) throws Exception {
        String key = admin.generate(new JsonObject().put("max_budget", 1)).getString("key");
        // waited out by the gateway (3 s is under its 60 s); short, since it also cools the deployment down: the next
        // run's request waits for that cooldown to end before its own call (a cooling last resort gets one trial call)
        gw.simulator.enqueue(SimBehaviour.rateLimited(3));
        long retriesBefore = retriesOfNofb();
        String prompt = "leaves during the wait " + stream;
        String callType = stream ? "stream" : "chat";
        try (Socket client = dev.switchboard.support.RawPost.open(gw, "/v1/chat/completions", key,
                "{\"model\":\"nofb\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}")) {
            // the retry is counted as the wait begins: the gateway is waiting out the retry-after now
            await().atMost(Duration.ofSeconds(10)).until(() -> retriesOfNofb() > retriesBefore);
            assertThat(gw.simulator.arrivals()).isEqualTo(1);
        } // the client gives up while the gateway waits
        JsonObject call = await().atMost(Duration.ofSeconds(10)).until(() -> call("nofb", callType), r -> r != null);
        assertThat(call.getInteger("status")).isEqualTo(499);
        assertThat(call.getString("error_type")).isEqualTo("client_closed");
        assertThat(new java.math.BigDecimal(call.getValue("spend").toString())).as(call.encode()).isZero();
        assertThat(call.getInteger("prompt_tokens")).as("no provider took the prompt").isZero();
        assertThat(new java.math.BigDecimal(admin.info(key).getValue("spend").toString())).as("the key's spend").isZero();
        assertThat(gw.simulator.arrivals()).as("no retry for a client that is gone").isEqualTo(1);
    }

    /** switchboard_retries_total of the alias without a fallback. */
    private static long retriesOfNofb() {
        return dev.switchboard.support.Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body().lines()
                .filter(l -> l.startsWith("switchboard_retries_total") && l.contains("alias=\"nofb\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** This case's call row (the alias and call type are unique to each case), or null while not written yet. */
    private static JsonObject call(String model, String callType) {
        return rows().stream().filter(o -> o.getInteger("attempt") == 0 && model.equals(o.getString("model"))
                && callType.equals(o.getString("call_type"))).findFirst().orElse(null);
    }

    /** The first attempt's row of that request. */
    private static JsonObject attempt(String requestId) {
        return rows().stream().filter(o -> o.getInteger("attempt") == 1 && requestId.equals(o.getString("request_id")))
                .findFirst().orElse(null);
    }

    private static List<JsonObject> rows() {
        JsonArray rows = admin.getOk("/spend/logs?page_size=1000").getJsonArray("data");
        return rows.stream().map(JsonObject.class::cast).toList();
    }
}
