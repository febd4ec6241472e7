package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.ServeFixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * QA (thirty-ninth session): LiteLLM's {@code --detailed_debug} was an unknown option of {@code serve}, and nothing else
 * showed Switchboard's own DEBUG lines. A real process started with it, a call whose parameter is dropped (a DEBUG line
 * of the router): the line is in the log, and neither the provider key nor the master key is.
 */
class DetailedDebugIT {
    @RegisterExtension
    final ServeFixture serve = new ServeFixture();

    @Test
    void detailedDebugShowsOurDebugLinesAndNoKey() throws Exception {
        Path config = serve.config("      additional_drop_params: [\"temperature\"]\n", serve.sqlite());
        String master = "sk-master-" + "debug-0123456789abcdef";
        String providerKey = "sk-proj-" + "debugprovider0123456789";
        try (GatewayProcess gw = GatewayProcess.start(config, Map.of("MASTER_KEY", master, "PROVIDER_KEY", providerKey), serve.log(),
                List.of(), List.of("--detailed_debug"))) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", master,
                    "{\"model\":\"gpt\",\"temperature\":0.3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(gw.terminate()).isZero();
        }
        assertThat(serve.logText()).contains("Debug logging on (--detailed_debug)")
                .containsPattern("DEBUG .*request \\S+: \\[temperature\\] dropped for .*additional_drop_params")
                .containsPattern("DEBUG .*request \\S+: chat gpt -> openai/gpt-4o-mini: 200 in \\d+ ms, \\d+ tokens in, \\d+ out, \\$[0-9.]+")
                .doesNotContain(master).doesNotContain(providerKey);
    }
}
