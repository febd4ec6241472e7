package dev.switchboard.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Bedrock's authentication as AWS checks it: a SigV4 {@code Authorization} header is verified by signing the request
 * again with the AWS SDK's own signer, from the secret the simulator holds for the access key, the request's own
 * {@code X-Amz-Date}, region and service from the credential scope, and exactly the headers it says it signed. A
 * Bedrock API key comes as {@code Authorization: Bearer …}. Refusals are AWS's: 403 with {@code x-amzn-ErrorType}
 * {@code UnrecognizedClientException} (unknown key or token), {@code InvalidSignatureException} (a wrong secret, a
 * changed body or header, a request over 15 minutes old), {@code MissingAuthenticationTokenException}.
 */
final class BedrockSimAuth {
    /** The credentials the simulator knows when a test names none. */
    static final String DEFAULT_ACCESS_KEY = "AKIASIMULATOR0000001";
    static final String DEFAULT_SECRET = "sim/Secret+Access+Key0000000000000000000";

    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private record Known(String secret, String sessionToken) {}

    private final Map<String, Known> keys = new ConcurrentHashMap<>();
    private final Map<String, Boolean> bearerKeys = new ConcurrentHashMap<>();

    BedrockSimAuth() { clear(); }

    void clear() {
        keys.clear();
        bearerKeys.clear();
        keys.put(DEFAULT_ACCESS_KEY, new Known(DEFAULT_SECRET, null));
    }

    /** @param sessionToken required with this key when not null (temporary credentials) */
    void allow(String accessKey, String secret, String sessionToken) { keys.put(accessKey, new Known(secret, sessionToken)); }

    void allowBearer(String apiKey) { bearerKeys.put(apiKey, Boolean.TRUE); }

    /** A refusal as AWS words it. */
    record Refusal(String type, String message) {}

    /** @return null when the request is authentic */
    Refusal check(HttpServerRequest req, Buffer body, String requiredKey) {
        String auth = req.getHeader("authorization");
        if (auth == null || auth.isBlank()) return new Refusal("MissingAuthenticationTokenException", "Missing Authentication Token");
        if (auth.startsWith("Bearer ")) {
            String bearer = auth.substring(7);
            return (requiredKey != null ? requiredKey.equals(bearer) : bearerKeys.containsKey(bearer)) ? null
                    : new Refusal("UnrecognizedClientException", "Invalid API Key format: Must start with pre-defined prefix");
        }
        Matcher m = AUTH.matcher(auth);
        if (!m.matches()) {
            return new Refusal("IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature' and"
                    + " 'SignedHeaders' parameters.");
        }
        Known known = keys.get(m.group(1));
        String token = req.getHeader("x-amz-security-token");
        if (known == null || (known.sessionToken != null && !known.sessionToken.equals(token))) {
            return new Refusal("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        String date = req.getHeader("x-amz-date");
        Instant at;
        try {
            at = Instant.from(AMZ_DATE.parse(date));
        } catch (RuntimeException e) {
            return new Refusal("IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '" + date + "'.");
        }
        if (Duration.between(at, Instant.now()).abs().compareTo(Duration.ofMinutes(15)) > 0) {
            return new Refusal("InvalidSignatureException", "Signature expired: " + date + " is now earlier than "
                    + AMZ_DATE.format(Instant.now().minus(Duration.ofMinutes(15))) + ".");
        }
        // a test's required key is the secret the signature must have been made with
        String expected = resign(req, body, m, requiredKey != null ? requiredKey : known.secret, token, at);
        if (!auth.equals(expected)) {
            return new Refusal("InvalidSignatureException", "The request signature we calculated does not match the signature"
                    + " you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation"
                    + " for details.");
        }
        return null;
    }

    /** The Authorization header the SDK's signer makes for this request with the secret we hold. */
    private static String resign(HttpServerRequest req, Buffer body, Matcher m, String secret, String token, Instant at) {
        String hostHeader = req.getHeader("host");
        int colon = hostHeader.lastIndexOf(':');
        SdkHttpRequest.Builder r = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(req.method().name()))
                .protocol(req.isSSL() ? "https" : "http")
                .host(colon < 0 ? hostHeader : hostHeader.substring(0, colon))
                .encodedPath(req.path());
        if (colon >= 0) r.port(Integer.parseInt(hostHeader.substring(colon + 1)));
        for (String name : m.group(5).split(";")) {
            if (name.equals("host") || name.equals("x-amz-date") || name.equals("x-amz-security-token")) continue; // the signer's own
            String v = req.getHeader(name);
            if (v != null) r.putHeader(name, v);
        }
        AwsCredentialsIdentity id = token == null ? AwsCredentialsIdentity.create(m.group(1), secret)
                : AwsSessionCredentialsIdentity.create(m.group(1), secret, token);
        return SIGNER.sign(s -> s.identity(id).request(r.build())
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(body.getBytes()))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, m.group(4))
                        .putProperty(AwsV4HttpSigner.REGION_NAME, m.group(3))
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
                .request().firstMatchingHeader("Authorization").orElse("");
    }
}
