package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/**
 * Whatever encoding or sending throws becomes the call's failed future, an {@link Error} included: before the
 * thirty-ninth session only a {@link GatewayException} was caught, and an Error went past the router's
 * {@code catch (RuntimeException)} and left the request unanswered. A failed future is a logged 500 in the caller's
 * dialect at the edge (DialectCall.fail), and a fallback may answer instead.
 */
class EncodeThenTest {
    @Test
    void aRequestTheProviderCannotExpressIsItsFailure() {
        GatewayException refused = GatewayException.badRequest("no file_id here", "messages");
        Future<String> f = UpstreamAnswers.encodeThen(() -> { throw refused; }, body -> Future.succeededFuture("sent"));
        assertThat(f.cause()).isSameAs(refused);
    }

    @Test
    void anErrorOrABugWhileEncodingIsAFailedFutureNotAThrow() {
        StackOverflowError deep = new StackOverflowError();
        Future<String> overflow = UpstreamAnswers.encodeThen(() -> { throw deep; }, body -> Future.succeededFuture("sent"));
        assertThat(overflow.failed()).isTrue();
        assertThat(overflow.cause()).isSameAs(deep);
        Future<String> bug = UpstreamAnswers.encodeThen(() -> { throw new NullPointerException("a bug"); },
                body -> Future.succeededFuture("sent"));
        assertThat(bug.cause()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void whatSendingThrowsIsAFailedFutureToo() {
        AssertionError broken = new AssertionError("a broken invariant");
        Future<String> f = UpstreamAnswers.encodeThen(() -> Buffer.buffer("{}"), body -> { throw broken; });
        assertThat(f.cause()).isSameAs(broken);
        assertThat(UpstreamAnswers.<String>encodeThen(() -> Buffer.buffer("{}"), body -> null).cause())
                .isInstanceOf(IllegalStateException.class);
        assertThat(UpstreamAnswers.encodeThen(() -> Buffer.buffer("{}"), body -> Future.succeededFuture(body.toString())).result())
                .isEqualTo("{}");
    }
}
