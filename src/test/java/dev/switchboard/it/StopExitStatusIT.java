package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.InFlight;
import dev.switchboard.support.ServeFixture;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * QA (twenty-second session): {@code serve} stopped by SIGTERM exited with 143 (Ctrl-C: 130) after an orderly drain,
 * which systemd and Kubernetes log as a failed stop. A real process, a call in flight when the signal comes: the call
 * is answered, the ledger written, and the exit status is 0.
 */
class StopExitStatusIT {
    @RegisterExtension
    final ServeFixture serve = new ServeFixture();

    @Test
    void sigtermAfterAnOrderlyDrainExitsZero() throws Exception {
        try (GatewayProcess gw = serve.start(serve.config(serve.sqlite()))) {
            CompletableFuture<HttpResponse<String>> inFlight = InFlight.start(serve.sim(), 1_500, () -> Http.post(
                    gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            int exit = gw.terminate();
            assertThat(inFlight.get().statusCode()).as("the call in flight at the signal is answered").isEqualTo(200);
            assertThat(exit).as(gw.logTail()).isZero();
            assertThat(serve.logText()).contains("Stopping: finishing requests in flight").contains("Stopped");
        }
    }
}
