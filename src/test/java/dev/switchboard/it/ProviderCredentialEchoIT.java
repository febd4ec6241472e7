package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.switchboard.observe.TraceSettings;
import dev.switchboard.observe.Tracing;
import dev.switchboard.support.HeaderEchoUpstream;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.ServiceAccount;
import dev.switchboard.support.TestGateway;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Credentials the gateway sends upstream besides an {@code api_key}: a Bedrock deployment's secret key and session
 * token (X-Amz-Security-Token), the Vertex AI access token minted from a service account at run time, an
 * {@code extra_headers} value whose header is named as a credential and an {@code ?api-key=} in {@code api_base}. An
 * upstream that quotes every request header and its URL back ({@link HeaderEchoUpstream}) must not get any 8
 * characters of any of them to a client (either dialect, errors JSON or plain, streams, a success's text,
 * {@code /health}), into a log line, a request-log or ledger row, or a span. Header and query values that are not
 * credentials ({@code production}, {@code ?api-version=2024-10-21}) reach the answer untouched.
 */
class ProviderCredentialEchoIT {
    // no two share a run of 8 characters, so one masked secret cannot hide another's leak
    static final String AWS_SECRET = "wJalrXUtnFEMIbPxRfiCYQAsecret01";
    static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjSTSsessionQA7f3k9z";
    static final String HEADER_SECRET = "tok_QAextraHEADERsecret5531";
    static final String QUERY_SECRET = "QAqueryparamsecret9931";
    static final String SUBSCRIPTION_KEY = "QAocpKEYvalue7720zz"; // no 8 characters of its header name either
    static final InMemorySpanExporter spans = InMemorySpanExporter.create();
    static HeaderEchoUpstream echo;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        echo = HeaderEchoUpstream.start();
        Path dir = Files.createTempDirectory("cred-echo-");
        dir.toFile().deleteOnExit();
        Tracing tracing = Tracing.to(spans, new TraceSettings("memory", Map.of(), "switchboard-test", 2048, 512, 50, 1000, true, 1.0, true));
        gw = TestGateway.start(sim -> {
            Path file = ServiceAccount.trusted(sim, "echo", "echo-project").write(dir, "sa.json");
            return """
                    model_list:
                      - model_name: bedrock-sts
                        litellm_params: { model: bedrock/anthropic.claude-3-haiku-20240307-v1:0, api_base: "%1$s", aws_region_name: us-east-1,
                                          aws_access_key_id: AKIAQAEXAMPLEID77, aws_secret_access_key: os.environ/AWS_SK,
                                          aws_session_token: os.environ/AWS_ST }
                      - model_name: vertex
                        litellm_params: { model: vertex_ai/gemini-2.5-flash, api_base: "%1$s", vertex_project: echo-project,
                                          vertex_location: us-central1, vertex_credentials: %2$s }
                      - model_name: vclaude
                        litellm_params: { model: vertex_ai/claude-sonnet-4-5@20250929, api_base: "%1$s", vertex_project: echo-project,
                                          vertex_location: us-east5, vertex_credentials: %2$s }
                      - model_name: hdr
                        litellm_params: { model: openai/gpt-4o, api_base: "%1$s/v1?api-key=%3$s", api_key: os.environ/PROVIDER_KEY,
                                          extra_headers: { X-Api-Token: %4$s } }
                      - model_name: words
                        litellm_params: { model: openai/gpt-4o, api_base: "%1$s/v1?api-version=2024-10-21&deployment=gpt-4o-prod",
                                          api_key: os.environ/PROVIDER_KEY,
                                          extra_headers: { Helicone-Property-Environment: production, X-Project: customer-support,
                                                           Ocp-Apim-Subscription-Key: %5$s } }
                    router_settings:
                      num_retries: 0
                      allowed_fails: 100000
                    general_settings:
                      master_key: os.environ/MASTER_KEY
                    """.formatted(echo.rootUrl(), file, QUERY_SECRET, HEADER_SECRET, SUBSCRIPTION_KEY);
        }, Map.of("AWS_SK", AWS_SECRET, "AWS_ST", SESSION_TOKEN), tracing);
    }

    @AfterAll
    static void stop() {
        gw.close();
        echo.close();
    }

    private static HttpResponse<String> call(String alias, String prompt, boolean stream, boolean anthropic) {
        String rest = ",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        return anthropic
                ? Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\",\"max_tokens\":20" + rest)
                : Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\"" + rest);
    }

    /** Every credential the echo upstream received, and the ones the config names, to look for afterwards. */
    private static List<String> secrets() {
        List<String> out = new ArrayList<>(List.of(AWS_SECRET, SESSION_TOKEN, HEADER_SECRET, QUERY_SECRET, SUBSCRIPTION_KEY));
        List<String> tokens = echo.received().stream().filter(v -> v.startsWith("ya29.")).distinct().toList();
        assertThat(tokens).as("the Vertex deployments sent a minted token").isNotEmpty();
        out.addAll(tokens);
        assertThat(echo.received()).as("the upstream got each credential").contains(SESSION_TOKEN, HEADER_SECRET)
                .anyMatch(q -> q.contains(QUERY_SECRET));
        return out;
    }

    private static void noRunOfAnySecretIn(String where, String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (String secret : secrets()) {
            for (int i = 0; i + 8 <= secret.length(); i++) {
                String run = secret.substring(i, i + 8).toLowerCase(Locale.ROOT);
                assertThat(t).as("8 characters of " + secret + " in " + where).doesNotContain(run);
            }
        }
    }

    @Test
    void noCredentialTheGatewaySendsComesBackOrIsKept() {
        StringBuilder answers = new StringBuilder();
        List<String> ids = new ArrayList<>();
        List<String> logLines;
        try (LogCapture log = LogCapture.root()) {
            for (String alias : List.of("bedrock-sts", "vertex", "vclaude", "hdr")) {
                for (String prompt : List.of("echo-json", "echo-plain")) {
                    for (boolean stream : List.of(false, true)) {
                        for (boolean anthropic : List.of(false, true)) {
                            HttpResponse<String> r = call(alias, prompt, stream, anthropic);
                            assertThat(r.body()).as(alias + " " + prompt).contains("Incorrect API key provided").contains("********");
                            answers.append(r.body()).append('\n');
                            r.headers().firstValue("x-switchboard-request-id").ifPresent(ids::add);
                        }
                    }
                }
            }
            for (boolean anthropic : List.of(false, true)) { // a successful answer's text
                HttpResponse<String> r = call("hdr", "echo-ok", false, anthropic);
                assertThat(r.statusCode()).isEqualTo(200);
                answers.append(r.body()).append('\n');
            }
            HttpResponse<String> health = Http.get(gw.baseUrl() + "/health", TestGateway.MASTER_KEY);
            assertThat(health.body()).contains("Incorrect API key provided");
            answers.append(health.body());
            logLines = log.written();
        }
        noRunOfAnySecretIn("a client's answer", answers.toString());
        noRunOfAnySecretIn("a log line", String.join("\n", logLines));
        StringBuilder stored = new StringBuilder();
        for (String id : ids.subList(0, 4)) {
            stored.append(Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> Http.get(gw.baseUrl() + "/logs/" + id, TestGateway.MASTER_KEY), x -> x.statusCode() == 200).body());
        }
        stored.append(Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> Http.get(gw.baseUrl() + "/spend/logs", TestGateway.MASTER_KEY).body(), b -> b.contains(ids.get(0))));
        noRunOfAnySecretIn("the store", stored.toString());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !spans.getFinishedSpanItems().isEmpty());
        noRunOfAnySecretIn("a span", spans.getFinishedSpanItems().toString());
    }

    /**
     * Only credentials are masked in a model's answer: the answer scrubber blanks every 8-character run of a key, so a
     * header value such as "production" or an api_base's api-version taken for a key blanked those words and that
     * date in every answer. A header named as a credential (Ocp-Apim-Subscription-Key) is still masked.
     */
    @Test
    void harmlessHeaderAndQueryValuesAreNotMaskedInAnAnswer() {
        for (boolean anthropic : List.of(false, true)) {
            HttpResponse<String> r = call("words", "echo-ok", false, anthropic);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(echo.received()).contains(SUBSCRIPTION_KEY, "production");
            assertThat(r.body()).as(anthropic ? "Anthropic dialect" : "OpenAI dialect")
                    .contains("Helicone-Property-Environment: production").contains("X-Project: customer-support")
                    .contains("api-version=2024-10-21").contains("deployment=gpt-4o-prod")
                    .contains("Ocp-Apim-Subscription-Key: *******************");
            for (int i = 0; i + 8 <= SUBSCRIPTION_KEY.length(); i++) {
                assertThat(r.body().toLowerCase(Locale.ROOT)).doesNotContain(SUBSCRIPTION_KEY.substring(i, i + 8).toLowerCase(Locale.ROOT));
            }
        }
    }

    /**
     * A session token, a Vertex token or a credential of the same shapes that is no deployment's, pasted into a prompt,
     * is stored as [REDACTED], as an OpenAI key is.
     */
    @Test
    void tokensInAPromptAreRedactedInTheRequestLog() {
        String foreignSession = "FwoGZXIvYXdzEBYaDForeignSessionTokenOfSomeoneElse0123";
        String foreignGoogle = "ya29.a0AfForeignGoogleAccessToken_0123456789";
        HttpResponse<String> r = call("hdr", "mine " + SESSION_TOKEN + " and " + foreignSession + " and " + foreignGoogle, false, false);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        String row = Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> Http.get(gw.baseUrl() + "/logs/" + id, TestGateway.MASTER_KEY), x -> x.statusCode() == 200).body();
        assertThat(row).contains("mine [REDACTED] and [REDACTED] and [REDACTED]")
                .doesNotContain(SESSION_TOKEN).doesNotContain("ForeignSession").doesNotContain("ForeignGoogle");
    }

    /**
     * The AWS SDK's signer logs each canonical request at DEBUG, X-Amz-Security-Token included: the gateway's
     * logback.xml keeps that logger at INFO, and should someone turn it to DEBUG, the layout still masks the token.
     */
    @Test
    void theSdksDebugSigningLinesNeverShowTheSessionToken() {
        Logger signer = (Logger) LoggerFactory.getLogger("software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner");
        assertThat(signer.isDebugEnabled()).as("pinned to INFO by logback.xml").isFalse();
        Level before = signer.getLevel();
        signer.setLevel(Level.DEBUG);
        List<String> lines;
        try (LogCapture log = LogCapture.root()) {
            call("bedrock-sts", "echo-json", false, false);
            lines = log.written();
        } finally {
            signer.setLevel(before);
        }
        String all = String.join("\n", lines);
        assertThat(all).as("the signer logged its canonical request").containsIgnoringCase("x-amz-security-token");
        noRunOfAnySecretIn("a DEBUG line of the AWS SDK", all);
    }
}
