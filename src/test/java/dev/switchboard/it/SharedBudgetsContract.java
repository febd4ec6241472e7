package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two gateways on one database serving one budget: together they never spend more than it (each would, alone, serve
 * what the whole budget allows), and what one does not use the other can spend. Run once per database.
 */
abstract class SharedBudgetsContract {
    /** The {@code general_settings} lines that choose the one database both gateways use. */
    abstract String databaseSettings();

    /** $10 / $40 per million tokens; a ~150-token prompt and max_tokens 60: a worst case of ~$0.0043, two fit in $0.01. */
    private String yaml(String extra) {
        return TestGateway.simModels("pricey=gpt-4o") + """
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00004 }
                router_settings: { num_retries: 0 }
                """ + extra + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """ + databaseSettings();
    }

    private static final String PROMPT = "Summarise the following notes about the quarterly planning meeting and list the decisions. ".repeat(8);
    private static final String BODY = "{\"model\":\"pricey\",\"max_tokens\":60,\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
    private static final BigDecimal BUDGET = new BigDecimal("0.01");

    @Test
    void twoGatewaysAtOnceNeverSpendPastTheKeysBudget() throws Exception {
        try (TestGateway a = TestGateway.start(yaml("")); TestGateway b = TestGateway.start(yaml(""))) {
            a.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            b.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            Admin admin = new Admin(a);
            JsonObject k = admin.generate(new JsonObject().put("key_alias", "two-gateway-agent").put("max_budget", 0.01));
            String key = k.getString("key");
            awaitKnown(b, key);

            Tally t = fire(List.of(a, b), key, 25);
            System.out.printf("%s, a key: %s%n", getClass().getSimpleName(), t);
            assertThat(t.served).as("alone, each gateway would serve 2: together they may not").isBetween(1, 2);
            assertThat(t.refused).isEqualTo(50 - t.served);
            assertThat(ledgerOnceWritten(admin, "&key=" + k.getString("key_id"), t.charged)).isLessThanOrEqualTo(BUDGET);
        }
    }

    @Test
    void theGlobalBudgetHoldsAcrossGatewaysToo() throws Exception {
        String global = "litellm_settings: { max_budget: 0.01, budget_duration: 1mo }\n";
        try (TestGateway a = TestGateway.start(yaml(global)); TestGateway b = TestGateway.start(yaml(global))) {
            a.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            b.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            Tally t = fire(List.of(a, b), TestGateway.MASTER_KEY, 10);
            System.out.printf("%s, the global budget: %s%n", getClass().getSimpleName(), t);
            assertThat(t.served).isBetween(1, 2);
            assertThat(ledgerOnceWritten(new Admin(a), "", t.charged)).isLessThanOrEqualTo(BUDGET);
        }
    }

    @Test
    void whatOneGatewayDoesNotUseTheOtherCanSpend() throws Exception {
        try (TestGateway a = TestGateway.start(yaml("")); TestGateway b = TestGateway.start(yaml(""))) {
            Admin admin = new Admin(a);
            JsonObject k = admin.generate(new JsonObject().put("key_alias", "moves-between-gateways").put("max_budget", 0.01));
            String key = k.getString("key");
            awaitKnown(b, key);
            // A alone takes the whole budget as its grant with its first call...
            HttpResponse<String> first = Http.post(a.v1() + "/chat/completions", key, BODY);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            // ...and gives back what it does not use when B asks (at its next heartbeat, within about 2 s)
            long t0 = System.nanoTime();
            HttpResponse<String> second = Http.post(b.v1() + "/chat/completions", key, BODY);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            System.out.printf("%s: B waited %d ms for A's unused grant%n", getClass().getSimpleName(), waitedMs);
            // a third call fits nowhere: $0.01 less two calls' spend is under a call's worst case
            for (TestGateway g : List.of(a, b)) {
                HttpResponse<String> r = Http.post(g.v1() + "/chat/completions", key, BODY);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                assertThat(new JsonObject(r.body()).getJsonObject("error").getString("type")).isEqualTo("budget_exceeded");
            }
            BigDecimal charged = new BigDecimal(first.headers().firstValue("x-switchboard-cost").orElseThrow())
                    .add(new BigDecimal(second.headers().firstValue("x-switchboard-cost").orElseThrow()));
            assertThat(ledgerOnceWritten(admin, "&key=" + k.getString("key_id"), charged)).isLessThanOrEqualTo(BUDGET);
            // A refusal never waits on the store: it says the spend this gateway read at its last look at the store (the
            // ledger, both gateways' calls) plus its own since, and says as of when. Once both calls are in the ledger and
            // a refusal asked the store again (each second at most), that is both calls, on either gateway
            for (TestGateway g : List.of(a, b)) {
                await("a refusal's Current cost on " + g.baseUrl()).atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(300))
                        .untilAsserted(() -> {
                            HttpResponse<String> r = Http.post(g.v1() + "/chat/completions", key, BODY);
                            String message = new JsonObject(r.body()).getJsonObject("error").getString("message");
                            assertThat(currentCost(message)).as(message).isEqualByComparingTo(charged);
                            assertThat(message).contains("Other gateways share this budget: the spend said is the ledger's at ");
                        });
            }
        }
    }

    /**
     * D1 of the multi-gateway QA run: a key's spend as every admin reader shows it ({@code /key/info}, the key asking
     * about itself, {@code /key/list}, the dashboard's {@code /ui/api/keys} and overview) is the ledger's total, the same
     * on both gateways, however the calls were split between them. It was each gateway's own share (A 2 calls, B 3).
     */
    @Test
    void aKeysSpendIsTheLedgersOnEveryGatewayWhicheverServedItsCalls() throws Exception {
        try (TestGateway a = TestGateway.start(yaml("")); TestGateway b = TestGateway.start(yaml(""))) {
            Admin admin = new Admin(a);
            JsonObject k = admin.generate(new JsonObject().put("key_alias", "split2").put("max_budget", 1));
            String key = k.getString("key");
            String keyId = k.getString("key_id");
            awaitKnown(b, key);
            for (TestGateway g : List.of(a, b, b, b, a)) {
                HttpResponse<String> r = Http.post(g.v1() + "/chat/completions", key, BODY);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            await("all five calls in the ledger").atMost(Duration.ofSeconds(5))
                    .until(() -> admin.getOk("/spend/logs?page_size=100&key=" + keyId).getJsonArray("data").size() == 5);
            BigDecimal total = ledger(admin, "&key=" + keyId);
            for (TestGateway g : List.of(a, b)) {
                Admin on = new Admin(g);
                String where = "on " + g.baseUrl();
                assertThat(new BigDecimal(on.info("split2").getValue("spend").toString())).as("/key/info " + where).isEqualByComparingTo(total);
                JsonObject self = Admin.ok(Http.get(g.baseUrl() + "/key/info", key)).getJsonObject("info");
                assertThat(new BigDecimal(self.getValue("spend").toString())).as("the key about itself " + where).isEqualByComparingTo(total);
                JsonObject listed = on.getOk("/key/list?return_full_object=true&key_alias=split2").getJsonArray("keys").getJsonObject(0);
                assertThat(new BigDecimal(listed.getValue("spend").toString())).as("/key/list " + where).isEqualByComparingTo(total);
                JsonObject ui = on.getOk("/ui/api/keys").getJsonArray("keys").stream().map(JsonObject.class::cast)
                        .filter(o -> keyId.equals(o.getString("key_id"))).findFirst().orElseThrow();
                assertThat(new BigDecimal(ui.getValue("spend").toString())).as("/ui/api/keys " + where).isEqualByComparingTo(total);
                JsonObject row = on.getOk("/ui/api/overview").getJsonArray("keys").stream().map(JsonObject.class::cast)
                        .filter(o -> keyId.equals(o.getString("key_id"))).findFirst().orElseThrow();
                assertThat(new BigDecimal(row.getValue("period_spend").toString())).as("the overview's period_spend " + where)
                        .isEqualByComparingTo(total);
            }
        }
    }

    /** The figure of LiteLLM's "Budget has been exceeded! Current cost: X, Max budget: Y". */
    private static BigDecimal currentCost(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Current cost: ([0-9.]+),").matcher(message);
        assertThat(m.find()).as(message).isTrue();
        return new BigDecimal(m.group(1));
    }

    @Test
    void aNewPeriodStartsWithTheWholeBudgetForEveryGateway() throws Exception {
        try (TestGateway a = TestGateway.start(yaml("")); TestGateway b = TestGateway.start(yaml(""))) {
            Admin admin = new Admin(a);
            // periods of 10 s, short enough to wait for the next (the class's longest wait: it was 20 s periods, ~30 s a
            // run). LiteLLM's 10s resets at :00, :10, :20 ...: the key is made and taken in by B first, then the first
            // period's three calls (a few hundred ms) go out at once when at least 4 s of the period are left, else just
            // after the next boundary. Before, the key was made just after a boundary (a wait of 5 s on average) and the
            // test then waited out nearly the whole period
            JsonObject k = admin.generate(new JsonObject().put("key_alias", "per-period").put("max_budget", 0.01)
                    .put("budget_duration", "10s"));
            String key = k.getString("key");
            awaitKnown(b, key);
            long left = 10_000 - System.currentTimeMillis() % 10_000;
            System.out.printf("%s, a new period: the key known to B with %d ms of its first period left%n", getClass().getSimpleName(), left);
            if (left < 4_000) Thread.sleep(left + 50);
            long periodEnd = (System.currentTimeMillis() / 10_000 + 1) * 10_000;
            assertThat(Http.post(a.v1() + "/chat/completions", key, BODY).statusCode()).isEqualTo(200);
            assertThat(Http.post(a.v1() + "/chat/completions", key, BODY).statusCode()).isEqualTo(200);
            assertThat(Http.post(b.v1() + "/chat/completions", key, BODY).statusCode()).as("this period is spent").isEqualTo(400);

            java.time.Instant reset = java.time.Instant.parse(admin.info(key).getString("budget_reset_at"));
            assertThat(reset.toEpochMilli() % 10_000).as("a boundary of LiteLLM's schedule").isZero();
            assertThat(reset.toEpochMilli()).as("the first period's calls all in the period they began in").isEqualTo(periodEnd);
            Thread.sleep(Math.max(0, java.time.Duration.between(java.time.Instant.now(), reset).toMillis()) + 200);
            // the next period: B first (A's grant of the last one is given up at A's next heartbeat), then A, then no more
            HttpResponse<String> onB = Http.post(b.v1() + "/chat/completions", key, BODY);
            assertThat(onB.statusCode()).as(onB.body()).isEqualTo(200);
            HttpResponse<String> onA = Http.post(a.v1() + "/chat/completions", key, BODY);
            assertThat(onA.statusCode()).as(onA.body()).isEqualTo(200);
            for (TestGateway g : List.of(a, b)) {
                HttpResponse<String> r = Http.post(g.v1() + "/chat/completions", key, BODY);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            }
            assertThat(java.time.Instant.now()).as("all in one period").isBefore(reset.plusSeconds(10));
        }
    }

    @Test
    void anEndUsersBudgetHoldsAcrossGatewaysWhateverKeyTheyCallThrough() throws Exception {
        // every end user may spend $0.01 (LiteLLM's max_end_user_budget); bob got $0.005 of his own on A, which B takes in
        String settings = "litellm_settings: { max_end_user_budget: 0.01 }\n";
        try (TestGateway a = TestGateway.start(yaml(settings)); TestGateway b = TestGateway.start(yaml(settings))) {
            a.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            b.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            Admin admin = new Admin(a);
            String key = admin.generate(new JsonObject().put("key_alias", "app-with-users")).getString("key");
            awaitKnown(b, key);
            String alice = BODY.replace("{\"model\"", "{\"user\":\"alice\",\"model\"");
            Tally t = fire(List.of(a, b), key, 10, alice);
            System.out.printf("%s, an end user: %s%n", getClass().getSimpleName(), t);
            assertThat(t.served).as("alone, each gateway would serve 2: together they may not").isBetween(1, 2);
            assertThat(t.firstRefusal).startsWith("ExceededBudget: End User=alice over budget.");
            // a call B served is in the ledger once B's writer flushed it: until then A's /customer/info may answer 404
            // (no row, no spend yet), which the wait ignores
            await("the ledger holds the served calls").atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() ->
                    new BigDecimal(admin.getOk("/customer/info?end_user_id=alice").getValue("spend").toString()).compareTo(t.charged) == 0);
            assertThat(t.charged).isLessThanOrEqualTo(BUDGET);
            // the master key is no way around it either: the budget is the end user's
            HttpResponse<String> viaMaster = Http.post(b.v1() + "/chat/completions", TestGateway.MASTER_KEY, alice);
            assertThat(viaMaster.statusCode()).as(viaMaster.body()).isEqualTo(400);

            assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "bob").put("max_budget", 0.005)).statusCode())
                    .isEqualTo(200);
            // /customer/list answers from memory (info reads the store): bob's budget applies on B once B's sync took it in
            await("B takes in bob's row").atMost(Duration.ofSeconds(8)).until(() ->
                    new Admin(b).get("/customer/list").body().contains("\"bob\""));
            Tally bob = fire(List.of(a, b), key, 5, BODY.replace("{\"model\"", "{\"user\":\"bob\",\"model\""));
            assertThat(bob.served).as("$0.005 holds one call's worst case").isEqualTo(1);
            assertThat(bob.charged).isLessThanOrEqualTo(new BigDecimal("0.005"));

            // a change on B right after one on A (before B's sync took it in) starts from A's, never undoes it
            Admin onB = new Admin(b);
            JsonObject ub = new JsonObject().put("user_ids", new io.vertx.core.json.JsonArray().add("ursula"));
            assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "ursula")).statusCode()).isEqualTo(200);
            assertThat(admin.post("/customer/block", ub).statusCode()).isEqualTo(200);
            HttpResponse<String> update = onB.post("/customer/update", new JsonObject().put("user_id", "ursula")
                    .put("metadata", new JsonObject().put("plan", "x")));
            assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
            assertThat(new JsonObject(update.body()).getBoolean("blocked")).as("A's block stands").isTrue();
            assertThat(onB.getOk("/customer/info?end_user_id=ursula").getBoolean("blocked")).isTrue();
            assertThat(admin.post("/customer/delete", ub).statusCode()).isEqualTo(200);
            assertThat(onB.post("/customer/update", new JsonObject().put("user_id", "ursula").put("alias", "ghost")).statusCode())
                    .as("deleted on A: not made again by B").isEqualTo(404);
        }
    }

    @Test
    void aTeamsBudgetHoldsAcrossGateways() throws Exception {
        try (TestGateway a = TestGateway.start(yaml("")); TestGateway b = TestGateway.start(yaml(""))) {
            a.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            b.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            Admin admin = new Admin(a);
            assertThat(admin.post("/team/new", new JsonObject().put("team_id", "shared-red").put("max_budget", 0.01)).statusCode())
                    .isEqualTo(200);
            // the key has no budget of its own: only its team's holds it back
            String key = admin.generate(new JsonObject().put("key_alias", "red-agent").put("team_id", "shared-red")).getString("key");
            awaitKnown(b, key);
            await("B takes in the team").atMost(Duration.ofSeconds(8)).until(() ->
                    new Admin(b).get("/team/list").body().contains("\"shared-red\""));
            Tally t = fire(List.of(a, b), key, 10);
            System.out.printf("%s, a team: %s%n", getClass().getSimpleName(), t);
            assertThat(t.served).as("alone, each gateway would serve 2: together they may not").isBetween(1, 2);
            assertThat(t.firstRefusal).startsWith("Budget has been exceeded! Team=shared-red Current cost: ");
            await("the ledger holds the served calls").atMost(Duration.ofSeconds(5)).until(() -> new BigDecimal(
                    admin.getOk("/team/info?team_id=shared-red").getJsonObject("team_info").getValue("spend").toString())
                    .compareTo(t.charged) == 0);
            assertThat(t.charged).isLessThanOrEqualTo(BUDGET);
            // a block on B reaches A within a sync
            assertThat(new Admin(b).post("/team/block", new JsonObject().put("team_id", "shared-red")).statusCode()).isEqualTo(200);
            await("A takes in the block").atMost(Duration.ofSeconds(8)).until(() ->
                    Http.post(a.v1() + "/chat/completions", key, BODY).statusCode() == 401);
        }
    }

    @Test
    void aUsersBudgetHoldsAcrossGatewaysOverAllTheirOwnKeys() throws Exception {
        try (TestGateway a = TestGateway.start(yaml("")); TestGateway b = TestGateway.start(yaml(""))) {
            a.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            b.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            Admin admin = new Admin(a);
            // /user/new makes the user's first key; a second key of theirs is made on B: the budget holds both
            HttpResponse<String> made = admin.post("/user/new", new JsonObject().put("user_id", "shared-ann").put("max_budget", 0.01));
            assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
            String first = new JsonObject(made.body()).getString("key");
            await("B takes in the user").atMost(Duration.ofSeconds(8)).until(() ->
                    new Admin(b).get("/user/info?user_id=shared-ann").statusCode() == 200
                            && new Admin(b).get("/user/list").body().contains("\"shared-ann\""));
            String second = new Admin(b).generate(new JsonObject().put("user_id", "shared-ann")).getString("key");
            awaitKnown(a, second);
            awaitKnown(b, first);
            Tally t = fire(List.of(a, b), List.of(first, second), 10);
            System.out.printf("%s, a user: %s%n", getClass().getSimpleName(), t);
            assertThat(t.served).as("alone, each gateway would serve 2: together they may not").isBetween(1, 2);
            assertThat(t.firstRefusal).startsWith("ExceededBudget: User=shared-ann over budget. Spend=");
            await("the ledger holds the served calls").atMost(Duration.ofSeconds(5)).until(() -> new BigDecimal(
                    admin.getOk("/user/info?user_id=shared-ann").getJsonObject("user_info").getValue("spend").toString())
                    .compareTo(t.charged) == 0);
            assertThat(t.charged).isLessThanOrEqualTo(BUDGET);
        }
    }

    @Test
    void aMembersBudgetInATeamHoldsAcrossGateways() throws Exception {
        try (TestGateway a = TestGateway.start(yaml("")); TestGateway b = TestGateway.start(yaml(""))) {
            a.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            b.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            Admin admin = new Admin(a);
            // the team has $1; its member ann $0.01 of it: her keys of the team, through either gateway, stop there
            assertThat(admin.post("/team/new", new JsonObject().put("team_id", "shared-crew").put("max_budget", 1)).statusCode()).isEqualTo(200);
            HttpResponse<String> added = admin.post("/team/member_add", new JsonObject().put("team_id", "shared-crew")
                    .put("max_budget_in_team", 0.01).put("member", new JsonObject().put("user_id", "shared-ann")));
            assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
            String first = admin.generate(new JsonObject().put("team_id", "shared-crew").put("user_id", "shared-ann")).getString("key");
            String second = admin.generate(new JsonObject().put("team_id", "shared-crew").put("user_id", "shared-ann")).getString("key");
            awaitKnown(b, first);
            awaitKnown(b, second);
            await("B takes in the membership").atMost(Duration.ofSeconds(8)).until(() ->
                    new Admin(b).get("/team/list").body().contains("\"shared-ann\""));
            Tally t = fire(List.of(a, b), List.of(first, second), 10);
            System.out.printf("%s, a team member: %s%n", getClass().getSimpleName(), t);
            assertThat(t.served).as("alone, each gateway would serve 2: together they may not").isBetween(1, 2);
            assertThat(t.firstRefusal).startsWith("Budget has been exceeded! User=shared-ann in Team=shared-crew Current cost: ");
            await("the ledger holds the served calls").atMost(Duration.ofSeconds(5)).until(() ->
                    admin.getOk("/team/info?team_id=shared-crew").getJsonArray("team_memberships").stream()
                            .map(o -> (JsonObject) o).anyMatch(m -> new BigDecimal(m.getValue("spend").toString()).compareTo(t.charged) == 0));
            assertThat(t.charged).isLessThanOrEqualTo(BUDGET);
        }
    }

    /** Until the other gateway has taken in the key made on the first (the key sync, every 2 s). */
    private static void awaitKnown(TestGateway other, String key) {
        Admin admin = new Admin(other);
        await("the key made on A is known to B").atMost(Duration.ofSeconds(8))
                .until(() -> admin.get("/key/info?key=" + key).statusCode() == 200);
    }

    /** What a burst of calls through several gateways came to. */
    record Tally(int served, int refused, BigDecimal charged, String firstRefusal) {}

    /** {@code perGateway} calls through each gateway, all at once; every answer is a 200 or the budget's 400. */
    private static Tally fire(List<TestGateway> gateways, String key, int perGateway) throws Exception {
        return fire(gateways, key, perGateway, BODY);
    }

    private static Tally fire(List<TestGateway> gateways, String key, int perGateway, String body) throws Exception {
        return fire(gateways, List.of(key), perGateway, body);
    }

    /** The calls through each gateway take the keys in turn. */
    private static Tally fire(List<TestGateway> gateways, List<String> keys, int perGateway) throws Exception {
        return fire(gateways, keys, perGateway, BODY);
    }

    private static Tally fire(List<TestGateway> gateways, List<String> keys, int perGateway, String body) throws Exception {
        int n = perGateway * gateways.size();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestGateway g = gateways.get(i % gateways.size());
            String key = keys.get((i / gateways.size()) % keys.size());
            calls.add(pool.submit(() -> {
                go.await();
                return Http.post(g.v1() + "/chat/completions", key, body);
            }));
        }
        go.countDown();
        int served = 0;
        int refused = 0;
        BigDecimal charged = BigDecimal.ZERO;
        String firstRefusal = null;
        for (Future<HttpResponse<String>> f : calls) {
            HttpResponse<String> r = f.get();
            if (r.statusCode() == 200) {
                served++;
                charged = charged.add(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
                continue;
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("type")).isEqualTo("budget_exceeded");
            refused++;
            if (firstRefusal == null) firstRefusal = error.getString("message");
        }
        pool.shutdown();
        return new Tally(served, refused, charged, firstRefusal);
    }

    /** The ledger's spend (every row, or one key's with {@code "&key=ID"}). */
    /**
     * The ledger's total once it holds {@code expected}: A's /spend/logs writes A's rows first, but the calls B served are
     * there only once B's writer flushed them (within a second or so), which a read right after the calls can beat.
     */
    private static BigDecimal ledgerOnceWritten(Admin admin, String filter, BigDecimal expected) {
        await("the ledger holds every served call").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(ledger(admin, filter)).isEqualByComparingTo(expected));
        return ledger(admin, filter);
    }

    private static BigDecimal ledger(Admin admin, String filter) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Object o : admin.getOk("/spend/logs?page_size=1000" + filter).getJsonArray("data")) {
            sum = sum.add(new BigDecimal(((JsonObject) o).getValue("spend").toString()));
        }
        return sum;
    }
}
