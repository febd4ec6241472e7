package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.Answer;
import dev.switchboard.model.ChatStream;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * A stream call that succeeded without an answer is a bug upstream of the edge: {@link DialectCall#streamToRelay} fails
 * loudly on it, whether or not the client is still there, instead of returning the null that tells a route "answered
 * here" and leaving an open client waiting for an answer nobody writes.
 */
class DialectCallStreamToRelayTest {
    private final DialectCall call = new DialectCall(null, e -> Buffer.buffer("{}"), e -> Buffer.buffer("{}"), null);

    /** A response that answers only whether it is closed (nothing else may be called on it here). */
    private static HttpServerResponse response(boolean closed) {
        return (HttpServerResponse) Proxy.newProxyInstance(HttpServerResponse.class.getClassLoader(),
                new Class<?>[] {HttpServerResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "closed" -> closed;
                    case "toString" -> "response";
                    default -> throw new AssertionError("unexpected call: " + method.getName());
                });
    }

    @Test
    void aNullAnswerFailsLoudlyWhileTheClientWaits() {
        assertThatThrownBy(() -> call.streamToRelay(response(false), Future.<Answer<ChatStream>>succeededFuture(null)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("without an answer");
    }

    @Test
    void aNullAnswerFailsLoudlyAfterTheClientLeft() {
        assertThatThrownBy(() -> call.streamToRelay(response(true), Future.<Answer<ChatStream>>succeededFuture(null)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("without an answer");
    }
}
