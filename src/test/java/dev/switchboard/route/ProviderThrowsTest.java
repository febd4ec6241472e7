package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.Answer;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.Provider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider that throws an {@link Error} as it starts a call (a stack overflow while encoding, outside
 * UpstreamAnswers.encodeThen) fails that attempt like any failure: before the thirty-ninth session the router caught
 * only a RuntimeException there, the Error went up the event loop and the request was never answered. The edge then
 * answers a logged 500 in the caller's dialect (DialectCall.fail); a fallback may answer instead.
 */
class ProviderThrowsTest {
    static Vertx vertx;

    @BeforeAll
    static void start() { vertx = Vertx.vertx(); }

    @AfterAll
    static void stop() { vertx.close(); }

    /** Throws from chat itself, not a failed future. */
    private static final class Throwing implements Provider {
        int calls;

        @Override
        public Future<ChatResponse> chat(ChatRequest request, CallOptions options) {
            calls++;
            throw new StackOverflowError();
        }

        @Override
        public Future<ChatStream> stream(ChatRequest request, CallOptions options) { throw new StackOverflowError(); }
    }

    @Test
    void anErrorThrownByAProviderIsTheAttemptsFailureAndAFallbackAnswers() {
        Throwing throwing = new Throwing();
        Target broken = new Target(FakeProvider.deployment("broken", "m", Map.of(), Map.of()), throwing);
        FakeProvider spare = new FakeProvider(FakeProvider.deployment("spare", "s", Map.of(), Map.of()));
        ModelRouter alone = new ModelRouter(vertx, List.of(broken), RouterSettings.from(Map.of("num_retries", 0), Map.of()),
                new RouterMetrics(new SimpleMeterRegistry()), new Random(42));
        Future<Answer<ChatResponse>> f = alone.chat(FakeProvider.ctx(), FakeProvider.ask("broken", "hi"));
        assertThat(f.isComplete()).as("answered, not left hanging").isTrue();
        assertThat(f.cause()).isInstanceOf(StackOverflowError.class);

        ModelRouter withFallback = new ModelRouter(vertx, List.of(broken, spare.target()), RouterSettings.from(Map.of(
                "num_retries", 0, "fallbacks", List.of(Map.of("broken", List.of("spare")))), Map.of()),
                new RouterMetrics(new SimpleMeterRegistry()), new Random(42));
        Future<Answer<ChatResponse>> saved = withFallback.chat(FakeProvider.ctx(), FakeProvider.ask("broken", "hi"));
        assertThat(saved.succeeded()).as(String.valueOf(saved.cause())).isTrue();
        assertThat(spare.calls.get()).isEqualTo(1);
    }
}
