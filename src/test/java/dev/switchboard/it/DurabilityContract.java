package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.pipeline.Gateway;
import dev.switchboard.support.Admin;
import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.ServeFixture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Durability of the store under {@code kill -9}, run once per database: a gateway in a process of its own, three virtual
 * keys (one rotated, one driven to the end of its budget), eight client threads of streamed and plain calls, then
 * SIGKILL in the middle of the load and a new process on the same database. Every call answered more than the ledger's
 * flush interval (plus a margin) before the kill is in the ledger, once, at the cost the client was told; each key's
 * spend is the sum of its rows; the exhausted key is still refused; every key is back with its limits and its current
 * secret. The same with SIGTERM loses nothing: the shutdown hook writes the rest. The measured loss is printed.
 */
abstract class DurabilityContract {
    /** How much later than the flush interval a row may land: the batch write itself, a busy 2-core machine. */
    static final long MARGIN_MILLIS = 500;
    static final long WINDOW_MILLIS = Gateway.LEDGER_FLUSH_MILLIS + MARGIN_MILLIS;
    static final int THREADS = 8;
    static final long MIN_LOAD_MILLIS = 3_000;
    /** The load runs until more answers than this are in flight or written: fewer would prove little about losing none. */
    static final int LOAD_ANSWERS = 100;
    /** The exhausted key's one thread sends the same prompt every time, so its worst case is the same every time. */
    static final String CAPPED_PROMPT = "How many roads must a man walk down?";

    @RegisterExtension
    final ServeFixture serve = new ServeFixture();

    /** The {@code general_settings} lines that choose the database (indented two spaces). */
    abstract String databaseSettings(ServeFixture serve);

    /** "SQLite" or "PostgreSQL", for the printed report. */
    abstract String databaseName();

    @Test
    void killMinus9UnderLoadLosesOnlyTheLastFlushInterval() throws Exception {
        Outcome o = loadThenStopThenRestart(true);
        Loss loss = o.loss();
        System.out.printf("%s kill -9: %s%n", databaseName(), loss.describe());
        assertThat(loss.missingOlderThanWindow())
                .as("calls answered more than %d ms before the kill that are not in the ledger; the gateway's warnings:%n%s",
                        WINDOW_MILLIS, o.logProblems())
                .isEmpty();
    }

    @Test
    void sigtermUnderLoadLosesNothing() throws Exception {
        Outcome o = loadThenStopThenRestart(false);
        Loss loss = o.loss();
        System.out.printf("%s SIGTERM: %s%n", databaseName(), loss.describe());
        // The shutdown hook lets requests in flight finish before it writes the ledger: every answer, before the signal
        // or after it, is in the ledger.
        assertThat(loss.missing())
                .as("answered calls missing from the ledger after SIGTERM; the gateway's warnings:%n%s", o.logProblems())
                .isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** One client call as the client saw it. */
    record Call(String key, boolean stream, String requestId, int status, boolean complete, long costNanos, long at, String error) {
        boolean answered() { return status == 200 && complete; }

        boolean broken() { return status < 0; }
    }

    /** What a run produced: the client's calls and the ledger after the restart. */
    record Outcome(List<Call> calls, Map<String, JsonObject> rows, long stopAt, String logProblems) {
        Loss loss() {
            List<Call> answered = calls.stream().filter(Call::answered).toList();
            List<Call> missing = answered.stream().filter(c -> !rows.containsKey(c.requestId() + "/0")).toList();
            return new Loss(answered.size(), answered.stream().filter(Call::stream).count(), missing, stopAt,
                    answered.stream().filter(c -> rows.containsKey(c.requestId() + "/0")).mapToLong(c -> stopAt - c.at()).min().orElse(-1),
                    rows.size());
        }
    }

    /** The answered calls the ledger lost, with their ages at the kill (ms). */
    record Loss(int answered, long streamed, List<Call> missing, long stopAt, long youngestKept, int rows) {
        List<Call> missingOlderThanWindow() {
            return missing.stream().filter(c -> stopAt - c.at() > WINDOW_MILLIS).toList();
        }

        String describe() {
            String window = missing.isEmpty() ? "none missing"
                    : "answered between " + rel(missing.stream().mapToLong(c -> stopAt - c.at()).max().orElseThrow()) + " and "
                    + rel(missing.stream().mapToLong(c -> stopAt - c.at()).min().orElseThrow()) + " the signal";
            return answered + " calls answered (" + streamed + " streamed), " + missing.size() + " missing from the ledger ("
                    + window + "); the last answer in the ledger came " + rel(youngestKept) + " the signal; " + rows
                    + " ledger rows; flush interval " + Gateway.LEDGER_FLUSH_MILLIS + " ms";
        }

        private static String rel(long msBeforeStop) {
            return msBeforeStop >= 0 ? msBeforeStop + " ms before" : -msBeforeStop + " ms after";
        }
    }

    private Outcome loadThenStopThenRestart(boolean kill9) throws Exception {
        try {
            return run(kill9);
        } catch (AssertionError | RuntimeException e) {
            if (Files.exists(serve.log())) System.out.println("gateway log:\n" + serve.logText());
            throw e;
        }
    }

    private Outcome run(boolean kill9) throws Exception {
        Path config = serve.config(databaseSettings(serve));

        List<Call> calls = new ArrayList<>();
        Map<String, JsonObject> keysBefore = new LinkedHashMap<>();
        String appOldSecret;
        String appSecret;
        String cappedSecret;
        String batchSecret;
        long stopAt;
        long t0 = System.currentTimeMillis();
        try (GatewayProcess first = serve.start(config)) {
            phase("first start", t0);
            Admin admin = new Admin(first.baseUrl(), TestGateway.MASTER_KEY);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
            // what one call costs, to give the capped key room for a few (it must run out early in the load)
            Call probe = call(client, first.v1(), "master", TestGateway.MASTER_KEY, false, CAPPED_PROMPT);
            assertThat(probe.answered()).as("probe call: %s", probe).isTrue();
            calls.add(probe);
            double cappedBudget = probe.costNanos() * 8 / 1e9;

            JsonObject app = admin.generate(new JsonObject().put("key_alias", "durable-app").put("max_budget", 100.0)
                    .put("budget_duration", "30d").put("models", new JsonArray().add("gpt")).put("tags", new JsonArray().add("team-a"))
                    .put("rpm_limit", 1_000_000));
            JsonObject capped = admin.generate(new JsonObject().put("key_alias", "durable-capped").put("max_budget", cappedBudget)
                    .put("budget_duration", "30d").put("models", new JsonArray().add("gpt")).put("tags", new JsonArray().add("capped")));
            JsonObject batch = admin.generate(new JsonObject().put("key_alias", "durable-batch").put("tags", new JsonArray().add("batch"))
                    .put("metadata", new JsonObject().put("owner", "nightly")));
            appOldSecret = app.getString("key");
            cappedSecret = capped.getString("key");
            batchSecret = batch.getString("key");
            // spend under the old secret, then rotation: the spend stays with the key
            for (int i = 0; i < 3; i++) calls.add(call(client, first.v1(), "app", appOldSecret, i == 1, "before rotation " + i));
            appSecret = Admin.ok(admin.post("/key/regenerate", new JsonObject().put("key", appOldSecret))).getString("key");
            assertThat(appSecret).isNotEqualTo(appOldSecret);
            for (String secret : List.of(appSecret, cappedSecret, batchSecret)) {
                JsonObject info = admin.info(secret);
                keysBefore.put(info.getString("key_id"), info);
            }

            // the load: thread 0 drives the capped key to its limit, 1-3 use the app key, 4-7 the batch key; even threads stream
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong cappedRefusedAt = new AtomicLong();
            AtomicInteger answeredUnderLoad = new AtomicInteger();
            List<List<Call>> perThread = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            long loadStart = System.currentTimeMillis();
            phase("keys made, load starts", t0);
            for (int t = 0; t < THREADS; t++) {
                List<Call> mine = new ArrayList<>();
                perThread.add(mine);
                int n = t;
                String keyName = t == 0 ? "capped" : t <= 3 ? "app" : "batch";
                String secret = t == 0 ? cappedSecret : t <= 3 ? appSecret : batchSecret;
                boolean stream = t % 2 == 0 && t != 0;
                threads.add(Thread.ofPlatform().name("load-" + t).start(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        Call c = call(client, first.v1(), keyName, secret, stream, n == 0 ? CAPPED_PROMPT : "load " + n + "-" + i);
                        mine.add(c);
                        if (c.answered()) answeredUnderLoad.incrementAndGet();
                        if (c.broken()) return; // the gateway is gone
                        if (c.status() == 400) {
                            cappedRefusedAt.compareAndSet(0, c.at());
                            pause(20);
                        } else if (c.status() != 200) {
                            return; // anything else fails the test below
                        }
                    }
                }));
            }
            // run at least MIN_LOAD_MILLIS, and long enough after the capped key ran out that its spend is surely written
            long deadline = loadStart + 15_000;
            while (cappedRefusedAt.get() == 0 && System.currentTimeMillis() < deadline) pause(20);
            assertThat(cappedRefusedAt.get()).as("the capped key ran out of budget during the load").isPositive();
            phase("the capped key ran out after " + perThread.get(0).size() + " calls; all threads: "
                    + perThread.stream().mapToInt(List::size).sum(), t0);
            long stopTarget = Math.max(loadStart + MIN_LOAD_MILLIS, cappedRefusedAt.get() + WINDOW_MILLIS + 500);
            pause(Math.max(0, stopTarget - System.currentTimeMillis()));
            // and until the load has more than 100 answers to lose: on a loaded machine 3 s gave 84 (bounded at 30 s)
            while (answeredUnderLoad.get() <= LOAD_ANSWERS && System.currentTimeMillis() < loadStart + 30_000) pause(20);

            stopAt = System.currentTimeMillis();
            phase("keys and load", t0);
            if (kill9) {
                first.kill9();
            } else {
                assertThat(first.terminate()).as("exit status after SIGTERM: an orderly stop").isZero();
            }
            stop.set(true);
            for (Thread t : threads) t.join(20_000);
            perThread.forEach(calls::addAll);
            phase("stop", t0);
        }

        // the calls themselves: only budget refusals and calls cut by the stop went wrong
        for (Call c : calls) {
            if (c.answered()) continue;
            if (c.status() == 400) {
                assertThat(c.key()).isEqualTo("capped");
                assertThat(c.error()).isEqualTo("budget_exceeded");
            } else {
                assertThat(c.at()).as("a call that failed before the stop: %s", c).isGreaterThanOrEqualTo(stopAt);
            }
        }
        Call lastCapped = calls.stream().filter(c -> c.key().equals("capped") && c.answered()).reduce((a, b) -> b).orElseThrow();
        assertThat(stopAt - lastCapped.at()).as("the capped key's last answer is older than the loss window").isGreaterThan(WINDOW_MILLIS);
        long loadCalls = calls.stream().filter(Call::answered).count();
        assertThat(loadCalls).as("answered calls under load").isGreaterThan(LOAD_ANSWERS);

        try (GatewayProcess second = serve.start(config)) {
            phase("restart", t0);
            Admin admin = new Admin(second.baseUrl(), TestGateway.MASTER_KEY);
            Map<String, JsonObject> rows = ledger(admin);
            phase("ledger read", t0);
            checkLedger(calls, rows, keysBefore);
            checkKeys(admin, keysBefore, rows, calls);

            // the rotated key: the new secret works, the old one is refused; the capped key is still out of budget
            assertThat(Http.post(second.v1() + "/chat/completions", appSecret, body("after restart", false)).statusCode()).isEqualTo(200);
            HttpResponse<String> old = Http.post(second.v1() + "/chat/completions", appOldSecret, body("old secret", false));
            assertThat(old.statusCode()).as(old.body()).isEqualTo(401);
            HttpResponse<String> refused = Http.post(second.v1() + "/chat/completions", cappedSecret, body(CAPPED_PROMPT, false));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("type")).isEqualTo("budget_exceeded");
            assertThat(Http.post(second.v1() + "/chat/completions", batchSecret, body("after restart", true)).statusCode()).isEqualTo(200);
            phase("checks", t0);
            String problems = String.join("\n",
                    Files.readAllLines(serve.log()).stream().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")).toList());
            return new Outcome(calls, rows, stopAt, problems);
        }
    }

    /** Every answered call's row is the client's call (key, cost); no row stands for a call the client saw refused. */
    private static void checkLedger(List<Call> calls, Map<String, JsonObject> rows, Map<String, JsonObject> keysBefore) {
        Map<String, String> keyIds = new HashMap<>();
        keysBefore.forEach((id, info) -> keyIds.put(info.getString("key_alias").substring("durable-".length()), id));
        keyIds.put("master", "master");
        Set<String> seen = new HashSet<>();
        for (Call c : calls) {
            if (c.requestId() != null) seen.add(c.requestId());
            JsonObject row = rows.get(c.requestId() + "/0");
            if (row == null) continue;
            assertThat(c.status()).as("a refused call has no ledger row: %s", c).isNotEqualTo(400);
            if (!c.answered()) continue;
            assertThat(row.getString("key_id")).as("row of %s", c).isEqualTo(keyIds.get(c.key()));
            assertThat(row.getInteger("status")).isEqualTo(200);
            assertThat(nanos(row.getValue("spend"))).as("cost of %s", c).isEqualTo(c.costNanos());
        }
        // rows the client never saw an answer for: at most one per thread, the calls in flight at the stop
        long unseen = rows.values().stream().filter(r -> !seen.contains(r.getString("request_id"))).count();
        long broken = calls.stream().filter(Call::broken).filter(c -> c.requestId() == null).count();
        assertThat(unseen).as("ledger rows of calls the client never heard of").isLessThanOrEqualTo(broken);
        assertThat(rows.values()).allSatisfy(r -> assertThat(r.getInteger("attempt")).isZero());
    }

    /** Every key is back with its limits and current secret, and its spend is the sum of its rows. */
    private static void checkKeys(Admin admin, Map<String, JsonObject> keysBefore, Map<String, JsonObject> rows, List<Call> calls) {
        JsonObject list = admin.getOk("/key/list?return_full_object=true&size=100");
        Map<String, JsonObject> listed = new HashMap<>();
        for (Object o : list.getJsonArray("keys")) listed.put(((JsonObject) o).getString("key_id"), (JsonObject) o);
        assertThat(listed.keySet()).containsExactlyInAnyOrderElementsOf(keysBefore.keySet());
        for (var e : keysBefore.entrySet()) {
            JsonObject before = e.getValue();
            JsonObject after = listed.get(e.getKey());
            for (String f : List.of("token", "key_name", "key_alias", "models", "max_budget", "soft_budget", "budget_duration",
                    "budget_reset_at", "rpm_limit", "tpm_limit", "max_parallel_requests", "metadata", "tags", "blocked",
                    "expires", "created_at", "updated_at")) {
                assertThat(after.getValue(f)).as("%s of %s after the restart", f, before.getString("key_alias")).isEqualTo(before.getValue(f));
            }
            long sum = rows.values().stream().filter(r -> e.getKey().equals(r.getString("key_id")))
                    .mapToLong(r -> nanos(r.getValue("spend"))).sum();
            JsonObject info = admin.info(e.getKey());
            assertThat(nanos(info.getValue("spend"))).as("spend of %s = its ledger rows", before.getString("key_alias")).isEqualTo(sum);
            assertThat(nanos(info.getValue("reserved_spend"))).isZero();
        }
        // the capped key lost nothing: its spend is every cost its client was told
        String cappedId = keysBefore.values().stream().filter(k -> k.getString("key_alias").equals("durable-capped")).findFirst()
                .orElseThrow().getString("key_id");
        long told = calls.stream().filter(c -> c.key().equals("capped") && c.answered()).mapToLong(Call::costNanos).sum();
        assertThat(nanos(admin.info(cappedId).getValue("spend"))).isEqualTo(told);
    }

    /** The whole ledger, by {@code request_id/attempt}; fails on a row that appears twice. */
    private static Map<String, JsonObject> ledger(Admin admin) {
        Map<String, JsonObject> rows = new HashMap<>();
        for (int page = 1; ; page++) {
            JsonObject p = admin.getOk("/spend/logs?page_size=1000&page=" + page);
            for (Object o : p.getJsonArray("data")) {
                JsonObject r = (JsonObject) o;
                JsonObject before = rows.put(r.getString("request_id") + "/" + r.getInteger("attempt"), r);
                assertThat(before).as("row %s/%s twice", r.getString("request_id"), r.getInteger("attempt")).isNull();
            }
            if (page >= p.getLong("total_pages")) {
                assertThat((long) rows.size()).isEqualTo(p.getLong("total"));
                return rows;
            }
        }
    }

    private static String body(String prompt, boolean stream) {
        return new JsonObject().put("model", "gpt").put("max_tokens", 16).put("stream", stream)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)))
                .mergeIn(stream ? new JsonObject().put("stream_options", new JsonObject().put("include_usage", true)) : new JsonObject())
                .encode();
    }

    /** One call, read to its end; the time is taken after the last byte. Never throws: a broken call has status -1. */
    private static Call call(HttpClient client, String v1, String keyName, String secret, boolean stream, String prompt) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(v1 + "/chat/completions")).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").header("authorization", "Bearer " + secret)
                .POST(HttpRequest.BodyPublishers.ofString(body(prompt, stream))).build();
        String requestId = null;
        try {
            HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            requestId = r.headers().firstValue("x-switchboard-request-id").orElse(null);
            String text;
            try (InputStream in = r.body()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            long at = System.currentTimeMillis();
            if (r.statusCode() != 200) {
                String type = null;
                try {
                    type = new JsonObject(text).getJsonObject("error").getString("type");
                } catch (RuntimeException e) {
                    // not JSON
                }
                return new Call(keyName, stream, requestId, r.statusCode(), true, 0, at, type);
            }
            if (!stream) {
                long cost = nanos(r.headers().firstValue("x-switchboard-cost").orElseThrow());
                return new Call(keyName, false, requestId, 200, true, cost, at, null);
            }
            List<String> data = Http.sseData(text);
            boolean done = !data.isEmpty() && data.get(data.size() - 1).equals("[DONE]");
            long cost = -1;
            for (String d : data) {
                if (d.equals("[DONE]")) continue;
                JsonObject usage = new JsonObject(d).getJsonObject("usage");
                if (usage != null && usage.getValue("cost") != null) cost = Math.round(usage.getDouble("cost") * 1e9);
            }
            return new Call(keyName, true, requestId, 200, done && cost >= 0, cost, at, done ? null : "stream cut");
        } catch (IOException e) {
            return new Call(keyName, stream, requestId, -1, false, 0, System.currentTimeMillis(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Call(keyName, stream, requestId, -1, false, 0, System.currentTimeMillis(), e.toString());
        }
    }

    private static long nanos(Object usd) {
        return new BigDecimal(usd.toString()).movePointRight(9).longValueExact();
    }

    private static void phase(String name, long t0) {
        System.out.println("  +" + (System.currentTimeMillis() - t0) + " ms: " + name);
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
