package dev.switchboard.simulator;

import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator always answers. Its handlers read request fields with Vert.x's typed getters, which throw
 * {@link ClassCastException} when a field has another JSON type ({@code "thinking":"x"}); thrown inside the body
 * future's callback, that was swallowed and the request never answered, so the gateway timed out instead of
 * seeing the 400 the real API gives. A wrong type is the client's 400, in the API's own error shape; anything else
 * thrown is the simulator's 500, logged, so a test fails on it at once rather than on a timeout.
 */
final class SimGuard {
    private static final Logger log = LoggerFactory.getLogger(SimGuard.class);

    private SimGuard() {}

    static void run(String path, HttpServerResponse resp, Runnable handler) {
        try {
            handler.run();
        } catch (ClassCastException e) {
            if (!resp.headWritten()) answer(path, resp, 400);
        } catch (RuntimeException e) {
            log.error("simulator failed on {}", path, e);
            if (!resp.headWritten()) answer(path, resp, 500);
        }
    }

    /** The error in the shape of the API that owns the path. */
    private static void answer(String path, HttpServerResponse resp, int status) {
        boolean bad = status == 400;
        if (path.equals("/v1/messages")) {
            AnthropicSim.error(resp, status, bad ? "invalid_request_error" : "api_error",
                    bad ? "There was an issue with your request body: a field has the wrong type" : "Internal server error");
        } else if (path.startsWith("/v1beta/") || path.startsWith("/v1/projects/")) {
            GeminiSim.error(resp, status, bad ? "INVALID_ARGUMENT" : "INTERNAL",
                    bad ? "Invalid JSON payload received. A field has the wrong type." : "An internal error has occurred.");
        } else {
            ProviderSimulator.error(resp, status, bad ? "Invalid type for a request parameter: it has the wrong JSON type."
                    : "The server had an error while processing your request. Sorry about that!",
                    bad ? "invalid_request_error" : "server_error", null, null);
        }
    }
}
