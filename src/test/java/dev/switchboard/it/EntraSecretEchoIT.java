package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An Entra authority that refuses the token request and quotes it back (form-encoded and decoded) in its error
 * description, as a misbehaving proxy or a stand-in authority may: the real azure-identity and MSAL fetch from it,
 * and neither the client's 401 nor any log line the gateway writes (MSAL's, azure-identity's and its own) may hold
 * any 8 characters of the client secret in either form.
 */
class EntraSecretEchoIT {
    /** Like Entra's generated secrets: a {@code ~} (form-encoded as %7E), dots, dashes and underscores. */
    static final String SECRET = "Qx8Q~echoed.Secret_vaLue-0123456789wxyz";
    static final String ENCODED = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
    static final List<String> bodies = new CopyOnWriteArrayList<>();
    static Vertx vertx;
    static HttpServer authority;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        vertx = TestGateway.vertx(new VertxOptions());
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        authority = TestGateway.await(vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(cert.keyCertOptions()))
                .requestHandler(req -> req.body().onSuccess(b -> {
                    String form = b.toString();
                    bodies.add(form);
                    JsonObject error = new JsonObject().put("error", "invalid_client")
                            .put("error_description", "AADSTS7000215: Invalid client secret provided. Request was: " + form
                                    + " (decoded: " + URLDecoder.decode(form, StandardCharsets.UTF_8) + ")")
                            .put("error_codes", new JsonArray().add(7000215));
                    req.response().setStatusCode(401).putHeader("content-type", "application/json").end(error.encode());
                })).listen(0, "localhost"));
        gw = TestGateway.start("""
                model_list:
                  - model_name: az-echo
                    litellm_params:
                      model: azure/dep-entra
                      api_base: ${SIM_ROOT}
                      tenant_id: tenant1
                      client_id: client1
                      client_secret: os.environ/AZ_CLIENT_SECRET
                      azure_authority_host: ${AUTHORITY}
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """, sim -> Map.of("AUTHORITY", "https://localhost:" + authority.actualPort(), "SSL_CERT_FILE",
                cert.certificatePath(), "AZ_CLIENT_SECRET", SECRET));
    }

    @AfterAll
    static void stop() {
        gw.close();
        TestGateway.await(vertx.close());
    }

    @Test
    void theSecretTheAuthorityEchoesReachesNeitherTheClientNorAnyLogLine() {
        assertThat(SECRET).isNotEqualTo(ENCODED); // both forms are tested
        HttpResponse<String> r;
        List<String> written;
        try (LogCapture logs = LogCapture.root()) {
            r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"az-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
            written = logs.written();
        }
        // the authority did get the secret and quote it: what follows is masking, not a request that never carried it
        assertThat(bodies).anySatisfy(b -> assertThat(b).contains("client_secret=" + ENCODED));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.body()).contains("AADSTS7000215");
        assertHoldsNoPartOfTheSecret(r.body());
        // the libraries' own lines were written (and so scrubbed), beside the gateway's
        assertThat(written).anySatisfy(l -> assertThat(l).contains("EntraTokens").contains("AADSTS7000215"));
        assertThat(written).anySatisfy(l -> assertThat(l).containsAnyOf("IdentityClient", "ClientSecretCredential",
                "ConfidentialClientApplication").contains("AADSTS7000215"));
        written.forEach(EntraSecretEchoIT::assertHoldsNoPartOfTheSecret);
    }

    /** No 8 consecutive characters of the secret, as written or form-encoded, in any case. */
    private static void assertHoldsNoPartOfTheSecret(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (String form : List.of(SECRET, ENCODED)) {
            for (int i = 0; i + 8 <= form.length(); i++) {
                String run = form.substring(i, i + 8).toLowerCase(Locale.ROOT);
                assertThat(lower).as("a run of the secret (%s) in: %s", run, text).doesNotContain(run);
            }
        }
    }
}
