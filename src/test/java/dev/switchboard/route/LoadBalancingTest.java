package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.model.Answer;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.GatewayException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The strategies and limits of a model group, driven through the real router with in-process providers. */
class LoadBalancingTest {
    static Vertx vertx;

    @BeforeAll
    static void start() { vertx = Vertx.vertx(); }

    @AfterAll
    static void stop() { vertx.close(); }

    private static List<FakeProvider> group(String alias, List<Map<String, Object>> params, List<Map<String, Object>> info) {
        List<FakeProvider> out = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            out.add(new FakeProvider(FakeProvider.deployment(alias, "d" + i, params.get(i), info.isEmpty() ? Map.of() : info.get(i))));
        }
        return out;
    }

    private static ModelRouter router(List<FakeProvider> providers, Map<String, Object> routerSettings) {
        return new ModelRouter(vertx, providers.stream().map(FakeProvider::target).toList(),
                RouterSettings.from(routerSettings, Map.of()), new RouterMetrics(new SimpleMeterRegistry()), new Random(42));
    }

    /** Fake providers answer at once, so each future is complete when it returns. */
    private static Answer<ChatResponse> call(ModelRouter r, String alias) {
        Future<Answer<ChatResponse>> f = r.chat(FakeProvider.ctx(), FakeProvider.ask(alias, "hi"));
        assertThat(f.isComplete()).isTrue();
        if (f.failed()) throw (RuntimeException) f.cause();
        return f.result();
    }

    /** LiteLLM's max_fallbacks: a chain of seven failing aliases is followed two steps, then the last error answers. */
    @Test
    void maxFallbacksStopsAChainOfFailures() {
        List<FakeProvider> all = new ArrayList<>();
        List<String> chain = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            FakeProvider p = new FakeProvider(FakeProvider.deployment("a" + i, "m" + i, Map.of(), Map.of()));
            p.failure = () -> dev.switchboard.model.GatewayException.of(dev.switchboard.model.ErrorKind.UPSTREAM, "down");
            all.add(p);
            if (i > 0) chain.add("a" + i);
        }
        Map<String, Object> settings = Map.of("num_retries", 0, "fallbacks", List.of(Map.of("a0", chain)), "max_fallbacks", 2);
        ModelRouter limited = router(all, settings);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(limited, "a0")).hasMessageContaining("down");
        assertThat(all.stream().mapToInt(p -> p.calls.get()).toArray()).containsExactly(1, 1, 1, 0, 0, 0, 0);
        all.forEach(p -> p.calls.set(0));
        ModelRouter byDefault = router(all, Map.of("num_retries", 0, "fallbacks", List.of(Map.of("a0", chain))));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(byDefault, "a0")).hasMessageContaining("down");
        assertThat(all.stream().mapToInt(p -> p.calls.get()).toArray()).as("LiteLLM's default: 5").containsExactly(1, 1, 1, 1, 1, 1, 0);
    }

    /**
     * LiteLLM's retry_policy: a kind it names is retried that many times in place of num_retries, also a 400 the gateway
     * would not retry by itself; model_group_retry_policy wins for its group; other kinds keep num_retries.
     */
    @Test
    void retryPolicyRetriesEachKindOfFailureAsItSays() {
        FakeProvider bad = new FakeProvider(FakeProvider.deployment("bad", "m", Map.of(), Map.of()));
        bad.failure = () -> dev.switchboard.model.GatewayException.badRequest("temperature: out of range", "temperature");
        FakeProvider down = new FakeProvider(FakeProvider.deployment("down", "m", Map.of(), Map.of()));
        down.failure = () -> dev.switchboard.model.GatewayException.of(dev.switchboard.model.ErrorKind.UPSTREAM, "down");
        Map<String, Object> settings = Map.of("num_retries", 1, "retry_backoff", 0, "allowed_fails", 100,
                "retry_policy", Map.of("BadRequestErrorRetries", 2, "InternalServerErrorRetries", 3),
                "model_group_retry_policy", Map.of("down", Map.of("InternalServerErrorRetries", 0)));
        ModelRouter r = router(List.of(bad, down), settings);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(r, "bad")).hasMessageContaining("temperature");
        assertThat(bad.calls.get()).as("a 400, retried twice as the policy says").isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(r, "down")).hasMessageContaining("down");
        assertThat(down.calls.get()).as("its group's own policy: no retry").isEqualTo(1);

        // the request's own num_retries wins over the policy (the most specific)
        bad.calls.set(0);
        Future<Answer<ChatResponse>> own = r.chat(FakeProvider.ctx(), FakeProvider.ask("bad", "hi").withExtra(Map.of("num_retries",
                com.fasterxml.jackson.databind.node.IntNode.valueOf(0))));
        assertThat(own.failed()).isTrue();
        assertThat(bad.calls.get()).as("num_retries 0 in the request: one call").isEqualTo(1);

        bad.calls.set(0);
        ModelRouter plain = router(List.of(bad), Map.of("num_retries", 1, "retry_backoff", 0));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(plain, "bad")).hasMessageContaining("temperature");
        assertThat(bad.calls.get()).as("without a policy a 400 is not retried").isEqualTo(1);
    }

    @Test
    void simpleShuffleSpreadsAThousandRequestsWithinFivePercentOfTheWeights() {
        List<FakeProvider> p = group("pool", List.of(Map.of("weight", 1.0), Map.of("weight", 3.0), Map.of("rpm", 6.0)), List.of());
        ModelRouter r = router(p, Map.of("routing_strategy", "simple-shuffle"));
        for (int i = 0; i < 1000; i++) call(r, "pool");
        assertThat(p.get(0).calls.get() / 1000.0).isCloseTo(0.1, within(0.05));
        assertThat(p.get(1).calls.get() / 1000.0).isCloseTo(0.3, within(0.05));
        assertThat(p.get(2).calls.get() / 1000.0).as("rpm weighs when weight is absent").isCloseTo(0.6, within(0.05));
    }

    @Test
    void orderTiersServeFromTheFirstTierUntilItCoolsDown() {
        List<FakeProvider> p = group("tiered", List.of(Map.of("order", 2.0), Map.of("order", 1.0)), List.of());
        ModelRouter r = router(p, Map.of("allowed_fails", 0L, "cooldown_time", 60L, "num_retries", 1L, "retry_backoff", 0L));
        for (int i = 0; i < 20; i++) assertThat(call(r, "tiered").deployment()).isEqualTo("fake/d1");
        p.get(1).failure = () -> GatewayException.of(dev.switchboard.model.ErrorKind.UPSTREAM, "down");
        Answer<ChatResponse> a = call(r, "tiered");
        assertThat(a.deployment()).as("retried on the next tier").isEqualTo("fake/d0");
        assertThat(a.route()).isEqualTo(ModelRouter.PRIMARY);
        int before = p.get(1).calls.get();
        for (int i = 0; i < 10; i++) assertThat(call(r, "tiered").deployment()).isEqualTo("fake/d0");
        assertThat(p.get(1).calls.get()).as("the cooling tier gets nothing").isEqualTo(before);
    }

    /**
     * QA routing F3: a deployment that fails its trial call after a cooldown cools down again, and that new cooldown is
     * counted in switchboard_cooldowns_total and logged as such: a dead deployment is not one cooldown for ever.
     */
    @Test
    void aFailedTrialCallAfterACooldownIsCountedAndLoggedAsANewCooldown() throws Exception {
        FakeProvider dead = new FakeProvider(FakeProvider.deployment("dead", "m", Map.of("cooldown_time", 0.05), Map.of()));
        dead.failure = () -> GatewayException.of(dev.switchboard.model.ErrorKind.UPSTREAM, "down");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ModelRouter r = new ModelRouter(vertx, List.of(dead.target()), RouterSettings.from(Map.of("allowed_fails", 0L,
                "num_retries", 0L), Map.of()), new RouterMetrics(registry), new Random(42));
        try (dev.switchboard.support.LogCapture log = dev.switchboard.support.LogCapture.of("dev.switchboard.route.CallEngine")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(r, "dead")).hasMessageContaining("down");
            for (int trial = 0; trial < 2; trial++) {
                Thread.sleep(80); // the cooldown is over: the next call is the trial call
                int before = dead.calls.get();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(r, "dead")).hasMessageContaining("down");
                assertThat(dead.calls.get()).as("the trial call was sent").isEqualTo(before + 1);
            }
            assertThat(registry.get(RouterMetrics.COOLDOWNS).tag("deployment", "fake/m").counter().count())
                    .as("three cooldowns: the first and one after each failed trial call").isEqualTo(3.0);
            assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN deployment fake/m of 'dead' cooling down after: "))
                    .hasSize(1);
            assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN deployment fake/m of 'dead' failed its trial call after "
                    + "a cooldown and cools down again after: ")).hasSize(2);
        }
    }

    @Test
    void usageBasedRoutingStaysUnderEachDeploymentsRpm() {
        List<FakeProvider> p = group("limited", List.of(Map.of("rpm", 5.0), Map.of("rpm", 10.0)), List.of());
        ModelRouter r = router(p, Map.of("routing_strategy", "usage-based-routing", "num_retries", 0L));
        Map<String, Integer> served = new HashMap<>();
        List<GatewayException> refused = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            try {
                served.merge(call(r, "limited").deployment(), 1, Integer::sum);
            } catch (GatewayException e) {
                refused.add(e);
            }
        }
        assertThat(served).containsEntry("fake/d0", 5).containsEntry("fake/d1", 10);
        assertThat(refused).hasSize(5).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.code()).isEqualTo(FailurePolicy.NO_CAPACITY);
            assertThat(e.retryAfterSeconds()).isBetween(1L, 60L);
        });
    }

    /**
     * Review (thirty-ninth session): the last-resort DEBUG line printed the group's alias and the deployment's id as
     * written, and a wildcard's are the caller's text: a line break in one forged the next line. Escaped.
     */
    @Test
    void theLastResortDebugLineIsOneLineWhateverTheNamesHold() {
        List<FakeProvider> p = group("lone\nERROR forged", List.of(Map.of()), List.of());
        ModelRouter r = router(p, Map.of("num_retries", 0L, "allowed_fails", 0L, "cooldown_time", 60L));
        p.get(0).failure = () -> GatewayException.of(dev.switchboard.model.ErrorKind.UPSTREAM, "down");
        assertThat(r.chat(FakeProvider.ctx(), FakeProvider.ask("lone\nERROR forged", "hi")).failed()).isTrue();
        p.get(0).failure = null;
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(CallEngine.class);
        ch.qos.logback.classic.Level was = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try (dev.switchboard.support.LogCapture logs = dev.switchboard.support.LogCapture.of(CallEngine.class.getName())) {
            call(r, "lone\nERROR forged");
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("last resort").contains("lone\\nERROR forged")
                    .doesNotContain("\n"));
        } finally {
            logger.setLevel(was);
        }
    }

    /**
     * Review of the day's merges (thirty-ninth session): the cooldown WARN printed the group's alias and the deployment's
     * id as written, and a wildcard's are the caller's text: a line break forged the next line, and a key sent as the
     * name was logged whole. Both masked by the pipeline's name rule (here a stand-in) and escaped.
     */
    @Test
    void theCooldownWarnIsOneLineAndMaskedWhateverTheNamesHold() {
        String alias = "cool\nERROR forged SECRETKEY";
        List<FakeProvider> p = group(alias, List.of(Map.of()), List.of());
        ModelRouter r = router(p, Map.of("num_retries", 0L, "allowed_fails", 0L, "cooldown_time", 60L));
        r.logNames(s -> s == null ? null : s.replace("SECRETKEY", "****"));
        p.get(0).failure = () -> GatewayException.of(dev.switchboard.model.ErrorKind.UPSTREAM, "down");
        try (dev.switchboard.support.LogCapture logs = dev.switchboard.support.LogCapture.of(CallEngine.class.getName())) {
            assertThat(r.chat(FakeProvider.ctx(), FakeProvider.ask(alias, "hi")).failed()).isTrue();
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("cooling down").contains("'cool\\nERROR forged ****'")
                    .doesNotContain("\n").doesNotContain("SECRETKEY"));
        }
    }

    @Test
    void costBasedRoutingPicksTheCheapestPricedDeployment() {
        List<FakeProvider> p = group("priced", List.of(Map.of(), Map.of(), Map.of()), List.of(
                Map.of("input_cost_per_token", 3e-6, "output_cost_per_token", 15e-6),
                Map.of("input_cost_per_token", 1.5e-7, "output_cost_per_token", 6e-7),
                Map.of()));
        ModelRouter r = router(p, Map.of("routing_strategy", "cost-based-routing"));
        for (int i = 0; i < 20; i++) assertThat(call(r, "priced").deployment()).isEqualTo("fake/d1");
    }

    /** A tagged call through the real router (the tags as the edge hands them over, the x-switchboard-tags header). */
    private static Future<Answer<ChatResponse>> taggedCall(ModelRouter r, String alias, String tags) {
        dev.switchboard.model.CallContext ctx = new dev.switchboard.model.CallContext("req_test",
                dev.switchboard.model.Caller.ANONYMOUS, System.nanoTime(), Map.of("tags", tags));
        Future<Answer<ChatResponse>> f = r.chat(ctx, FakeProvider.ask(alias, "hi"));
        assertThat(f.isComplete()).isTrue();
        return f;
    }

    @Test
    void aFullDeploymentTheTagsRuleOutDoesNotMakeTheGroupLookFull() {
        // d0 serves "free" with 1 rpm, d1 serves "paid"; once d0's minute is used and d1 cools down, a "paid" call
        // finds nothing open: the reason is d1's cooldown (served as the last resort), not d0's rpm (a 429).
        List<FakeProvider> p = group("tagged", List.of(Map.of("rpm", 1.0, "tags", List.of("free")),
                Map.of("rpm", 100.0, "tags", List.of("paid"))), List.of());
        ModelRouter r = router(p, Map.of("routing_strategy", "usage-based-routing", "enable_tag_filtering", true,
                "num_retries", 0L, "allowed_fails", 0L, "cooldown_time", 60L));
        assertThat(taggedCall(r, "tagged", "free").result().deployment()).isEqualTo("fake/d0");
        p.get(1).failure = () -> GatewayException.of(dev.switchboard.model.ErrorKind.UPSTREAM, "down");
        assertThat(taggedCall(r, "tagged", "paid").failed()).isTrue();
        p.get(1).failure = null;
        Future<Answer<ChatResponse>> f = taggedCall(r, "tagged", "paid");
        assertThat(f.succeeded()).as("not a 429 for the free deployment's rpm: %s", f.cause()).isTrue();
        assertThat(f.result().deployment()).isEqualTo("fake/d1");
        assertThat(p.get(0).calls.get()).as("the free deployment served only its own call").isEqualTo(1);
    }

    private static Future<Answer<ChatResponse>> callWithHints(ModelRouter r, String alias, Map<String, String> hints) {
        dev.switchboard.model.CallContext ctx = new dev.switchboard.model.CallContext("req_test",
                dev.switchboard.model.Caller.ANONYMOUS, System.nanoTime(), hints);
        Future<Answer<ChatResponse>> f = r.chat(ctx, FakeProvider.ask(alias, "hi"));
        assertThat(f.isComplete()).isTrue();
        return f;
    }

    /** tag_regex with tag_filtering_match_any: false: a client without tags never reaches the tagged deployments. */
    @Test
    void anUntaggedClientWhoseUserAgentNoPatternMatchesGoesToTheDefaultUnderMatchAll() {
        List<FakeProvider> p = group("agent", List.of(Map.of("tag_regex", List.of("^User-Agent: claude-code/")),
                Map.of("tags", List.of("team-a")), Map.of("tags", List.of("default"))), List.of());
        ModelRouter r = router(p, Map.of("enable_tag_filtering", true, "tag_filtering_match_any", false, "num_retries", 0L));
        for (int i = 0; i < 20; i++) {
            assertThat(callWithHints(r, "agent", Map.of("user-agent", "curl/8.0")).result().deployment()).isEqualTo("fake/d2");
            assertThat(callWithHints(r, "agent", Map.of("user-agent", "claude-code/2.0")).result().deployment()).isEqualTo("fake/d0");
            assertThat(callWithHints(r, "agent", Map.of("user-agent", "curl/8.0", "tags", "team-a")).result().deployment())
                    .isEqualTo("fake/d1");
        }
        assertThat(p.get(1).calls.get()).as("team A's deployment served only team A's calls").isEqualTo(20);
    }
}
