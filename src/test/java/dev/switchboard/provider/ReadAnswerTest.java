package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.BufferBudget;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link UpstreamAnswers#readAnswer} (the head and the body read into one future, where {@code sent.compose(resp ->
 * read(…))} made a composition and a promise of the body's own) and {@link BoundedBody}'s callback: each outcome as the
 * compose and the promises gave it.
 */
class ReadAnswerTest {
    static final UpstreamHttp.Endpoint ENDPOINT = UpstreamHttp.Endpoint.parse("http://127.0.0.1:1/v1", "fake/a");
    static final UpstreamAnswers.ErrorDecoder ERRORS = (r, b) -> GatewayException.of(ErrorKind.UPSTREAM, "upstream said no");

    /** A response the test drives: its handlers are kept; with {@code buffered}, the body arrives as the end handler is set. */
    static final class FakeResponse {
        Handler<Buffer> data;
        Handler<Throwable> error;
        Handler<Void> end;
        int resets;
        int status = 200;
        String buffered;
        Throwable broken; // thrown by every method: a RuntimeException or an Error

        HttpClientResponse proxy() {
            HttpClientRequest req = (HttpClientRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpClientRequest.class}, (p, m, args) -> {
                        if (m.getName().equals("reset")) {
                            resets++;
                            error.handle(new java.io.IOException("reset")); // the reset's own exception
                            return Future.succeededFuture();
                        }
                        return defaultFor(m.getReturnType());
                    });
            return (HttpClientResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpClientResponse.class}, (p, m, args) -> {
                        if (broken != null) throw broken;
                        switch (m.getName()) {
                            case "handler" -> data = cast(args[0]);
                            case "exceptionHandler" -> error = cast(args[0]);
                            case "endHandler" -> {
                                end = cast(args[0]);
                                if (buffered != null) {
                                    data.handle(Buffer.buffer(buffered));
                                    end.handle(null);
                                }
                            }
                            case "statusCode" -> { return status; }
                            case "request" -> { return req; }
                            case "getHeader" -> { return null; }
                            default -> { return defaultFor(m.getReturnType()); }
                        }
                        return p;
                    });
        }

        @SuppressWarnings("unchecked")
        private static <T> T cast(Object o) { return (T) o; }

        private static Object defaultFor(Class<?> type) {
            if (type == boolean.class) return false;
            if (type == int.class || type == long.class) return 0;
            return null;
        }
    }

    private static Future<String> readAnswer(Future<HttpClientResponse> sent) {
        return UpstreamAnswers.readAnswer(sent, ENDPOINT, BufferBudget.unbounded(), ERRORS, KeyScrubber.NONE,
                bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void theBodyToItsEndIsDecoded() {
        FakeResponse fake = new FakeResponse();
        Future<String> answer = readAnswer(Future.succeededFuture(fake.proxy()));
        assertThat(answer.isComplete()).isFalse();
        fake.data.handle(Buffer.buffer("hel"));
        fake.data.handle(Buffer.buffer("lo"));
        fake.end.handle(null);
        assertThat(answer.result()).isEqualTo("hello");
    }

    @Test
    void anErrorStatusGoesThroughTheErrorDecoder() {
        FakeResponse fake = new FakeResponse();
        fake.status = 500;
        fake.buffered = "{\"error\":{}}";
        Future<String> answer = readAnswer(Future.succeededFuture(fake.proxy()));
        assertThat(answer.cause()).isInstanceOf(GatewayException.class).hasMessageContaining("upstream said no");
    }

    @Test
    void aFailedHeadIsTheAnswersFailureAsItIs() {
        GatewayException down = GatewayException.of(ErrorKind.UPSTREAM, "down");
        assertThat(readAnswer(Future.failedFuture(down)).cause()).isSameAs(down);
    }

    @Test
    void whatReadingThrowsFailsTheAnswer() {
        FakeResponse fake = new FakeResponse();
        fake.broken = new IllegalStateException("response already read");
        Future<String> answer = readAnswer(Future.succeededFuture(fake.proxy()));
        assertThat(answer.cause()).isSameAs(fake.broken);
    }

    /**
     * An Error while reading or decoding (a stack overflow on a deeply nested body) fails the answer: before the
     * thirty-ninth session's review only a RuntimeException was caught there, the Error left the body's callback and
     * the answer never completed (the request hung). The buffer lease is given back all the same.
     */
    @Test
    void anErrorReadingOrDecodingFailsTheAnswer() {
        FakeResponse fake = new FakeResponse();
        fake.broken = new AssertionError("a broken invariant");
        Future<String> answer = readAnswer(Future.succeededFuture(fake.proxy()));
        assertThat(answer.cause()).isSameAs(fake.broken);

        StackOverflowError deep = new StackOverflowError();
        BufferBudget budget = new BufferBudget(1 << 20);
        FakeResponse nested = new FakeResponse();
        nested.buffered = "[[[[[[[[";
        Future<String> decoded = UpstreamAnswers.readAnswer(Future.succeededFuture(nested.proxy()), ENDPOINT, budget, ERRORS,
                KeyScrubber.NONE, bytes -> { throw deep; });
        assertThat(decoded.isComplete()).as("answered, not left hanging").isTrue();
        assertThat(decoded.cause()).isSameAs(deep);
        assertThat(budget.held()).as("the lease given back").isZero();
    }

    @Test
    void aListenerOfTheAnswerThatThrowsIsNotSwallowed() {
        // the body is there as the reader starts: the answer completes inside readAnswer's own listener
        FakeResponse fake = new FakeResponse();
        fake.buffered = "hi";
        Promise<HttpClientResponse> head = Promise.promise();
        Future<String> answer = readAnswer(head.future());
        IllegalStateException boom = new IllegalStateException("a listener's own");
        answer.onComplete(ar -> { throw boom; });
        assertThatThrownBy(() -> head.complete(fake.proxy())).isSameAs(boom);
        assertThat(answer.result()).isEqualTo("hi");
    }

    @Test
    void onlyTheFirstOutcomeOfABodyIsHandedOn() {
        FakeResponse fake = new FakeResponse();
        List<Object> outcomes = new ArrayList<>();
        BoundedBody.read(fake.proxy(), ENDPOINT, 4, BufferBudget.unbounded().lease(),
                (body, failure) -> outcomes.add(failure != null ? failure : body));
        fake.data.handle(Buffer.buffer("12345")); // over the bound: the upstream request is reset (its exception follows)
        fake.data.handle(Buffer.buffer("6"));
        fake.end.handle(null);
        assertThat(fake.resets).isEqualTo(1);
        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.get(0)).isInstanceOf(GatewayException.class);
        assertThat(((GatewayException) outcomes.get(0)).getMessage()).contains("larger than");
    }

    @Test
    void aBodyOverTheBudgetFailsOnce() {
        FakeResponse fake = new FakeResponse();
        List<Object> outcomes = new ArrayList<>();
        BoundedBody.read(fake.proxy(), ENDPOINT, 1 << 20, new BufferBudget(3).lease(),
                (body, failure) -> outcomes.add(failure != null ? failure : body));
        fake.data.handle(Buffer.buffer("1234"));
        fake.end.handle(null);
        assertThat(fake.resets).isEqualTo(1);
        assertThat(outcomes).hasSize(1).first().isInstanceOf(GatewayException.class);
    }
}
