package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two gateways on one database (LiteLLM runs several proxies on one PostgreSQL the same way): a key made, blocked,
 * narrowed, rotated or deleted on one is taken in by the other within a few seconds (the sync runs every 2 s), and a
 * change through one right after another's (before its sync took that in) starts from it, never undoes it.
 */
abstract class SharedKeysContract {
    /** The {@code general_settings} lines that choose the one database both gateways use. */
    abstract String databaseSettings();

    private static final Duration SYNC = Duration.ofSeconds(8);

    private static final String CHEAP = "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** The {@code cheap} model's price, for the tests of budgets (a mock model is free otherwise). */
    private static final String PRICED = "    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }\n";
    /** A second model, for the tests of a key's models. */
    private static final String OTHER = "  - model_name: other\n    litellm_params: { model: mock/other-model }\n";

    private String yaml() { return yaml(""); }

    /** Both gateways' config: the {@code cheap} mock model, then {@code more} of the model list, the master key, the database. */
    private String yaml(String more) {
        return "model_list:\n  - model_name: cheap\n    litellm_params: { model: mock/cheap-model }\n" + more
                + "general_settings:\n  master_key: os.environ/MASTER_KEY\n" + databaseSettings();
    }

    @Test
    void keyChangesOnOneGatewayReachTheOther() {
        String yaml = yaml(OTHER);
        try (TestGateway a = TestGateway.start(yaml); TestGateway b = TestGateway.start(yaml)) {
            Admin adminA = new Admin(a);
            JsonObject made = adminA.generate(new JsonObject().put("key_alias", "shared-app").put("models", new JsonArray().add("cheap")));
            String key = made.getString("key");
            String cheap = "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            String other = "{\"model\":\"other\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertThat(Http.post(a.v1() + "/chat/completions", key, cheap).statusCode()).isEqualTo(200);
            await("made on A, known to B").atMost(SYNC).until(() -> Http.post(b.v1() + "/chat/completions", key, cheap).statusCode() == 200);
            assertThat(Http.post(b.v1() + "/chat/completions", key, other).statusCode()).as("B keeps its allowlist").isEqualTo(403);

            adminA.update(new JsonObject().put("key", key).put("models", new JsonArray().add("cheap").add("other")));
            await("widened on A").atMost(SYNC).until(() -> Http.post(b.v1() + "/chat/completions", key, other).statusCode() == 200);

            assertThat(adminA.post("/key/block", new JsonObject().put("key", key)).statusCode()).isEqualTo(200);
            await("blocked on A").atMost(SYNC).until(() -> Http.post(b.v1() + "/chat/completions", key, cheap).statusCode() == 401);
            assertThat(adminA.post("/key/unblock", new JsonObject().put("key", key)).statusCode()).isEqualTo(200);
            await("unblocked on A").atMost(SYNC).until(() -> Http.post(b.v1() + "/chat/completions", key, cheap).statusCode() == 200);

            String rotated = Admin.ok(adminA.post("/key/regenerate", new JsonObject().put("key", key))).getString("key");
            await("rotated on A: the old secret stops on B").atMost(SYNC)
                    .until(() -> Http.post(b.v1() + "/chat/completions", key, cheap).statusCode() == 401);
            assertThat(Http.post(b.v1() + "/chat/completions", rotated, cheap).statusCode()).isEqualTo(200);

            assertThat(adminA.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(rotated))).statusCode()).isEqualTo(200);
            await("deleted on A").atMost(SYNC).until(() -> Http.post(b.v1() + "/chat/completions", rotated, cheap).statusCode() == 401);
            assertThat(new Admin(b).get("/key/info?key=shared-app").statusCode()).isEqualTo(404);
        }
    }

    // QA (2026-12-07, two gateways behind one load balancer): a key generated through A and used at once landed on B,
    // which had not synced yet, and was refused 401 "it may have been deleted or rotated" for up to 2 s. B now looks a
    // key it does not know up in the store before refusing it.
    @Test
    void aKeyMadeOnOneGatewayIsServedByTheOtherAtOnce() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin onA = new Admin(a);
            for (int i = 0; i < 3; i++) {
                String key = onA.generate(new JsonObject().put("key_alias", "fresh-" + i).put("max_budget", 1)).getString("key");
                if (i == 0) assertThat(Http.get(b.v1() + "/models", key).statusCode()).as("the model list first").isEqualTo(200);
                assertThat(chat(b, key)).as("key %d's first call, on the gateway that did not make it", i).isEqualTo(200);
                String messages = "{\"model\":\"cheap\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                assertThat(Http.post(b.baseUrl() + "/v1/messages", key, messages).statusCode()).as("Anthropic's dialect").isEqualTo(200);
            }
            // a burst of first calls with one new key: one look-up in the store, every call served
            String burst = onA.generate(new JsonObject().put("key_alias", "fresh-burst")).getString("key");
            servesABurst(b, burst);
            // a key no gateway made is still refused, in the same words, and so is its repeat (not asked about again)
            String invented = "sk-sb-" + "x".repeat(43);
            for (int i = 0; i < 2; i++) {
                long before = b.gateway.keys().storeLookUps();
                HttpResponse<String> refused = Http.post(b.v1() + "/chat/completions", invented, CHEAP);
                assertThat(refused.statusCode()).isEqualTo(401);
                assertThat(refused.body()).contains("invalid_api_key").contains("not the master key or a known virtual key");
                // the first asks the store, the repeat within a sync does not (a sync in between would ask once more)
                if (i == 1) assertThat(b.gateway.keys().storeLookUps() - before).as("the repeat's look-ups").isLessThanOrEqualTo(0);
            }
        }
    }

    // Review (2026-12-07): a burst of first calls with one new key asks the store once (counted, not only claimed), and
    // one client sending ever new invented secrets gets the 401 at once after the misses a sync allows.
    @Test
    void aBurstAsksTheStoreOnceAndInventedKeysHaveABudget() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            String burst = new Admin(a).generate(new JsonObject().put("key_alias", "fresh-burst")).getString("key");
            long before = b.gateway.keys().storeLookUps();
            servesABurst(b, burst);
            // one, or none when B's sync took the key in first
            assertThat(b.gateway.keys().storeLookUps() - before).as("store reads for the burst").isLessThanOrEqualTo(1);

            // invented secrets, one after another: no more than a sync's budget of misses read the store (a budget
            // between two syncs, plus the one under way when the loop began)
            long start = b.gateway.keys().storeLookUps();
            long began = System.currentTimeMillis();
            int sent = 200;
            for (int i = 0; i < sent; i++) {
                String invented = "sk-sb-" + java.util.UUID.randomUUID().toString().replace("-", "") + "-invented";
                assertThat(chat(b, invented)).isEqualTo(401);
            }
            long elapsed = System.currentTimeMillis() - began;
            long reads = b.gateway.keys().storeLookUps() - start;
            long budgets = 2 + elapsed / dev.switchboard.govern.Governance.KEY_SYNC_MILLIS;
            assertThat(reads).as("store reads for %d invented keys in %d ms", sent, elapsed).isLessThanOrEqualTo(budgets * 32);
        }
    }

    // Review (2026-12-07): the old secret of a key rotated on A with a grace period, used on B before B's sync, was not
    // found by the look-up (only the keys' table was read); and the Responses API's reads of a stored response refused a
    // key B did not know yet, where its POST /v1/responses looked it up.
    @Test
    void anOldSecretInGraceAndAResponsesReadAreLookedUpToo() {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin onA = new Admin(a);
            String old = onA.generate(new JsonObject().put("key_alias", "rotated-fresh")).getString("key");
            String fresh = Admin.ok(onA.post("/key/regenerate", new JsonObject().put("key", old).put("grace_period", "1h"))).getString("key");
            assertThat(chat(b, old)).as("the old secret, in its grace, at its first call on B").isEqualTo(200);
            assertThat(chat(b, fresh)).isEqualTo(200);

            String key = onA.generate(new JsonObject().put("key_alias", "responses-fresh")).getString("key");
            HttpResponse<String> read = Http.get(b.v1() + "/responses/resp_unknown", key);
            assertThat(read.statusCode()).as("a read with a key made on A a moment ago: " + read.body()).isEqualTo(404);
            String infoKey = onA.generate(new JsonObject().put("key_alias", "info-fresh")).getString("key");
            HttpResponse<String> info = Http.get(b.baseUrl() + "/key/info", infoKey);
            assertThat(info.statusCode()).as("/key/info of a key about itself, made on A a moment ago: " + info.body()).isEqualTo(200);
        }
    }

    // Review (2026-12-07): a key made by /user/new on A carries none of its own budget or models (its user's hold it);
    // B took the key in at its first call but not its user, so the call skipped the user's budget and models until
    // B's sync. The user (and a team) now come in with the key.
    @Test
    void aNewUsersOrTeamsKeyIsHeldToItsUserAndTeamAtItsFirstCallOnTheOther() {
        String yaml = yaml(PRICED + OTHER);
        String other = "{\"model\":\"other\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (TestGateway a = TestGateway.start(yaml); TestGateway b = TestGateway.start(yaml)) {
            Admin onA = new Admin(a);
            JsonObject made = onA.postOk("/user/new", new JsonObject().put("user_id", "fresh-user").put("max_budget", 0.0000001)
                    .put("models", new JsonArray().add("cheap")));
            String key = made.getString("key");
            HttpResponse<String> otherModel = Http.post(b.v1() + "/chat/completions", key, other);
            assertThat(otherModel.statusCode()).as("the user's models, at the key's first call on B: " + otherModel.body()).isEqualTo(403);
            HttpResponse<String> cheap = Http.post(b.v1() + "/chat/completions", key, CHEAP);
            assertThat(cheap.statusCode()).as("the user's budget: " + cheap.body()).isEqualTo(400);
            assertThat(cheap.body()).contains("budget_exceeded");

            onA.postOk("/team/new", new JsonObject().put("team_id", "fresh-team").put("max_budget", 0.0000001)
                    .put("models", new JsonArray().add("cheap")));
            String teamKey = onA.generate(new JsonObject().put("team_id", "fresh-team")).getString("key");
            HttpResponse<String> teamOther = Http.post(b.v1() + "/chat/completions", teamKey, other);
            assertThat(teamOther.statusCode()).as("the team's models, at the key's first call on B: " + teamOther.body()).isEqualTo(403);
            HttpResponse<String> teamCheap = Http.post(b.v1() + "/chat/completions", teamKey, CHEAP);
            assertThat(teamCheap.statusCode()).as("the team's budget: " + teamCheap.body()).isEqualTo(400);
            assertThat(teamCheap.body()).contains("budget_exceeded");
        }
    }

    // Leftover of the look-up (2026-12-07, thirty-seventh session): /logs and /logs/{id} authenticated from memory only,
    // so a key made on A read its own logs on B only after B's sync (401 before it).
    @Test
    void aKeyMadeOnOneGatewayReadsItsLogsOnTheOtherAtOnce() {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin onA = new Admin(a);
            String key = onA.generate(new JsonObject().put("key_alias", "logs-fresh")).getString("key");
            HttpResponse<String> logs = Http.get(b.baseUrl() + "/logs", key);
            assertThat(logs.statusCode()).as("/logs with a key made on A a moment ago: " + logs.body()).isEqualTo(200);
            assertThat(new JsonObject(logs.body()).getInteger("total")).isEqualTo(0);
            String other = onA.generate(new JsonObject().put("key_alias", "log-fresh")).getString("key");
            HttpResponse<String> one = Http.get(b.baseUrl() + "/logs/req_unknown", other);
            assertThat(one.statusCode()).as("/logs/{id} with a key made on A a moment ago: " + one.body()).isEqualTo(404);
            // an invented key is still refused, in the same words
            HttpResponse<String> invented = Http.get(b.baseUrl() + "/logs", "sk-sb-" + "y".repeat(43));
            assertThat(invented.statusCode()).isEqualTo(401);
            assertThat(invented.body()).contains("invalid_api_key");
        }
    }

    // Leftover of the look-up (2026-12-07, thirty-seventh session): a member's budget in a team (team_member_budget, or
    // their max_budget_in_team) made on A must hold their key's first call on B. A team B has not seen comes in with the
    // key (its row carries its members); a member added on A to a team B already holds did not: B's copy of the team
    // lacked them, so the call ran without their budget until B's sync.
    @Test
    void aMembersBudgetInATeamMadeOnOneGatewayHoldsTheirFirstCallOnTheOther() {
        String yaml = yaml(PRICED);
        try (TestGateway a = TestGateway.start(yaml); TestGateway b = TestGateway.start(yaml)) {
            Admin onA = new Admin(a);
            // a new team, with a member budget for everyone in it
            onA.postOk("/team/new", new JsonObject().put("team_id", "fresh-squad").put("team_member_budget", 0.0000001));
            onA.postOk("/team/member_add", new JsonObject().put("team_id", "fresh-squad")
                    .put("member", new JsonObject().put("user_id", "fresh-ann")));
            String ann = onA.generate(new JsonObject().put("team_id", "fresh-squad").put("user_id", "fresh-ann")).getString("key");
            HttpResponse<String> first = Http.post(b.v1() + "/chat/completions", ann, CHEAP);
            assertThat(first.statusCode()).as("the member's budget, at the key's first call on B: " + first.body()).isEqualTo(400);
            assertThat(first.body()).contains("budget_exceeded").contains("User=fresh-ann in Team=fresh-squad");

            // a team B holds already (a key of it called there), a member added on A after that, with a budget of their own
            onA.postOk("/team/new", new JsonObject().put("team_id", "known-squad"));
            String teamKey = onA.generate(new JsonObject().put("team_id", "known-squad")).getString("key");
            assertThat(chat(b, teamKey)).as("B takes the team in with this key").isEqualTo(200);
            onA.postOk("/team/member_add", new JsonObject().put("team_id", "known-squad").put("max_budget_in_team", 0.0000001)
                    .put("member", new JsonObject().put("user_id", "fresh-bo")));
            String bo = onA.generate(new JsonObject().put("team_id", "known-squad").put("user_id", "fresh-bo")).getString("key");
            HttpResponse<String> boFirst = Http.post(b.v1() + "/chat/completions", bo, CHEAP);
            assertThat(boFirst.statusCode()).as("a new member's budget in a team B knew: " + boFirst.body()).isEqualTo(400);
            assertThat(boFirst.body()).contains("budget_exceeded").contains("User=fresh-bo in Team=known-squad");
            // a user B knows already (their own key called there) added to the team afterwards: no row is new to B
            String cyOwn = onA.postOk("/user/new", new JsonObject().put("user_id", "fresh-cy")).getString("key");
            assertThat(chat(b, cyOwn)).as("B takes the user in with this key").isEqualTo(200);
            onA.postOk("/team/member_add", new JsonObject().put("team_id", "known-squad").put("max_budget_in_team", 0.0000001)
                    .put("member", new JsonObject().put("user_id", "fresh-cy")));
            String cy = onA.generate(new JsonObject().put("team_id", "known-squad").put("user_id", "fresh-cy")).getString("key");
            HttpResponse<String> cyFirst = Http.post(b.v1() + "/chat/completions", cy, CHEAP);
            assertThat(cyFirst.statusCode()).as("a known user's new budget in a team B knew: " + cyFirst.body()).isEqualTo(400);
            assertThat(cyFirst.body()).contains("User=fresh-cy in Team=known-squad");
        }
    }

    // Leftover of the look-up (2026-12-07, thirty-seventh session): not measured under a live flood. 2,000 invented keys
    // from one client, 64 connections at once (half of the shape of no key, counted as guesses at the master key; half
    // of a virtual key's shape), while a valid key calls on and an admin makes a key: every valid call is served, every
    // invented key refused 401 (or the throttle's 429), the store read no more than the misses a sync allows.
    @Test
    void aFloodOfInventedKeysSlowsNoValidKeyAndReadsTheStoreABoundedNumberOfTimes() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin onA = new Admin(a);
            String valid = onA.generate(new JsonObject().put("key_alias", "flood-valid")).getString("key");
            assertThat(chat(b, valid)).isEqualTo(200);
            List<Long> before = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) before.add(timedChat(b, valid));

            int sent = 2_000;
            String attacker = "127.0.0.31";
            java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.atomic.AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.ConcurrentLinkedQueue<String> odd = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
            List<Long> during = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            List<Integer> validStatuses = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            long lookUpsBefore = b.gateway.keys().storeLookUps();
            ExecutorService pool = Executors.newFixedThreadPool(64);
            ExecutorService app = Executors.newSingleThreadExecutor();
            try {
                Future<?> calls = app.submit(() -> {
                    while (flooding.get()) {
                        long t0 = System.nanoTime();
                        validStatuses.add(chat(b, valid));
                        during.add(System.nanoTime() - t0);
                    }
                });
                long began = System.currentTimeMillis();
                List<Future<?>> flood = new java.util.ArrayList<>();
                java.security.SecureRandom random = new java.security.SecureRandom();
                for (int i = 0; i < sent; i++) {
                    byte[] secret = new byte[32];
                    random.nextBytes(secret);
                    String b64 = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
                    String invented = i % 2 == 0 ? "sk-sb-" + b64 : "sk-" + java.util.HexFormat.of().formatHex(secret, 0, 16);
                    boolean guess = i % 2 != 0;
                    flood.add(pool.submit(() -> {
                        dev.switchboard.support.RawHttp.Exchange e = dev.switchboard.support.RawHttp.exchange(attacker, b.server.port(),
                                dev.switchboard.support.RawHttp.post("/v1/chat/completions", "Host: 127.0.0.1\r\nAuthorization: Bearer "
                                        + invented + "\r\nContent-Type: application/json\r\n", CHEAP), 10_000);
                        statuses.computeIfAbsent(e.status(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                        boolean expected = e.status() == 401 && e.body().contains("invalid_api_key")
                                || guess && e.status() == 429 && e.body().contains("too_many_failed_authentications");
                        if (!expected) odd.add((guess ? "guess " : "virtual-key shape ") + e.status() + ": " + e.body());
                    }));
                }
                // an admin's change on the flooded gateway meanwhile: the key worker the look-ups run on is not held up
                long t0 = System.nanoTime();
                String made = new Admin(b).generate(new JsonObject().put("key_alias", "made-during-flood")).getString("key");
                long generateMillis = (System.nanoTime() - t0) / 1_000_000;
                assertThat(chat(b, made)).isEqualTo(200);
                // a key made on A in the middle of the flood, used on B at once from another client: the flood spent
                // its own address's share of the look-ups, not this client's (before: 401 until the sync)
                await("the flood under way").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() ->
                        statuses.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum() >= 300);
                String fresh = onA.generate(new JsonObject().put("key_alias", "fresh-during-flood")).getString("key");
                int freshStatus = chat(b, fresh);
                int flooded = statuses.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum();
                assertThat(freshStatus).as("a new key's first call on B during the flood (%d of %d sent)", flooded, sent).isEqualTo(200);
                for (Future<?> f : flood) f.get(60, TimeUnit.SECONDS);
                long elapsed = System.currentTimeMillis() - began;
                flooding.set(false);
                calls.get(30, TimeUnit.SECONDS);
                long reads = b.gateway.keys().storeLookUps() - lookUpsBefore;
                long budgets = 2 + elapsed / dev.switchboard.govern.Governance.KEY_SYNC_MILLIS;
                System.out.printf("flood of %d invented keys: %d ms (%s), %d store look-ups; valid key: %d calls, "
                                + "p50 %.2f ms / p99 %.2f ms before, p50 %.2f ms / p99 %.2f ms / max %.2f ms during; /key/generate %d ms%n",
                        sent, elapsed, statuses, reads, during.size(), pct(before, 50), pct(before, 99), pct(during, 50),
                        pct(during, 99), pct(during, 100), generateMillis);
                assertThat(odd).as("invented keys answered otherwise than 401 / the throttle's 429").isEmpty();
                assertThat(statuses.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum()).isEqualTo(sent);
                assertThat(validStatuses).as("the valid key's calls during the flood").isNotEmpty().containsOnly(200);
                // one address gets at most half the gateway's misses a sync (its share, then more while over half is
                // left); the keys found (the one made on A during the flood) give theirs back, so 2 more at most
                assertThat(reads).as("store reads for %d invented keys from one address in %d ms", sent, elapsed)
                        .isLessThanOrEqualTo(budgets * (dev.switchboard.govern.KeySyncs.MISSES_PER_SYNC / 2) + 2);
                assertThat(generateMillis).as("/key/generate on the flooded gateway").isLessThan(2_000);
            } finally {
                flooding.set(false);
                pool.shutdownNow();
                app.shutdownNow();
            }
        }
    }

    // Review of the per-client share (2026-12-07, thirty-seventh session): behind one proxy address every client shared
    // 8 misses a sync where they had 32. Past its share a client goes on while the gateway has more than half left: one
    // address gets 16 look-ups a sync, and the other 16 stay for the other clients.
    @Test
    void oneAddressGoesPastItsShareWhileTheGatewayKeepsHalfItsLookUps() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            String fresh = new Admin(a).generate(new JsonObject().put("key_alias", "fresh-past-share")).getString("key");
            int half = dev.switchboard.govern.KeySyncs.MISSES_PER_SYNC / 2;
            dev.switchboard.govern.KeySyncs.syncNow(b.gateway.keys()); // each client's share and the gateway's full again
            long before = b.gateway.keys().storeLookUps();
            for (int i = 0; i < half; i++) {
                dev.switchboard.support.RawHttp.Exchange e = invented("127.0.0.41", b, i);
                assertThat(e.status()).isEqualTo(401);
            }
            // a sync in between gives the shares back, so each of these is looked up either way (before: 8, then 401 at once)
            assertThat(b.gateway.keys().storeLookUps() - before).as("look-ups for one address's %d invented keys", half)
                    .isEqualTo(half);
            assertThat(chat(b, fresh)).as("another client's new key: the gateway kept the other half").isEqualTo(200);
        }
    }

    // Thirty-eighth session: three addresses flooding invented keys spent the gateway's 32 misses (8 each of their own
    // shares, and the first one 8 more while over half was left), so a key made on A and used on B from a fourth
    // address got 401 until the sync. Now an address's first miss of a sync comes from a half of its own
    // (LookUpShares): the fourth address still finds one. The flood asks B's key admin directly, one look-up after the
    // other (a millisecond each); the fourth address's call goes through B's socket. B's timer sync (500 ms in the
    // suite) refills the misses and takes the new key in: a round it fell into (a flooding address looked up again
    // after it) is run again, so the check holds for a round inside one sync.
    @Test
    void floodsFromThreeAddressesLeaveAFourthItsLookUp() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin onA = new Admin(a);
            for (int round = 0; round < 10; round++) {
                String fresh = onA.generate(new JsonObject().put("key_alias", "fresh-three-floods-" + round)).getString("key");
                List<String> floods = List.of("127.0.1." + round, "127.0.2." + round, "127.0.3." + round);
                int refused = 0;
                for (String from : floods) {
                    for (int i = 0; i < dev.switchboard.govern.KeySyncs.MISSES_PER_SYNC / 2; i++) {
                        io.vertx.core.Future<Boolean> f = b.gateway.keys().lookUp(inventedSecret(), from);
                        if (f == null) refused++;
                        else assertThat(f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isFalse();
                    }
                }
                // a sync inside the flood may have taken the new key in (and the later floods spent the misses again):
                // then the fourth address's call needs no look-up, and the round says nothing
                boolean known = b.gateway.keys().knows(fresh);
                long lookUpsBefore = b.gateway.keys().storeLookUps();
                int status = invented("127.0.4." + round, b, -1, fresh).status();
                long lookUps = b.gateway.keys().storeLookUps() - lookUpsBefore;
                io.vertx.core.Future<Boolean> again = b.gateway.keys().lookUp(inventedSecret(), floods.get(0));
                if (refused == 0 || again != null || known) continue; // a sync ran during the round: misses refilled
                assertThat(status).as("a fourth address's new key after three addresses flooded (round %d)", round).isEqualTo(200);
                assertThat(lookUps).as("the fourth address's call looked its key up (round %d)", round).isPositive();
                return;
            }
            throw new AssertionError("every round had B's key sync in it");
        }
    }

    private static String inventedSecret() {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        return "sk-sb-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    // Review of the per-client share (2026-12-07, thirty-seventh session): one address could hold every place among the
    // look-ups at once (its share, 8, was MAX_LOOKUPS), so another client's new key arriving then was refused 401 at once.
    // B's key worker is held so that the flooding address's look-ups stay queued; then another client's new key comes.
    @Test
    void oneAddressHoldsNoMoreThanItsPlacesAmongTheLookUps() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            String fresh = new Admin(a).generate(new JsonObject().put("key_alias", "fresh-places")).getString("key");
            ExecutorService pool = Executors.newFixedThreadPool(10);
            java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            io.vertx.core.WorkerExecutor keyWorker = b.vertx.createSharedWorkerExecutor("switchboard-key-admin", 1);
            try {
                keyWorker.executeBlocking(() -> {
                    held.countDown();
                    return release.await(10, TimeUnit.SECONDS);
                }, true);
                assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
                java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
                List<Future<Integer>> flood = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    flood.add(pool.submit(() -> {
                        int status = invented("127.0.0.43", b, n).status();
                        answered.incrementAndGet();
                        return status;
                    }));
                }
                await("the flood's look-ups queued or refused").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2))
                        .until(() -> b.gateway.keys().lookUpsRunning() + answered.get() == 8);
                assertThat(b.gateway.keys().lookUpsRunning()).as("the flooding address's places")
                        .isLessThanOrEqualTo(dev.switchboard.govern.KeySyncs.MAX_LOOKUPS_PER_CLIENT);
                Future<Integer> other = pool.submit(() -> invented(null, b, -1, fresh).status());
                Thread.sleep(150);
                release.countDown();
                assertThat(other.get(10, TimeUnit.SECONDS)).as("another client's new key while one address floods").isEqualTo(200);
                for (Future<Integer> f : flood) assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(401);
            } finally {
                release.countDown();
                pool.shutdownNow();
                keyWorker.close();
            }
        }
    }

    // Review of the team look-up (2026-12-07, thirty-seventh session): the key sync took a new key in without the owner
    // check a look-up makes, so a key of a member just added on A, taken in by B's sync while B's copy of the team lacked
    // the member, ran without their budget in the team until B's team sync (200 where it is 400 budget_exceeded).
    @Test
    void theKeySyncTakesANewMembersKeyInOnlyWithTheirTeamRow() throws Exception {
        String yaml = yaml(PRICED);
        try (TestGateway a = TestGateway.start(yaml); TestGateway b = TestGateway.start(yaml)) {
            Admin onA = new Admin(a);
            onA.postOk("/team/new", new JsonObject().put("team_id", "synced-squad"));
            String teamKey = onA.generate(new JsonObject().put("team_id", "synced-squad")).getString("key");
            assertThat(chat(b, teamKey)).as("B takes the team in with this key").isEqualTo(200);
            for (String user : List.of("synced-di", "synced-ed")) {
                onA.postOk("/team/member_add", new JsonObject().put("team_id", "synced-squad").put("max_budget_in_team", 0.0000001)
                        .put("member", new JsonObject().put("user_id", user)));
                String key = onA.generate(new JsonObject().put("team_id", "synced-squad").put("user_id", user)).getString("key");
                dev.switchboard.govern.KeySyncs.syncNow(b.gateway.keys()); // B's key sync, before its team sync runs
                HttpResponse<String> first = Http.post(b.v1() + "/chat/completions", key, CHEAP);
                assertThat(first.statusCode()).as("a new member's first call on B after B's key sync: " + first.body()).isEqualTo(400);
                assertThat(first.body()).contains("budget_exceeded").contains("User=" + user + " in Team=synced-squad");
            }
        }
    }

    /** An invented key of a virtual key's shape (number {@code n}) sent from {@code from} (null: any local address). */
    private static dev.switchboard.support.RawHttp.Exchange invented(String from, TestGateway g, int n) {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        return invented(from, g, n, "sk-sb-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    private static dev.switchboard.support.RawHttp.Exchange invented(String from, TestGateway g, int n, String key) {
        return dev.switchboard.support.RawHttp.exchange(from, g.server.port(), dev.switchboard.support.RawHttp.post(
                "/v1/chat/completions", "Host: 127.0.0.1\r\nAuthorization: Bearer " + key
                        + "\r\nContent-Type: application/json\r\n", CHEAP), 10_000);
    }

    private static long timedChat(TestGateway g, String key) {
        long t0 = System.nanoTime();
        assertThat(chat(g, key)).isEqualTo(200);
        return System.nanoTime() - t0;
    }

    /** The {@code p}th percentile of these nanosecond times, in ms. */
    private static double pct(List<Long> nanos, int p) {
        List<Long> sorted = new java.util.ArrayList<>(nanos);
        java.util.Collections.sort(sorted);
        if (sorted.isEmpty()) return Double.NaN;
        int i = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, i)) / 1e6;
    }

    // The QA repros: each gateway wrote the whole key row from its own copy, up to one sync (2 s) old, so a change
    // through B right after one through A undid A's. Each test first waits until B knows the key, so that B's copy is
    // the stale one the defect needs, then makes B's change well within B's next sync.

    @Test
    void aBlockOnOneGatewayStandsThroughAnUpdateOnTheOtherAMomentLater() {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin onA = new Admin(a);
            Admin onB = new Admin(b);
            String key = madeAndKnownToB(onA, b, "race-block");
            Admin.ok(onA.post("/key/block", new JsonObject().put("key", key)));
            JsonObject updated = onB.update(new JsonObject().put("key", key).put("max_budget", 5));
            assertThat(updated.getBoolean("blocked")).as("B's update starts from A's block").isTrue();
            assertThat(updated.getDouble("max_budget")).isEqualTo(5.0);
            assertThat(chat(b, key)).as("B took in the row it wrote").isEqualTo(401);
            await("A takes in B's budget").atMost(SYNC).until(() -> Double.valueOf(5.0).equals(onA.info("race-block").getDouble("max_budget")));
            assertThat(onA.info("race-block").getBoolean("blocked")).isTrue();
            assertThat(chat(a, key)).isEqualTo(401);
        }
    }

    @Test
    void aRotatedAwaySecretIsAnUnknownKeyOnTheOtherGatewayAtOnce() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin onA = new Admin(a);
            Admin onB = new Admin(b);
            String old = madeAndKnownToB(onA, b, "race-rotate");
            String rotated = Admin.ok(onA.post("/key/regenerate", new JsonObject().put("key", old))).getString("key");
            HttpResponse<String> byOld = onB.post("/key/update", new JsonObject().put("key", old).put("max_budget", 5));
            assertThat(byOld.statusCode()).as("an update by the old secret: " + byOld.body()).isEqualTo(404);
            assertThat(byOld.body()).contains("key_not_found").doesNotContain(old);
            assertThat(onB.post("/key/block", new JsonObject().put("key", old)).statusCode()).isEqualTo(404);
            assertThat(onB.post("/key/regenerate", new JsonObject().put("key", old)).statusCode()).isEqualTo(404);
            assertThat(onB.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(old))).statusCode()).isEqualTo(404);
            assertThat(chat(b, old)).as("B's refused change dropped the old secret from its memory too").isEqualTo(401);
            assertThat(chat(b, rotated)).isEqualTo(200);
            Thread.sleep(dev.switchboard.govern.Governance.KEY_SYNC_MILLIS + 500); // past a sync on each gateway: nothing brings the old secret back
            for (TestGateway g : List.of(a, b)) {
                assertThat(chat(g, old)).as("the rotated-away secret").isEqualTo(401);
                assertThat(chat(g, rotated)).as("the new secret").isEqualTo(200);
            }
        }
    }

    @Test
    void fieldsChangedThroughBothGatewaysAMomentApartAreAllKept() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin onA = new Admin(a);
            Admin onB = new Admin(b);
            String key = madeAndKnownToB(onA, b, "race-limits");
            onA.update(new JsonObject().put("key", key).put("rpm_limit", 111));
            JsonObject both = onB.update(new JsonObject().put("key", key).put("tpm_limit", 22222));
            assertThat(both.getLong("rpm_limit")).as("A's field, kept by B's update").isEqualTo(111L);
            assertThat(both.getLong("tpm_limit")).isEqualTo(22222L);
            await("A takes in B's field").atMost(SYNC).until(() -> Long.valueOf(22222).equals(onA.info("race-limits").getLong("tpm_limit")));
            assertThat(onA.info("race-limits").getLong("rpm_limit")).isEqualTo(111L);

            // both at the same moment, a few rounds: whichever writes second starts from the first's row
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                for (int round = 1; round <= 4; round++) {
                    long rpm = 200 + round;
                    long tpm = 30000 + round;
                    Future<JsonObject> fromA = two.submit(() -> onA.update(new JsonObject().put("key", key).put("rpm_limit", rpm)));
                    Future<JsonObject> fromB = two.submit(() -> onB.update(new JsonObject().put("key", key).put("tpm_limit", tpm)));
                    JsonObject ra = fromA.get(30, TimeUnit.SECONDS);
                    JsonObject rb = fromB.get(30, TimeUnit.SECONDS);
                    boolean aSawB = ra.getLong("tpm_limit") == tpm;
                    boolean bSawA = rb.getLong("rpm_limit") == rpm;
                    assertThat(aSawB || bSawA).as("round %d: the second write kept the first's field (A %s, B %s)", round, ra, rb).isTrue();
                }
            } finally {
                two.shutdownNow();
            }
            for (Admin g : List.of(onA, onB)) {
                await("both gateways agree on both fields").atMost(SYNC).until(() ->
                        Long.valueOf(204).equals(g.info("race-limits").getLong("rpm_limit"))
                                && Long.valueOf(30004).equals(g.info("race-limits").getLong("tpm_limit")));
            }
        }
    }

    @Test
    void aKeyDeletedOnOneGatewayIsNotMadeAgainByAnUpdateOnTheOther() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin onA = new Admin(a);
            Admin onB = new Admin(b);
            String key = madeAndKnownToB(onA, b, "race-delete");
            Admin.ok(onA.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(key))));
            HttpResponse<String> ghost = onB.post("/key/update", new JsonObject().put("key", key).put("max_budget", 5));
            assertThat(ghost.statusCode()).as(ghost.body()).isEqualTo(404);
            assertThat(onB.post("/key/update", new JsonObject().put("key_alias", "race-delete").put("rpm_limit", 3)).statusCode())
                    .isEqualTo(404);
            assertThat(chat(b, key)).isEqualTo(401);
            Thread.sleep(2 * dev.switchboard.govern.Governance.KEY_SYNC_MILLIS + 500); // past two syncs on each gateway
            for (TestGateway g : List.of(a, b)) {
                assertThat(new Admin(g).get("/key/info?key=race-delete").statusCode()).isEqualTo(404);
                assertThat(chat(g, key)).isEqualTo(401);
            }
        }
    }

    /**
     * An alias A's key took a moment ago, which B's copy does not know yet: B's generate is refused by the store's unique
     * column, and the caller gets the 400 a clash B saw in memory gets (it was a 500).
     */
    @Test
    void anAliasTakenOnOneGatewayAMomentAgoIsA400OnTheOther() {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin onA = new Admin(a);
            Admin onB = new Admin(b);
            onA.generate(new JsonObject().put("key_alias", "race-alias"));
            HttpResponse<String> second = onB.post("/key/generate", new JsonObject().put("key_alias", "race-alias"));
            assertThat(second.statusCode()).as(second.body()).isEqualTo(400);
            assertThat(new JsonObject(second.body()).getJsonObject("error").getString("param")).isEqualTo("key_alias");
        }
    }

    /**
     * LiteLLM's grace_period, rotated on A: the old secret keeps working on B as the same key once B has taken in the
     * rotation (its grace is in the store, not only in A's memory), and stops on both when it ends; a second rotation on A
     * without grace ends it on B within a sync.
     */
    @Test
    void aGracePeriodGivenOnOneGatewayHoldsOnTheOtherAndEndsOnBoth() {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin onA = new Admin(a);
            String old = madeAndKnownToB(onA, b, "race-grace");
            JsonObject rotated = Admin.ok(onA.post("/key/regenerate", new JsonObject().put("key", old).put("grace_period", "8s")));
            long rotatedAt = System.currentTimeMillis();
            String fresh = rotated.getString("key");
            await("B takes in the rotation").atMost(SYNC).until(() -> chat(b, fresh) == 200);
            HttpResponse<String> byOld = Http.post(b.v1() + "/chat/completions", old, CHEAP);
            assertThat(byOld.statusCode()).as("the old secret on B, after B took in the rotation: " + byOld.body()).isEqualTo(200);
            assertThat(new Admin(b).ledgerRows(byOld, "key=" + rotated.getString("key_id"))).as("charged to the key").hasSize(1);
            assertThat(chat(a, old)).isEqualTo(200);
            for (TestGateway g : List.of(a, b)) {
                await("the grace ends").atMost(Duration.ofSeconds(14)).pollInterval(Duration.ofMillis(100)).until(() -> chat(g, old) == 401);
                assertThat(chat(g, fresh)).isEqualTo(200);
            }
            assertThat(System.currentTimeMillis() - rotatedAt).as("not before its 8 s").isGreaterThanOrEqualTo(7_900);

            // a grace ended by a later rotation on A ends on B within a sync
            String next = Admin.ok(onA.post("/key/regenerate", new JsonObject().put("key", fresh).put("grace_period", "1h"))).getString("key");
            await("B takes in the second rotation").atMost(SYNC).until(() -> chat(b, next) == 200);
            assertThat(chat(b, fresh)).as("in its grace on B").isEqualTo(200);
            String last = Admin.ok(onA.post("/key/regenerate", new JsonObject().put("key", next))).getString("key");
            assertThat(chat(a, fresh)).isEqualTo(401);
            await("the ended grace on B").atMost(SYNC).until(() -> chat(b, fresh) == 401);
            await("B takes in the third rotation").atMost(SYNC).until(() -> chat(b, last) == 200);
            assertThat(chat(b, next)).isEqualTo(401);
        }
    }

    /** A key made on A, once B's sync has taken it in (B's copy of it is then the one a later change on A leaves stale). */
    private static String madeAndKnownToB(Admin onA, TestGateway b, String alias) {
        String key = onA.generate(new JsonObject().put("key_alias", alias)).getString("key");
        await(alias + " known to B").atMost(SYNC).until(() -> chat(b, key) == 200);
        return key;
    }

    /** Twelve calls at once with one key on {@code g}, each served. */
    private static void servesABurst(TestGateway g, String key) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Integer>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) calls.add(pool.submit(() -> chat(g, key)));
            for (Future<Integer> f : calls) assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
    }

    private static int chat(TestGateway g, String key) {
        return Http.post(g.v1() + "/chat/completions", key, CHEAP).statusCode();
    }
}
