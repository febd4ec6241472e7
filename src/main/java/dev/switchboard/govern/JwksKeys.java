package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of the trusted issuers, one set per configured URL, held in memory. {@link #refresh} fetches them
 * (blocking: it runs at start and then on a worker, never on an event loop); {@link #find} is what a request uses,
 * a map read. A failed refresh keeps the last keys (LiteLLM serves a stale copy while its identity provider is
 * unreachable too).
 *
 * <p>A URL may be a JWKS ({@code {"keys": […]}}, or one bare key as LiteLLM also accepts) or an OpenID discovery
 * document, whose {@code jwks_uri} is followed. LiteLLM follows a discovery document only when the URL contains
 * {@code .well-known/openid-configuration}; deciding by the document's content instead also serves the
 * {@code …/.well-known/openid-configuration/jwks} URLs its own docs give as examples.
 */
final class JwksKeys {
    private static final Logger log = LoggerFactory.getLogger("switchboard.jwt");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One key ready to verify with: the verifier is built once per fetch, not per request. */
    record Key(String kid, JWSVerifier verifier) {}

    /** Where the identity provider's keys are and what it answered last. */
    interface Fetcher {
        String get(String url) throws Exception;
    }

    private final Fetcher fetcher;
    private final Map<String, List<Key>> byUrl = new ConcurrentHashMap<>();

    JwksKeys(Fetcher fetcher) { this.fetcher = fetcher; }

    /** Plain HTTPS GETs with the JDK client: a few requests every public_key_ttl, off the request path. */
    static JwksKeys overHttp() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
        return new JwksKeys(url -> {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                    .header("accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException(url + " answered HTTP " + r.statusCode());
            return r.body();
        });
    }

    /** True once the keys of {@code url} have been fetched at least once. */
    boolean loaded(String url) { return byUrl.containsKey(url); }

    /**
     * The key a token names, as LiteLLM's parse_keys picks it: by {@code kid}; a token without one is verified only
     * against a set of exactly one key.
     */
    Key find(String url, String kid) {
        List<Key> keys = byUrl.get(url);
        if (keys == null) return null;
        if (kid == null) return keys.size() == 1 ? keys.get(0) : null;
        for (Key k : keys) if (kid.equals(k.kid())) return k;
        return null;
    }

    /** Fetches every URL again; blocking. @return true when all answered */
    boolean refresh(List<String> urls) {
        boolean all = true;
        for (String url : urls) {
            try {
                List<Key> keys = fetch(url);
                byUrl.put(url, keys);
                log.debug("JWT signing keys of {}: {}", url, keys.stream().map(Key::kid).toList());
            } catch (Exception e) {
                all = false;
                log.warn("JWT signing keys: could not fetch {} ({}){}", url, reason(e),
                        byUrl.containsKey(url) ? "; the last keys fetched stay in use" : "; tokens it signs are refused until it answers");
            }
        }
        return all;
    }

    /**
     * Why a fetch failed, in words: the JDK's HTTP client throws a {@code ConnectException} without a message for a host
     * name that does not resolve or a refused connection, which was logged as "(null)".
     */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
                return "the host name does not resolve" + (t.getMessage() == null ? "" : ": " + t.getMessage());
            }
            if (t instanceof java.net.http.HttpConnectTimeoutException || t instanceof java.net.http.HttpTimeoutException) {
                return "no answer within " + TIMEOUT.toSeconds() + " s";
            }
            if (t instanceof java.net.ConnectException && t.getMessage() == null && t.getCause() == null) {
                return "the connection was refused";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t == e ? t.getMessage() : e.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private List<Key> fetch(String url) throws Exception {
        JsonNode doc = JSON.readTree(fetcher.get(url));
        if (doc.hasNonNull("jwks_uri") && !doc.has("keys")) doc = JSON.readTree(fetcher.get(doc.get("jwks_uri").asText()));
        JWKSet set = doc.has("keys") ? JWKSet.parse(doc.toString())
                : new JWKSet(JWK.parse(doc.toString())); // one bare key, as LiteLLM accepts
        List<Key> out = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) continue;
            JWSVerifier v = verifier(jwk);
            if (v != null) out.add(new Key(jwk.getKeyID(), v));
        }
        if (out.isEmpty()) throw new IllegalStateException("no RSA or EC signing key in the answer");
        return List.copyOf(out);
    }

    /** RSA (RS*, PS*) and EC (ES*) keys; others (OKP/EdDSA needs Tink, oct is symmetric) are skipped. */
    private static JWSVerifier verifier(JWK jwk) throws JOSEException {
        if (jwk instanceof RSAKey rsa) return new RSASSAVerifier(rsa.toRSAPublicKey());
        if (jwk instanceof ECKey ec) return new ECDSAVerifier(ec.toECPublicKey());
        log.info("JWT signing keys: key {} of type {} is not supported (RSA and EC are), skipped", jwk.getKeyID(), jwk.getKeyType());
        return null;
    }
}
