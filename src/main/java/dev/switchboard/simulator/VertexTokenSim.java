package dev.switchboard.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google's OAuth 2.0 token endpoint for service accounts ({@code POST /token}, the {@code token_uri} of a
 * service-account JSON), as RFC 7523 and Google's "Using OAuth 2.0 for Server to Server Applications" describe it:
 * a form body with {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer} and an RS256-signed JWT
 * {@code assertion} whose claims are {@code iss} (the account's email), {@code scope}, {@code aud} (this endpoint),
 * {@code iat} and {@code exp} (at most an hour apart). The signature is verified with the public key a test registered
 * for the account ({@link #trust}); the answer is {@code {"access_token","expires_in","token_type":"Bearer"}}, and a
 * refusal Google's {@code {"error":"invalid_grant","error_description":…}} with 400. Issued tokens are what
 * {@link VertexSim} accepts as bearer tokens, until they expire.
 */
final class VertexTokenSim {
    static final String GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private final Map<String, PublicKey> trusted = new ConcurrentHashMap<>();
    private final Map<String, Long> issued = new ConcurrentHashMap<>(); // token → expiry, epoch millis
    private final AtomicInteger grants = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private volatile long lifetimeSeconds = 3599;

    void trust(String clientEmail, PublicKey key) { trusted.put(clientEmail, key); }

    /**
     * A service account made here and trusted at once: a fresh RSA key and the JSON key file Google's console hands
     * out (type, project_id, private_key_id, private_key as PKCS#8 PEM, client_email, token_uri, …), its
     * {@code token_uri} this endpoint, so google-auth-library gets its tokens here. The private key never leaves the
     * JSON returned; it signs for the simulator only.
     */
    String newServiceAccount(String tokenUri, String projectId, String name) {
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            java.security.KeyPair pair = g.generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            String email = name + "@" + projectId + ".iam.gserviceaccount.com";
            byte[] keyId = new byte[20];
            random.nextBytes(keyId);
            trust(email, pair.getPublic());
            return new JsonObject().put("type", "service_account").put("project_id", projectId)
                    .put("private_key_id", HexFormat.of().formatHex(keyId)).put("private_key", pem)
                    .put("client_email", email).put("client_id", "100000000000000000001")
                    .put("auth_uri", "https://accounts.google.com/o/oauth2/auth").put("token_uri", tokenUri)
                    .put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs")
                    .put("universe_domain", "googleapis.com").encodePrettily();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    void lifetimeSeconds(long seconds) { lifetimeSeconds = seconds; }

    /** Every token issued so far stops working, as after a revocation. */
    void expireAll() { issued.replaceAll((t, exp) -> 0L); }

    int grants() { return grants.get(); }

    /** Counters and lifetime back to normal; issued tokens stay valid (a gateway under test still holds them). */
    void clear() {
        grants.set(0);
        lifetimeSeconds = 3599;
    }

    /** null when the token was issued here and has not expired, else the ErrorInfo reason Google gives. */
    String refusal(String token) {
        Long expiry = token == null ? null : issued.get(token);
        if (expiry == null) return "ACCESS_TOKEN_TYPE_UNSUPPORTED";
        return System.currentTimeMillis() < expiry ? null : "ACCESS_TOKEN_EXPIRED";
    }

    void handle(HttpServerRequest req, Buffer body) {
        HttpServerResponse resp = req.response();
        Map<String, String> form = form(body.toString(StandardCharsets.UTF_8));
        if (!GRANT.equals(form.get("grant_type"))) {
            refuse(resp, "unsupported_grant_type", "Invalid grant_type: " + form.getOrDefault("grant_type", ""));
            return;
        }
        String[] jwt = form.getOrDefault("assertion", "").split("\\.");
        if (jwt.length != 3) {
            refuse(resp, "invalid_request", "Invalid JWT: the assertion is not a signed JWT.");
            return;
        }
        JsonObject header;
        JsonObject claims;
        try {
            header = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt[0]), StandardCharsets.UTF_8));
            claims = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            refuse(resp, "invalid_request", "Invalid JWT: the header or claims are not base64url JSON.");
            return;
        }
        PublicKey key = claims.getValue("iss") instanceof String iss ? trusted.get(iss) : null;
        if (key == null) {
            refuse(resp, "invalid_grant", "Invalid grant: account not found");
            return;
        }
        if (!"RS256".equals(header.getValue("alg")) || !verifies(key, jwt)) {
            refuse(resp, "invalid_grant", "Invalid JWT Signature.");
            return;
        }
        long now = System.currentTimeMillis() / 1000;
        if (!(claims.getValue("iat") instanceof Number iat) || !(claims.getValue("exp") instanceof Number exp)
                || exp.longValue() <= now || iat.longValue() > now + 300 || exp.longValue() - iat.longValue() > 3600) {
            refuse(resp, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
                    + "timeframe. Check your iat and exp values in the JWT claim.");
            return;
        }
        // google-auth-library signs for Google's token URI whatever token_uri it posts to; Google accepts both spellings
        String audience = "http://" + req.authority() + "/token";
        Object aud = claims.getValue("aud");
        if (!audience.equals(aud) && !"https://oauth2.googleapis.com/token".equals(aud) && !"https://www.googleapis.com/oauth2/v4/token".equals(aud)) {
            refuse(resp, "invalid_grant", "Invalid JWT: Failed audience check. The expected audience is " + audience + ".");
            return;
        }
        if (!(claims.getValue("scope") instanceof String scope) || scope.isBlank()) {
            refuse(resp, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
            return;
        }
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = "ya29.sim" + HexFormat.of().formatHex(bytes);
        long lifetime = lifetimeSeconds;
        issued.put(token, System.currentTimeMillis() + lifetime * 1000);
        grants.incrementAndGet();
        resp.setStatusCode(200).putHeader("content-type", "application/json; charset=utf-8").putHeader("cache-control", "no-store")
                .end(new JsonObject().put("access_token", token).put("expires_in", lifetime).put("token_type", "Bearer").encodePrettily());
    }

    private static boolean verifies(PublicKey key, String[] jwt) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(key);
            s.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            return s.verify(Base64.getUrlDecoder().decode(jwt[2]));
        } catch (Exception e) {
            return false;
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Google's token endpoint answers its refusals pretty-printed, status 400. */
    private static void refuse(HttpServerResponse resp, String error, String description) {
        resp.setStatusCode(400).putHeader("content-type", "application/json; charset=utf-8")
                .end(new JsonObject().put("error", error).put("error_description", description).encodePrettily());
    }
}
