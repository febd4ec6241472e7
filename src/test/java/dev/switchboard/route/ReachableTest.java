package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The deployments a request may reach (a budget's worst case): an alias alone, and with what widens it. */
class ReachableTest {
    static Vertx vertx;

    @BeforeAll
    static void start() { vertx = Vertx.vertx(); }

    @AfterAll
    static void stop() { vertx.close(); }

    private static final FakeProvider A1 = new FakeProvider(FakeProvider.deployment("a", "a1", Map.of(), Map.of()));
    private static final FakeProvider A2 = new FakeProvider(FakeProvider.deployment("a", "a2", Map.of(), Map.of()));
    private static final FakeProvider B = new FakeProvider(FakeProvider.deployment("b", "b1", Map.of(), Map.of()));
    private static final FakeProvider C = new FakeProvider(FakeProvider.deployment("c", "c1", Map.of(), Map.of()));

    private static ModelRouter router(Map<String, Object> settings) {
        return new ModelRouter(vertx, List.of(A1.target(), A2.target(), B.target(), C.target()),
                RouterSettings.from(settings, Map.of()), new RouterMetrics(new SimpleMeterRegistry()), new Random(1));
    }

    private static List<String> models(List<Target> targets) {
        return targets.stream().map(t -> t.deployment().model()).toList();
    }

    private static CallContext ctx() { return new CallContext("r", Caller.ANONYMOUS, 0, null); }

    @Test
    void anAliasAloneReachesItsGroupTheSameListEachTime() {
        ModelRouter r = router(Map.of());
        List<Target> first = r.reachable(ctx(), "a", Map.of());
        assertThat(models(first)).containsExactly("a1", "a2");
        assertThat(r.reachable(ctx(), "a", Map.of())).isSameAs(first); // made once for the group
        assertThat(r.reachable(ctx(), "unknown", Map.of())).isEmpty();
        // another alias's fallbacks do not widen this one
        assertThat(models(router(Map.of("fallbacks", List.of(Map.of("b", List.of("c"))))).reachable(ctx(), "a", Map.of())))
                .containsExactly("a1", "a2");
    }

    @Test
    void fallbacksAndAModelsArrayWidenIt() {
        assertThat(models(router(Map.of("fallbacks", List.of(Map.of("a", List.of("b"))))).reachable(ctx(), "a", Map.of())))
                .containsExactly("a1", "a2", "b1");
        assertThat(models(router(Map.of("context_window_fallbacks", List.of(Map.of("a", List.of("c"))))).reachable(ctx(), "a", Map.of())))
                .containsExactly("a1", "a2", "c1");
        assertThat(models(router(Map.of("content_policy_fallbacks", List.of(Map.of("a", List.of("b"))))).reachable(ctx(), "a", Map.of())))
                .containsExactly("a1", "a2", "b1");
        Map<String, JsonNode> extra = Map.of("models", JsonNodeFactory.instance.arrayNode().add("c"));
        assertThat(models(router(Map.of()).reachable(ctx(), "a", extra))).containsExactly("a1", "a2", "c1");
    }

    @Test
    void defaultFallbacksAreHandedOutAsStoredListsNotAFilteredCopyPerCall() {
        RouterSettings s = RouterSettings.from(Map.of("default_fallbacks", List.of("b", "c"),
                "fallbacks", List.of(Map.of("c", List.of("a")))), Map.of());
        // an alias not among the defaults, one among them (less itself), one with its own list
        assertThat(s.fallbacksFor(FallbackReason.ERROR, "a")).containsExactly("b", "c")
                .isSameAs(s.fallbacksFor(FallbackReason.ERROR, "a"));
        assertThat(s.fallbacksFor(FallbackReason.ERROR, "b")).containsExactly("c")
                .isSameAs(s.fallbacksFor(FallbackReason.ERROR, "b"));
        assertThat(s.fallbacksFor(FallbackReason.ERROR, "c")).containsExactly("a");
        assertThat(s.fallbacksFor(FallbackReason.CONTEXT_WINDOW, "a")).isEmpty();
        assertThat(models(router(Map.of("default_fallbacks", List.of("b"))).reachable(ctx(), "b", Map.of())))
                .containsExactly("b1");
    }
}
