package dev.switchboard.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Microsoft Entra ID's token endpoint for a service principal, as azure-identity (MSAL) calls it:
 * {@code POST https://{authority}/{tenant}/oauth2/v2.0/token} with a form body ({@code grant_type=client_credentials},
 * {@code client_id}, {@code client_secret}, {@code scope}), answered with {@code token_type}, {@code expires_in},
 * {@code ext_expires_in} and {@code access_token}, or with Entra's error JSON ({@code invalid_client} and its
 * AADSTS code for a wrong secret, {@code invalid_scope}, {@code invalid_request} for an unknown tenant). Over HTTPS
 * only, as MSAL refuses any other scheme: a self-signed certificate for {@code localhost}, whose PEM file
 * ({@link #caFile()}) a client must trust. Each token issued is handed to {@link AzureSim}, which then accepts it.
 */
public final class EntraSim {
    private final HttpServer server;
    private final String tenant;
    private final String clientId;
    private final String clientSecret;
    private final String caFile;
    private final Consumer<String> issuedTo;
    private final List<String> issued = new CopyOnWriteArrayList<>();
    private volatile int expiresIn = 3599;

    private EntraSim(HttpServer server, String tenant, String clientId, String clientSecret, String caFile, Consumer<String> issuedTo) {
        this.server = server;
        this.tenant = tenant;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.caFile = caFile;
        this.issuedTo = issuedTo;
    }

    static Future<EntraSim> start(Vertx vertx, String tenant, String clientId, String clientSecret, Consumer<String> issuedTo) {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(cert.keyCertOptions()));
        EntraSim sim = new EntraSim(server, tenant, clientId, clientSecret, cert.certificatePath(), issuedTo);
        server.requestHandler(sim::handle);
        return server.listen(0, "localhost").map(s -> sim);
    }

    /** What goes in {@code azure_authority_host} / AZURE_AUTHORITY_HOST. */
    public String authorityHost() { return "https://localhost:" + server.actualPort(); }

    /** The PEM of the server's self-signed certificate, for SSL_CERT_FILE. */
    public String caFile() { return caFile; }

    /** Every access token handed out, in order. */
    public List<String> issued() { return issued; }

    /** The lifetime of tokens handed out from now on, in seconds (Entra's is about an hour). */
    public void expiresIn(int seconds) { expiresIn = seconds; }

    public Future<Void> close() { return server.close(); }

    private void handle(HttpServerRequest req) {
        req.setExpectMultipart(true);
        req.end().onComplete(done -> {
            String path = req.path();
            if (!path.endsWith("/oauth2/v2.0/token") || !"POST".equals(req.method().name())) {
                error(req, 404, "invalid_request", "AADSTS90002: The requested endpoint " + path + " is not served here.", 90002);
                return;
            }
            String t = path.substring(1, path.indexOf('/', 1));
            var form = req.formAttributes();
            if (!t.equals(tenant)) {
                error(req, 400, "invalid_request", "AADSTS90002: Tenant '" + t + "' not found. Check to make sure you have the "
                        + "correct tenant ID and are signing into the correct cloud.", 90002);
            } else if (!"client_credentials".equals(form.get("grant_type"))) {
                error(req, 400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type '"
                        + form.get("grant_type") + "'.", 70003);
            } else if (!clientId.equals(form.get("client_id"))) {
                error(req, 400, "unauthorized_client", "AADSTS700016: Application with identifier '" + form.get("client_id")
                        + "' was not found in the directory '" + tenant + "'.", 700016);
            } else if (!clientSecret.equals(form.get("client_secret"))) {
                error(req, 401, "invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in "
                        + "the request is the client secret value, not the client secret ID, for a secret added to app '"
                        + clientId + "'.", 7000215);
            } else if (form.get("scope") == null || !form.get("scope").endsWith("/.default")) {
                error(req, 400, "invalid_scope", "AADSTS1002012: The provided value for scope " + form.get("scope")
                        + " is not valid. Client credential flows must have a scope value with /.default suffixed to the "
                        + "resource identifier (application ID URI).", 1002012);
            } else {
                String token = "eyJ0eXAiOiJKV1Qi.sim-entra-" + UUID.randomUUID();
                issued.add(token);
                issuedTo.accept(token);
                req.response().putHeader("content-type", "application/json; charset=utf-8").end(new JsonObject()
                        .put("token_type", "Bearer").put("expires_in", expiresIn).put("ext_expires_in", expiresIn)
                        .put("access_token", token).encode());
            }
        });
    }

    private static void error(HttpServerRequest req, int status, String error, String description, int code) {
        String id = UUID.randomUUID().toString();
        req.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8").end(new JsonObject()
                .put("error", error).put("error_description", description + "\r\nTrace ID: " + id + "\r\nCorrelation ID: " + id
                        + "\r\nTimestamp: " + Instant.now())
                .put("error_codes", new JsonArray().add(code)).put("timestamp", Instant.now().toString())
                .put("trace_id", id).put("correlation_id", id).encode());
    }
}
