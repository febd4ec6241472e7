package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.model.Caller;
import dev.switchboard.model.GatewayException;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a token's claims name and empower its caller, and how a token is checked, without a network. */
class JwtIdentityTest {
    private static Map<String, Object> settings(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuers", List.of());
        m.put("global", Map.of("issuer", "https://idp", "audiences", List.of("app"), "jwks_urls", List.of("https://idp/keys")));
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static Caller caller(Map<String, Object> settings, Map<String, Object> claims) {
        JwtSettings s = JwtSettings.from(settings);
        return JwtIdentity.of(s, s.global(), claims);
    }

    @Test
    void userEmailTeamsOrgAndEndUserComeFromTheConfiguredFieldsIncludingDotPaths() {
        Caller c = caller(settings("user_id_jwt_field", "sub", "user_email_jwt_field", "email", "team_ids_jwt_field",
                "groups", "org_id_jwt_field", "org.id", "end_user_id_jwt_field", "customer"),
                Map.of("sub", "u1", "email", "u1@corp.com", "groups", List.of("t1", "t2"), "org", Map.of("id", "o9"), "customer", "c7"));
        assertThat(c.id()).isEqualTo("user:u1");
        assertThat(c.alias()).isEqualTo("u1@corp.com");
        assertThat(c.tags()).containsExactly("user:u1", "team:t1", "team:t2", "org:o9", "end_user:c7");
        assertThat(c.admin()).isFalse();
        assertThat(c.models()).isNull();
        assertThat(c.virtualKey()).isFalse();
    }

    @Test
    void aTokenWithoutAUserIsFiledUnderItsTeamThenItsSubjectAndTeamIdDefaultFillsIn() {
        assertThat(caller(settings("team_id_jwt_field", "client_id"), Map.of("client_id", List.of("app-a", "app-b"), "sub", "x")).id())
                .as("a list in the singular field: its first element, as LiteLLM").isEqualTo("team:app-a");
        assertThat(caller(settings(), Map.of("sub", "svc")).id()).isEqualTo("jwt:svc");
        assertThat(caller(settings("team_id_jwt_field", "client_id", "team_id_default", "shared"), Map.of("sub", "svc")).tags())
                .containsExactly("team:shared");
    }

    @Test
    void theAdminScopeOrARoleMappedToProxyAdminMakesAnAdmin() {
        assertThat(caller(settings(), Map.of("scope", "openid litellm_proxy_admin")).admin()).isTrue();
        assertThat(caller(settings(), Map.of("scope", List.of("litellm_proxy_admin"))).admin()).isTrue();
        assertThat(caller(settings("admin_jwt_scope", "gw-admin"), Map.of("scope", "litellm_proxy_admin")).admin()).isFalse();
        Map<String, Object> mapped = settings("roles_jwt_field", "resource_access.gw.roles", "role_mappings",
                List.of(Map.of("role", "gw-admins", "internal_role", "proxy_admin"), Map.of("role", "gw-users", "internal_role", "internal_user")));
        assertThat(caller(mapped, Map.of("resource_access", Map.of("gw", Map.of("roles", List.of("gw-admins")))))
                .admin()).isTrue();
        assertThat(caller(mapped, Map.of("resource_access", Map.of("gw", Map.of("roles", "gw-users"))))
                .admin()).isFalse();
        Map<String, Object> globs = settings("roles_jwt_field", "roles", "jwt_litellm_role_map",
                List.of(Map.of("jwt_role", "*-admins", "litellm_role", "proxy_admin")));
        assertThat(caller(globs, Map.of("roles", List.of("platform-admins"))).admin()).isTrue();
        assertThat(caller(globs, Map.of("roles", List.of("platform-users"))).admin()).isFalse();
    }

    @Test
    void anObjectIdIsAUserOrATeamAsItsMappedRoleSays() {
        Map<String, Object> s = settings("object_id_jwt_field", "oid", "roles_jwt_field", "roles", "role_mappings",
                List.of(Map.of("role", "consumer", "internal_role", "team"), Map.of("role", "person", "internal_role", "internal_user")));
        assertThat(caller(s, Map.of("oid", "abc", "roles", List.of("consumer"))).id()).isEqualTo("team:abc");
        assertThat(caller(s, Map.of("oid", "def", "roles", List.of("person"))).id()).isEqualTo("user:def");
    }

    @Test
    void enforceRbacRefusesATokenOfNoRoleAndTheEmailDomainIsChecked() {
        assertThatThrownBy(() -> caller(settings("enforce_rbac", true), Map.of("sub", "nobody")))
                .isInstanceOf(GatewayException.class).hasMessageContaining("enforce_rbac").extracting("status").isEqualTo(403);
        assertThat(caller(settings("enforce_rbac", true, "user_id_jwt_field", "sub"), Map.of("sub", "u")).id()).isEqualTo("user:u");
        Map<String, Object> domain = settings("user_email_jwt_field", "email", "user_allowed_email_domain", "corp.com");
        assertThat(caller(domain, Map.of("email", "a@corp.com")).alias()).isEqualTo("a@corp.com");
        assertThatThrownBy(() -> caller(domain, Map.of("email", "a@gmail.com"))).hasMessageContaining("not of the domain corp.com");
        assertThatThrownBy(() -> caller(domain, Map.of("sub", "a"))).hasMessageContaining("email is missing");
    }

    @Test
    void scopeMappingsGiveTheModelsOfTheTokensScopesAndNoneForOthers() {
        Map<String, Object> s = settings("enforce_scope_based_access", true, "scope_mappings",
                List.of(Map.of("scope", "api.claude", "models", List.of("claude")), Map.of("scope", "api.gpt", "models", List.of("gpt", "gpt-mini"))));
        assertThat(caller(s, Map.of("scope", "api.gpt other")).models()).containsExactly("gpt", "gpt-mini");
        assertThat(caller(s, Map.of("scope", "unrelated")).models()).isEmpty();
        assertThat(caller(s, Map.of("scope", "litellm_proxy_admin")).models()).as("an admin is not restricted").isNull();
        assertThat(caller(settings("enforce_scope_based_access", true), Map.of("scope", "x")).models())
                .as("no scope_mappings: nothing to enforce, as in LiteLLM").isNull();
    }

    // ---- the token itself: signature, kid, expiry, audience, issuer ----

    private static final String KEYS = "https://idp/keys";

    private static JwtAuthenticator authenticator(Map<String, Object> settings, String jwks, long now) {
        JwksKeys keys = new JwksKeys(url -> {
            if (url.equals("https://idp/.well-known/openid-configuration")) return "{\"jwks_uri\":\"" + KEYS + "\"}";
            if (url.equals(KEYS)) return jwks;
            throw new IllegalStateException("no such URL " + url);
        });
        JwtSettings s = JwtSettings.from(settings);
        keys.refresh(s.global().jwksUrls());
        return new JwtAuthenticator(s, keys, () -> now);
    }

    private static String sign(RSAKey key, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aTokenIsCheckedForSignatureKidExpiryNotBeforeAudienceAndIssuer() throws Exception {
        RSAKey k1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        RSAKey k2 = new RSAKeyGenerator(2048).keyID("k2").generate();
        String jwks = new JWKSet(List.of(k1.toPublicJWK(), k2.toPublicJWK())).toString();
        long now = 1_800_000_000_000L;
        JwtAuthenticator a = authenticator(settings("user_id_jwt_field", "sub"), jwks, now);
        JWTClaimsSet.Builder ok = new JWTClaimsSet.Builder().issuer("https://idp").audience(List.of("other", "app")).subject("u")
                .expirationTime(new Date(now + 60_000));
        assertThat(a.authenticate(sign(k2, "k2", ok.build())).id()).isEqualTo("user:u");

        List<String> refusals = new ArrayList<>();
        for (String token : List.of(sign(k1, "k2", ok.build()), sign(k1, null, ok.build()), sign(k1, "k9", ok.build()),
                sign(k1, "k1", new JWTClaimsSet.Builder(ok.build()).expirationTime(new Date(now)).build()),
                sign(k1, "k1", new JWTClaimsSet.Builder(ok.build()).notBeforeTime(new Date(now + 1000)).build()),
                sign(k1, "k1", new JWTClaimsSet.Builder(ok.build()).audience("app2").build()),
                sign(k1, "k1", new JWTClaimsSet.Builder(ok.build()).audience((String) null).build()),
                sign(k1, "k1", new JWTClaimsSet.Builder(ok.build()).issuer("https://other").build()))) {
            try {
                a.authenticate(token);
                refusals.add("accepted");
            } catch (GatewayException e) {
                assertThat(e.status()).isEqualTo(401);
                refusals.add(e.getMessage());
            }
        }
        assertThat(refusals).satisfiesExactly(
                m -> assertThat(m).contains("signature is not valid"),
                m -> assertThat(m).contains("names no key (kid)"),
                m -> assertThat(m).contains("No signing key with kid 'k9'"),
                m -> assertThat(m).contains("Token Expired"),
                m -> assertThat(m).contains("not valid before"),
                m -> assertThat(m).contains("audience [app2]"),
                m -> assertThat(m).contains("has no audience"),
                m -> assertThat(m).contains("issuer 'https://other' is not trusted"));
    }

    @Test
    void aDiscoveryDocumentIsFollowedAndASingleKeyServesATokenWithoutKid() throws Exception {
        RSAKey k = new RSAKeyGenerator(2048).generate(); // no kid
        Map<String, Object> s = settings();
        s.put("global", Map.of("issuer", "https://idp", "audiences", List.of(),
                "jwks_urls", List.of("https://idp/.well-known/openid-configuration")));
        JwtAuthenticator a = authenticator(s, new JWKSet(k.toPublicJWK()).toString(), System.currentTimeMillis());
        Caller c = a.authenticate(sign(k, null, new JWTClaimsSet.Builder().issuer("https://idp").subject("s").build()));
        assertThat(c.id()).isEqualTo("jwt:s");
    }

    @Test
    void aVerifiedTokenIsRememberedOnlyWhileItIsValidAndItsKeyIsStillServed() throws Exception {
        RSAKey old = new RSAKeyGenerator(2048).keyID("old").generate();
        RSAKey fresh = new RSAKeyGenerator(2048).keyID("new").generate();
        String[] jwks = {new JWKSet(old.toPublicJWK()).toString()};
        long[] now = {1_800_000_000_000L};
        JwksKeys keys = new JwksKeys(url -> jwks[0]);
        JwtSettings s = JwtSettings.from(settings("user_id_jwt_field", "sub"));
        keys.refresh(s.global().jwksUrls());
        JwtAuthenticator a = new JwtAuthenticator(s, keys, () -> now[0]);
        String token = sign(old, "old", new JWTClaimsSet.Builder().issuer("https://idp").audience("app").subject("u")
                .expirationTime(new Date(now[0] + 60_000)).build());
        assertThat(a.authenticate(token).id()).isEqualTo("user:u");
        assertThat(a.authenticate(token).id()).as("remembered").isEqualTo("user:u");

        now[0] += 61_000;
        assertThatThrownBy(() -> a.authenticate(token)).as("expired while remembered").hasMessageContaining("Token Expired");

        now[0] -= 61_000;
        jwks[0] = new JWKSet(fresh.toPublicJWK()).toString(); // the provider rotated its key out
        keys.refresh(s.global().jwksUrls());
        assertThatThrownBy(() -> a.authenticate(token)).as("its key is gone").hasMessageContaining("No signing key with kid 'old'");
    }

    /**
     * QA docs LOW-6: check on the README's JWT example logged "could not fetch https://your-okta-domain.okta.com/… (null)":
     * the JDK client's exceptions for an unresolvable host or a refused connection carry no message.
     */
    @Test
    void aFailedFetchSaysWhy() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(5)).build();
        Exception unresolved = catchSend(client, "http://no-such-host.invalid/.well-known/jwks.json");
        assertThat(JwksKeys.reason(unresolved)).startsWith("the host name does not resolve");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Exception refused = catchSend(client, "http://127.0.0.1:" + port + "/jwks");
        assertThat(JwksKeys.reason(refused)).isNotBlank().doesNotContain("null");
        assertThat(JwksKeys.reason(new java.io.IOException("connection reset"))).isEqualTo("connection reset");
        assertThat(JwksKeys.reason(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    private static Exception catchSend(java.net.http.HttpClient client, String url) {
        try {
            client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError(url + " answered");
    }

    @Test
    void withoutKeysATokenIsA503AndOnlyAsymmetricAlgorithmsAreAccepted() throws Exception {
        JwtSettings s = JwtSettings.from(settings());
        JwksKeys none = new JwksKeys(url -> { throw new java.io.IOException("connection refused"); });
        none.refresh(s.global().jwksUrls());
        RSAKey k = new RSAKeyGenerator(2048).keyID("k").generate();
        JwtAuthenticator a = new JwtAuthenticator(s, none, System::currentTimeMillis);
        assertThatThrownBy(() -> a.authenticate(sign(k, "k", new JWTClaimsSet.Builder().issuer("https://idp").audience("app").build())))
                .hasMessageContaining("could not be fetched").extracting("status").isEqualTo(503);
        SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().issuer("https://idp").build());
        hs.sign(new com.nimbusds.jose.crypto.MACSigner(new byte[32]));
        assertThatThrownBy(() -> a.authenticate(hs.serialize())).hasMessageContaining("HS256 is not accepted");
        assertThat(JwtAuthenticator.looksLikeJwt(hs.serialize())).isTrue();
        assertThat(JwtAuthenticator.looksLikeJwt("sk-sb-abc.def.ghi")).isFalse();
        assertThat(JwtAuthenticator.looksLikeJwt("sk-master")).isFalse();
    }
}
