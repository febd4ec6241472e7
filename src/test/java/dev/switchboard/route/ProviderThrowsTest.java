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
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider that throws an {@link Error} as it starts a call (a stack overflow while encoding, outside
 * UpstreamAnswers.encodeThen), or an Error as the router settles the answer, fails that attempt like any failure:
 * before the thirty-ninth session the router caught only a RuntimeException there, the Error went up the event loop
 * (or was swallowed by Vert.x in the answer's listener) and the request was never answered. The edge then answers a
 * logged 500 in the caller's dialect (DialectCall.fail). The JVM's own Error (a stack overflow, out of memory) is final
 * and cools nothing down (FailurePolicy); another, such as a broken assertion, may fall back.
 */
class ProviderThrowsTest {
    static Vertx vertx;

    @BeforeAll
    static void start() { vertx = Vertx.vertx(); }

    @AfterAll
    static void stop() throws Exception { vertx.close().await(5, TimeUnit.SECONDS); }

    /** Throws from chat itself, not a failed future. */
    private static final class Throwing implements Provider {
        final Supplier<Error> error;
        int calls;

        Throwing(Supplier<Error> error) { this.error = error; }

        @Override
        public Future<ChatResponse> chat(ChatRequest request, CallOptions options) {
            calls++;
            throw error.get();
        }

        @Override
        public Future<ChatStream> stream(ChatRequest request, CallOptions options) { throw error.get(); }
    }

    private static ModelRouter router(List<Target> targets, Map<String, Object> settings) {
        return new ModelRouter(vertx, targets, RouterSettings.from(settings, Map.of()), new RouterMetrics(new SimpleMeterRegistry()),
                new Random(42));
    }

    private static Target throwing(Throwing provider) {
        return new Target(FakeProvider.deployment("broken", "m", Map.of(), Map.of()), provider);
    }

    @Test
    void anErrorThrownByAProviderIsTheAttemptsFailure() {
        Throwing overflow = new Throwing(StackOverflowError::new);
        Future<Answer<ChatResponse>> f = router(List.of(throwing(overflow)), Map.of("num_retries", 0))
                .chat(FakeProvider.ctx(), FakeProvider.ask("broken", "hi"));
        assertThat(f.isComplete()).as("answered, not left hanging").isTrue();
        assertThat(f.cause()).isInstanceOf(StackOverflowError.class);

        // the JVM's own Error is final: the same request would overflow on the fallback too
        FakeProvider spare = new FakeProvider(FakeProvider.deployment("spare", "s", Map.of(), Map.of()));
        Map<String, Object> withFallback = Map.of("num_retries", 2, "fallbacks", List.of(Map.of("broken", List.of("spare"))));
        Future<Answer<ChatResponse>> fin = router(List.of(throwing(overflow), spare.target()), withFallback)
                .chat(FakeProvider.ctx(), FakeProvider.ask("broken", "hi"));
        assertThat(fin.cause()).isInstanceOf(StackOverflowError.class);
        assertThat(spare.calls.get()).as("no fallback").isZero();

        // another Error (a broken assertion) is the gateway's bug, not the deployment's: no retry, a fallback answers
        Throwing asserting = new Throwing(() -> new AssertionError("a broken invariant"));
        Future<Answer<ChatResponse>> saved = router(List.of(throwing(asserting), spare.target()), withFallback)
                .chat(FakeProvider.ctx(), FakeProvider.ask("broken", "hi"));
        assertThat(saved.succeeded()).as(String.valueOf(saved.cause())).isTrue();
        assertThat(asserting.calls).as("not retried").isEqualTo(1);
        assertThat(spare.calls.get()).isEqualTo(1);
    }

    /** An Error from the call's settle (run inside the answer's listener, where Vert.x swallows what is thrown) fails the request. */
    @Test
    void anErrorSettlingTheAnswerFailsTheRequest() {
        FakeProvider fine = new FakeProvider(FakeProvider.deployment("fine", "f", Map.of(), Map.of()));
        ModelRouter router = router(List.of(fine.target()), Map.of("num_retries", 0));
        ChatRequest ask = FakeProvider.ask("fine", "hi");
        StackOverflowError deep = new StackOverflowError();
        CallEngine.Call<ChatResponse> call = new CallEngine.Call<>(false, (t, o) -> t.provider().chat(ask, o),
                (body, attempt) -> { throw deep; });
        Future<Answer<ChatResponse>> f = router.run(FakeProvider.ctx(), "fine", ServingMode.CHAT, RequestControls.NONE,
                RequestFacts.of(ask), call);
        assertThat(f.isComplete()).as("answered, not left hanging").isTrue();
        assertThat(f.cause()).isSameAs(deep);
        assertThat(fine.calls.get()).isEqualTo(1);
    }
}
