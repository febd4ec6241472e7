package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An HTTPS provider that offers HTTP/2 (as OpenAI, Anthropic and Google do) gets it, negotiated by ALPN: many
 * streams share a few connections. The simulator runs over TLS with a self-signed certificate, which the gateway
 * trusts through {@code general_settings.upstream_ca_file} (and only through it).
 */
class UpstreamHttp2IT {
    static SelfSignedCertificate cert;

    @BeforeAll
    static void certificate() { cert = SelfSignedCertificate.create("localhost"); }

    @AfterAll
    static void delete() { cert.delete(); }

    private static String config(String extraGeneral) {
        return """
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """ + extraGeneral;
    }

    private static String trusted() { return "  upstream_ca_file: " + cert.certificatePath() + "\n"; }

    @Test
    void streamsToAnHttpsProviderGoOverHttp2AndShareConnections() throws Exception {
        try (TestGateway gw = TestGateway.startTls(config(trusted()), cert.keyCertOptions(), true)) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
            ExecutorService pool = Executors.newFixedThreadPool(40);
            try {
                List<CompletableFuture<String>> texts = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String question = "stream " + i;
                    texts.add(CompletableFuture.supplyAsync(() -> {
                        StringBuilder text = new StringBuilder();
                        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                                ChatCompletionCreateParams.builder().model("gpt").addUserMessage(question).build())) {
                            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
                        }
                        return text.toString();
                    }, pool));
                }
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(texts.get(i).get()).isEqualTo("Hello from the simulator! You said: stream " + i);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(gw.simulator.versions()).containsExactly(HttpVersion.HTTP_2);
            assertThat(gw.simulator.received()).hasSize(40);
            assertThat(gw.simulator.connections()).as("40 streams, fewer connections than streams").isLessThan(40);
            // non-stream over the same connections
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("You said: hi");
        }
    }

    @Test
    void http2OffKeepsHttp1() {
        try (TestGateway gw = TestGateway.startTls(config(trusted() + "  upstream_http2: false\n"), cert.keyCertOptions(), true)) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).endsWith("data: [DONE]\n\n");
            assertThat(gw.simulator.versions()).containsExactly(HttpVersion.HTTP_1_1);
        }
    }

    @Test
    void aSelfSignedProviderIsRefusedWithoutItsCa() {
        try (TestGateway gw = TestGateway.startTls(config(""), cert.keyCertOptions(), true)) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(gw.simulator.arrivals()).as("no request reached an untrusted server").isZero();
        }
    }
}
