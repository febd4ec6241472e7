package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import dev.switchboard.support.fuzz.FramingMutator;
import dev.switchboard.support.fuzz.JsonMutator;
import dev.switchboard.support.fuzz.KeyFragments;
import dev.switchboard.support.fuzz.LogWatch;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes both inbound dialects (issue #12): random and mutated JSON bodies derived from valid requests of each
 * endpoint, and raw-socket requests with broken HTTP framing. What must hold for every case: no 5xx the gateway's own
 * code produced (a 500, or any 5xx that does not name an upstream), an error in the caller's dialect, no hang (every
 * request answered or closed within its timeout), and no fragment of a configured provider key in any answer or log
 * line. Bounded in count and time; the seed is fixed and printed, and {@code -Dfuzz.seed=N} (with
 * {@code -Dfuzz.cases=N}) repeats or widens a run. Every finding is reported with its case number.
 */
class FuzzIT {
    static final long SEED = Long.getLong("fuzz.seed", 20261201L);
    static final int JSON_CASES = Integer.getInteger("fuzz.cases", 2500);
    static final int FRAMING_CASES = Integer.getInteger("fuzz.framingCases", 240);
    static final Duration JSON_BUDGET = Duration.ofSeconds(40);
    static final Duration FRAMING_BUDGET = Duration.ofSeconds(20);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final KeyFragments KEYS = new KeyFragments(TestGateway.PROVIDER_KEY, TestGateway.ANTHROPIC_PROVIDER_KEY,
            TestGateway.GEMINI_PROVIDER_KEY, TestGateway.MASTER_KEY);
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** A valid body per endpoint and alias kind: the starting points the mutations work from. */
    record Seed(String path, boolean anthropic, String body) {}

    static final List<Seed> SEEDS = new ArrayList<>();

    static {
        for (String model : new String[] {"gpt", "claude", "gemini", "mock"}) {
            SEEDS.add(new Seed("/v1/chat/completions", false, """
                    {"model":"%s","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}],
                     "max_tokens":50,"temperature":0.2,"stop":["\\n\\n"]}""".formatted(model)));
            SEEDS.add(new Seed("/v1/chat/completions", false, """
                    {"model":"%s","stream":true,"stream_options":{"include_usage":true},"messages":[
                     {"role":"user","content":[{"type":"text","text":"what is this?"},
                       {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
                     {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                       "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                     {"role":"tool","tool_call_id":"call_1","content":"sunny"}],
                     "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
                       "properties":{"city":{"type":"string"}}}}}],"tool_choice":"auto",
                     "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"}}}}"""
                    .formatted(model)));
            SEEDS.add(new Seed("/v1/messages", true, """
                    {"model":"%s","max_tokens":100,"system":[{"type":"text","text":"be brief","cache_control":{"type":"ephemeral"}}],
                     "messages":[{"role":"user","content":"hi"}],"stop_sequences":["END"],"top_k":5,
                     "output_config":{"format":{"type":"json_schema","schema":{"type":"object","properties":{"a":{"type":"string"}}}}}}"""
                    .formatted(model)));
            SEEDS.add(new Seed("/v1/messages", true, """
                    {"model":"%s","max_tokens":2048,"stream":true,"thinking":{"type":"enabled","budget_tokens":1024},
                     "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
                     "tool_choice":{"type":"auto"},"messages":[
                     {"role":"user","content":[{"type":"text","text":"weather?"},{"type":"image","source":{"type":"base64",
                       "media_type":"image/png","data":"iVBORw0KGgo="}}]},
                     {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                     {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"}]}]}"""
                    .formatted(model)));
        }
        SEEDS.add(new Seed("/v1/messages/count_tokens", true, """
                {"model":"claude","messages":[{"role":"user","content":"count me"}],"system":"s"}"""));
        for (String model : new String[] {"embedder", "mock"}) {
            SEEDS.add(new Seed("/v1/embeddings", false, """
                    {"model":"%s","input":["a","b"],"encoding_format":"base64","dimensions":8}""".formatted(model)));
        }
    }

    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, timeout: 5 }
                  - model_name: embedder
                    litellm_params: { model: openai/text-embedding-3-small, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, timeout: 5 }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY, timeout: 5 }
                  - model_name: gemini
                    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY, timeout: 5 }
                  - model_name: mock
                    litellm_params: { model: mock/mock-model }
                router_settings:
                  num_retries: 0
                litellm_settings:
                  cache: true
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  max_request_size_mb: 2
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void mutatedJsonBodiesInBothDialects() throws Exception {
        System.out.println("FuzzIT JSON: seed " + SEED + ", up to " + JSON_CASES + " cases or " + JSON_BUDGET.toSeconds() + " s");
        Random random = new Random(SEED);
        JsonMutator mutator = new JsonMutator(random);
        List<String> findings = new ArrayList<>();
        long deadline = System.nanoTime() + JSON_BUDGET.toNanos();
        int done = 0;
        int[] statuses = new int[6];
        try (LogWatch logs = new LogWatch(KEYS)) {
            for (int i = 0; i < JSON_CASES && System.nanoTime() < deadline; i++, done++) {
                Seed seed = SEEDS.get(random.nextInt(SEEDS.size()));
                byte[] body = mutator.mutate(seed.body());
                String status = seed.body().contains("\"stream\":true") && random.nextInt(4) == 0
                        ? sendAndLeave(seed, body, random.nextInt(400), findings, i)
                        : send(seed, body, findings, i);
                if (status != null) statuses[Integer.parseInt(status) / 100]++;
            }
            findings.addAll(logs.findings());
        }
        System.out.printf("FuzzIT JSON: %d cases, 2xx %d, 4xx %d, 5xx %d%n", done, statuses[2], statuses[4], statuses[5]);
        assertThat(health()).as("the gateway still answers after the run").isEqualTo(200);
        assertThat(done).as("the run did enough cases to mean something").isGreaterThan(300);
        assertThat(findings).as("findings (seed " + SEED + ")").isEmpty();
    }

    /** @return the status as text, or null when there was none (a finding is recorded) */
    private static String send(Seed seed, byte[] body, List<String> findings, int caseNo) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + seed.path())).timeout(ANSWER_TIMEOUT)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (seed.anthropic()) req.header("x-api-key", TestGateway.MASTER_KEY).header("anthropic-version", "2023-06-01");
        else req.header("authorization", "Bearer " + TestGateway.MASTER_KEY);
        HttpResponse<String> r;
        try {
            r = CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            findings.add(label(caseNo, seed, body) + " → no answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
            return null;
        } catch (Exception e) {
            findings.add(label(caseNo, seed, body) + " → " + e);
            return null;
        }
        String fragment = KEYS.find(r.body() + r.headers().map());
        if (fragment != null) findings.add(label(caseNo, seed, body) + " → key fragment '" + fragment + "' in the answer");
        int status = r.statusCode();
        if (status >= 500 && !fromUpstream(r.body())) {
            findings.add(label(caseNo, seed, body) + " → " + status + " " + cut(r.body()));
        }
        if (status >= 400 && !inDialect(seed.anthropic(), r.body())) {
            findings.add(label(caseNo, seed, body) + " → " + status + " not in the caller's dialect: " + cut(r.body()));
        }
        return Integer.toString(status);
    }

    /**
     * A client that reads the first {@code keep} bytes of the answer (a stream's head and first events) and then
     * leaves: the gateway must cancel what is still running without an error of its own (the log watch judges that).
     */
    private static String sendAndLeave(Seed seed, byte[] body, int keep, List<String> findings, int caseNo) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + seed.path())).timeout(ANSWER_TIMEOUT)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (seed.anthropic()) req.header("x-api-key", TestGateway.MASTER_KEY).header("anthropic-version", "2023-06-01");
        else req.header("authorization", "Bearer " + TestGateway.MASTER_KEY);
        try {
            HttpResponse<InputStream> r = CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                in.readNBytes(keep);
            }
            if (r.statusCode() == 500) findings.add(label(caseNo, seed, body) + " → 500 (client left after " + keep + " bytes)");
            return Integer.toString(r.statusCode());
        } catch (HttpTimeoutException e) {
            findings.add(label(caseNo, seed, body) + " → no answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
        } catch (Exception e) {
            findings.add(label(caseNo, seed, body) + " → " + e);
        }
        return null;
    }

    /** A 5xx is the upstream's when it names the deployment it came from, as the gateway's upstream errors do. */
    private static boolean fromUpstream(String body) {
        return !body.contains("Internal error in the gateway")
                && (body.contains("openai/") || body.contains("anthropic/") || body.contains("gemini/") || body.contains("mock/"));
    }

    private static boolean inDialect(boolean anthropic, String body) {
        try {
            JsonNode n = MAPPER.readTree(body);
            if (anthropic) return "error".equals(n.path("type").asText()) && n.path("error").path("message").isTextual();
            return n.path("error").path("message").isTextual();
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void brokenHttpFraming() throws Exception {
        System.out.println("FuzzIT framing: seed " + SEED + ", " + FRAMING_CASES + " cases");
        Random random = new Random(SEED);
        FramingMutator mutator = new FramingMutator(random, "Authorization: Bearer " + TestGateway.MASTER_KEY);
        List<FramingMutator.Case> cases = new ArrayList<>();
        List<Leave> leaves = new ArrayList<>();
        for (int i = 0; i < FRAMING_CASES; i++) {
            Seed seed = SEEDS.get(random.nextInt(SEEDS.size()));
            // half the cases on the simulated providers, so a client that leaves mid-call or mid-stream leaves a real upstream
            String body = random.nextBoolean() ? seed.body() : seed.body().replaceAll("\"(gpt|claude|gemini|embedder)\"", "\"mock\"");
            cases.add(mutator.next(seed.path(), body));
            leaves.add(Leave.values()[random.nextInt(Leave.values().length)]);
        }
        List<String> findings = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(24);
        try (LogWatch logs = new LogWatch(KEYS)) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                int n = i;
                running.add(pool.submit(() -> exchange(n, cases.get(n), leaves.get(n), findings)));
            }
            long deadline = System.nanoTime() + FRAMING_BUDGET.toNanos() + ANSWER_TIMEOUT.toNanos();
            for (Future<?> f : running) f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            findings.addAll(logs.findings());
        } finally {
            pool.shutdownNow();
        }
        assertThat(health()).as("the gateway still answers after the run").isEqualTo(200);
        assertThat(findings).as("findings (seed " + SEED + ")").isEmpty();
    }

    /**
     * Sends one case and reads the status line. A request the server is still waiting on (a body shorter than its
     * Content-Length, a head cut short) is half-closed after 2 s, as a client that gave up would; after that the server
     * must answer or close within the answer timeout.
     */
    private static void exchange(int caseNo, FramingMutator.Case c, Leave leave, List<String> findings) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", gw.server.port()), 5000);
            try {
                s.getOutputStream().write(c.bytes());
                s.getOutputStream().flush();
            } catch (java.io.IOException e) {
                return; // the server refused the rest (it may close early on a bad head): nothing left to judge
            }
            s.setSoTimeout(2000);
            InputStream in = s.getInputStream();
            if (leave.leaves()) {
                // a client that vanishes: at once, or after the first bytes of the answer (mid-stream), sometimes with a
                // reset instead of a FIN; the log watch sees what the gateway makes of it
                if (leave == Leave.AFTER_FIRST_BYTES) {
                    try {
                        in.read(new byte[64]);
                    } catch (java.io.IOException ignored) {
                        // nothing came within the wait: leave anyway
                    }
                }
                if (leave == Leave.RESET) s.setSoLinger(true, 0);
                return;
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
            boolean halfClosed = false;
            byte[] buf = new byte[8192];
            while (!headComplete(got) && System.nanoTime() < deadline) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    if (!halfClosed) {
                        s.shutdownOutput();
                        halfClosed = true;
                    }
                    continue;
                } catch (java.io.IOException e) {
                    break; // reset by the server: an answer of sorts, not a hang
                }
                if (n < 0) break;
                got.write(buf, 0, n);
            }
            String text = got.toString(StandardCharsets.ISO_8859_1);
            if (!headComplete(got) && System.nanoTime() >= deadline) {
                findings.add("framing #" + caseNo + " (" + c.label() + ") → neither answered nor closed within " + ANSWER_TIMEOUT.toSeconds() + " s");
            }
            String fragment = KEYS.find(text);
            if (fragment != null) findings.add("framing #" + caseNo + " (" + c.label() + ") → key fragment '" + fragment + "' in " + cut(text)
                    + " | sent " + cut(new String(c.bytes(), 0, Math.min(c.bytes().length, 300), StandardCharsets.ISO_8859_1)));
            if (text.startsWith("HTTP/1.1 5") || text.startsWith("HTTP/1.0 5")) {
                int status = Integer.parseInt(text.substring(9, 12));
                // 501 is the HTTP parser's answer to a method it does not know, which is what RFC 9110 asks for
                if (status != 501) findings.add("framing #" + caseNo + " (" + c.label() + ") → " + cut(text));
            }
        } catch (Exception e) {
            findings.add("framing #" + caseNo + " (" + c.label() + ") → " + e);
        }
    }

    /** What the client does after sending a framing case. */
    enum Leave {
        STAY, STAY_TOO, AT_ONCE, AFTER_FIRST_BYTES, RESET;

        boolean leaves() { return this != STAY && this != STAY_TOO; }
    }

    private static boolean headComplete(ByteArrayOutputStream got) {
        return got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n");
    }

    private static int health() {
        return Http.get(gw.baseUrl() + "/health/liveliness", null).statusCode();
    }

    private static String label(int caseNo, Seed seed, byte[] body) {
        return "case #" + caseNo + " " + seed.path() + " " + cut(new String(body, StandardCharsets.UTF_8));
    }

    private static String cut(String s) {
        String flat = s.replaceAll("\\s+", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "…(" + flat.length() + " chars)" : flat;
    }
}
