package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JWT auth as LiteLLM's Okta example configures it, through real sockets: an identity provider (a small Vert.x server
 * in this test) serves its OpenID discovery document and its JWKS; the gateway follows the one to the other, and the
 * official OpenAI and Anthropic SDKs call it with tokens signed by the provider's key. Bad tokens are 401s in each
 * dialect, an admin token reaches the admin API, calls are in the ledger under the token's user and team, and the
 * master key and virtual keys keep working beside JWTs.
 */
class JwtAuthIT {
    static final String ISSUER = "https://idp.example.test/oauth2/default";
    static RSAKey idpKey;
    static RSAKey otherKey;
    static Vertx idpVertx;
    static HttpServer idp;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        idpKey = new RSAKeyGenerator(2048).keyID("idp-key-1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("idp-key-1").generate(); // same kid, another key: a forgery
        idpVertx = Vertx.vertx();
        String jwks = new JWKSet(idpKey.toPublicJWK()).toString();
        idp = idpVertx.createHttpServer().requestHandler(req -> {
            String base = "http://127.0.0.1:" + req.localAddress().port();
            switch (req.path()) {
                case "/oauth2/default/.well-known/openid-configuration" -> req.response().putHeader("content-type", "application/json")
                        .end(new JsonObject().put("issuer", ISSUER).put("jwks_uri", base + "/oauth2/default/v1/keys").encode());
                case "/oauth2/default/v1/keys" -> req.response().putHeader("content-type", "application/json").end(jwks);
                default -> req.response().setStatusCode(404).end();
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String discovery = "http://127.0.0.1:" + idp.actualPort() + "/oauth2/default/.well-known/openid-configuration";
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  enable_jwt_auth: true
                  litellm_jwtauth:
                    public_key_url: "%s"
                    user_id_jwt_field: "sub"
                    user_email_jwt_field: "email"
                    team_ids_jwt_field: "groups"
                    audience: "switchboard-client"
                    issuer: "%s"
                    roles_jwt_field: "groups"
                    role_mappings:
                      - role: "litellm-admins"
                        internal_role: "proxy_admin"
                      - role: "litellm-users"
                        internal_role: "internal_user"
                """.formatted(discovery, ISSUER));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        if (idpVertx != null) idpVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String token(RSAKey key, Consumer<JWTClaimsSet.Builder> claims) throws Exception {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(ISSUER).audience("switchboard-client")
                .subject("alice").claim("email", "alice@example.com").claim("groups", List.of("litellm-users", "research"))
                .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 300_000));
        claims.accept(b);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), b.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static String userToken() throws Exception { return token(idpKey, b -> {}); }

    private static ChatCompletion chat(String key) {
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
        try {
            return openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt").addUserMessage("hi").build());
        } finally {
            openai.close();
        }
    }

    @Test
    void aTokensAnswerCarriesLiteLlmsKeySpendAsThisCallsCost() throws Exception {
        // LiteLLM's UserAPIKeyAuth for a JWT has no key row: spend 0.0, max_budget None, so get_custom_headers says
        // x-litellm-key-spend = 0.0 + this call's cost and leaves the max budget out
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(userToken()).maxRetries(0).build();
        try {
            var raw = openai.chat().completions().withRawResponse()
                    .create(ChatCompletionCreateParams.builder().model("gpt").addUserMessage("hi").build());
            assertThat(raw.statusCode()).isEqualTo(200);
            String cost = raw.headers().values("x-litellm-response-cost").get(0);
            assertThat(Double.parseDouble(cost)).isPositive();
            assertThat(raw.headers().values("x-litellm-key-spend")).containsExactly(cost);
            assertThat(raw.headers().values("x-litellm-key-max-budget")).isEmpty();
        } finally {
            openai.close();
        }
    }

    @Test
    void theOpenAiSdkCallsWithATokenAndTheLedgerFilesTheCallUnderItsUserAndTeams() throws Exception {
        ChatCompletion answer = chat(userToken());
        assertThat(answer.choices()).isNotEmpty();

        Admin admin = new Admin(gw);
        JsonArray rows = admin.getOk("/spend/logs?key=user:alice").getJsonArray("data");
        assertThat(rows).isNotEmpty();
        JsonObject row = rows.getJsonObject(0);
        assertThat(row.getString("key_id")).isEqualTo("user:alice");
        assertThat(row.getString("key_alias")).isEqualTo("alice@example.com");
        assertThat(row.getJsonArray("request_tags").getList()).contains("team:litellm-users", "team:research");
        assertThat(Double.parseDouble(row.getValue("spend").toString())).isGreaterThan(0);
        // "which team spent it": the report grouped by tag has the team
        JsonArray byTag = admin.getOk("/global/spend/report?group_by=tag").getJsonArray("groups");
        assertThat(byTag.stream().map(g -> ((JsonObject) g).getString("group")).toList()).contains("team:research");
    }

    @Test
    void aTokensFirstStoredTeamGovernsItsCalls() throws Exception {
        // the token's groups are litellm-users (no stored team: a label) and research: research's budget and block apply
        Admin admin = new Admin(gw);
        assertThat(admin.post("/team/new", new JsonObject().put("team_id", "research").put("max_budget", 0)).statusCode()).isEqualTo(200);
        try {
            assertThatThrownBy(() -> chat(userToken()))
                    .isInstanceOf(com.openai.errors.BadRequestException.class)
                    .hasMessageContaining("Budget has been exceeded! Team=research Current cost: 0, Max budget: 0.");
            assertThat(admin.post("/team/update", new JsonObject().put("team_id", "research").put("max_budget", 1)
                    .put("blocked", true)).statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> chat(userToken()))
                    .isInstanceOf(com.openai.errors.UnauthorizedException.class)
                    .hasMessageContaining("Team=research is blocked.");
            assertThat(admin.post("/team/unblock", new JsonObject().put("team_id", "research")).statusCode()).isEqualTo(200);
            assertThat(chat(userToken()).choices()).isNotEmpty();
            // the call is in the team's spend
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> Double.parseDouble(
                    admin.getOk("/team/info?team_id=research").getJsonObject("team_info").getValue("spend").toString()) > 0);

            // with two stored teams, LiteLLM's choice: the token's first team that may use the model asked for
            assertThat(admin.post("/team/new", new JsonObject().put("team_id", "litellm-users").put("max_budget", 0)
                    .put("models", new JsonArray().add("claude"))).statusCode()).isEqualTo(200);
            assertThat(admin.post("/team/update", new JsonObject().put("team_id", "research")
                    .put("models", new JsonArray().add("gpt"))).statusCode()).isEqualTo(200);
            assertThat(chat(userToken()).choices()).as("gpt: research's (litellm-users may not use it)").isNotEmpty();
            HttpResponse<String> claude = Http.post(gw.v1() + "/chat/completions", userToken(),
                    "{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(claude.statusCode()).isEqualTo(400);
            assertThat(claude.body()).contains("Budget has been exceeded! Team=litellm-users");
            assertThat(admin.post("/team/update", new JsonObject().put("team_id", "research")
                    .put("models", new JsonArray().add("claude"))).statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> chat(userToken()))
                    .isInstanceOf(com.openai.errors.PermissionDeniedException.class)
                    .hasMessageContaining("No team has access to the requested model: gpt. Checked teams=['litellm-users', 'research'].");
            // /v1/models lists what one of the token's teams may use
            JsonArray models = new JsonObject(Http.get(gw.v1() + "/models", userToken()).body()).getJsonArray("data");
            assertThat(models.stream().map(m -> ((JsonObject) m).getString("id"))).containsExactly("claude");
        } finally {
            admin.post("/team/delete", new JsonObject().put("team_ids", new JsonArray().add("research").add("litellm-users")));
        }
    }

    @Test
    void aStoredUserGovernsTheTokensCallsOfNoTeam() throws Exception {
        // LiteLLM applies a token user's row (budget, models) when the token has no team; its rate limits always
        Admin admin = new Admin(gw);
        assertThat(admin.post("/user/new", new JsonObject().put("user_id", "jwt-bob").put("max_budget", 0)
                .put("auto_create_key", false)).statusCode()).isEqualTo(200);
        String noTeam = token(idpKey, b -> b.subject("jwt-bob").claim("groups", List.of()));
        String ofATeam = token(idpKey, b -> b.subject("jwt-bob").claim("groups", List.of("research")));
        try {
            assertThatThrownBy(() -> chat(noTeam)).isInstanceOf(com.openai.errors.BadRequestException.class)
                    .hasMessageContaining("ExceededBudget: User=jwt-bob over budget.");
            assertThat(chat(ofATeam).choices()).as("a team's call spends the team's budget").isNotEmpty();
            assertThat(admin.post("/user/update", new JsonObject().put("user_id", "jwt-bob").put("max_budget", 1)
                    .put("models", new JsonArray().add("claude"))).statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> chat(noTeam)).isInstanceOf(com.openai.errors.PermissionDeniedException.class)
                    .hasMessageContaining("user not allowed to access model. This user can only access models=['claude']. Tried to access gpt.");
            JsonArray models = new JsonObject(Http.get(gw.v1() + "/models", noTeam).body()).getJsonArray("data");
            assertThat(models.stream().map(m -> ((JsonObject) m).getString("id"))).containsExactly("claude");
            HttpResponse<String> claude = Http.post(gw.v1() + "/chat/completions", noTeam,
                    "{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(claude.statusCode()).as(claude.body()).isEqualTo(200);
            // the token's call of no team counts for her
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> Double.parseDouble(
                    admin.getOk("/user/info?user_id=jwt-bob").getJsonObject("user_info").getValue("spend").toString()) > 0);
        } finally {
            admin.post("/user/delete", new JsonObject().put("user_ids", new JsonArray().add("jwt-bob")));
        }
    }

    @Test
    void theAnthropicSdkSignsInWithATokenToo() throws Exception {
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(userToken()).maxRetries(0).build();
        try {
            var message = anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(20).addUserMessage("hi").build());
            assertThat(message.content()).isNotEmpty();
        } finally {
            anthropic.close();
        }
    }

    @Test
    void aForgedExpiredOrForeignTokenIsA401InBothDialects() throws Exception {
        gw.simulator.reset();
        String forged = token(otherKey, b -> {});
        String expired = token(idpKey, b -> b.expirationTime(new Date(System.currentTimeMillis() - 60_000)));
        String foreign = token(idpKey, b -> b.audience("another-app"));
        String otherIssuer = token(idpKey, b -> b.issuer("https://evil.example.test"));
        String unsigned = new com.nimbusds.jwt.PlainJWT(new JWTClaimsSet.Builder().subject("alice").build()).serialize() + "x";
        for (String[] c : new String[][] {{forged, "signature is not valid"}, {expired, "Token Expired"},
                {foreign, "audience"}, {otherIssuer, "issuer"}, {unsigned, "JWT"}}) {
            assertThatThrownBy(() -> chat(c[0])).as(c[1]).isInstanceOf(UnauthorizedException.class).hasMessageContaining(c[1]);
            AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(c[0]).maxRetries(0).build();
            try {
                assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(20)
                        .addUserMessage("hi").build())).as(c[1]).isInstanceOf(com.anthropic.errors.UnauthorizedException.class)
                        .hasMessageContaining(c[1]);
            } finally {
                anthropic.close();
            }
        }
        assertThat(gw.simulator.received()).as("nothing reached a provider").isEmpty();
    }

    /**
     * A token whose names hold a control character is refused (403 in the caller's dialect), as an admin-set name with
     * one is: they label the ledger, the log and /metrics (the security review's LOW: {@code sub: "bob\nFORGED"} was
     * served and became a /metrics key label and a ledger row).
     */
    @Test
    void aTokenWhoseNamesHoldControlCharactersIsRefused() throws Exception {
        gw.simulator.reset();
        for (var claims : List.<Consumer<JWTClaimsSet.Builder>>of(b -> b.subject("bob\nFORGED"), b -> b.claim("email", "eve@example.com\r"),
                b -> b.claim("groups", List.of("litellm-users", "re\tsearch")))) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", token(idpKey, claims),
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains("holds control characters")
                    .doesNotContain("\n");
        }
        HttpResponse<String> a = Http.post(gw.baseUrl() + "/v1/messages", token(idpKey, b -> b.subject("bob\nFORGED")),
                "{\"model\":\"claude\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "anthropic-version", "2023-06-01");
        assertThat(a.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(a.body()).getString("type")).isEqualTo("error");
        assertThat(gw.simulator.received()).as("nothing reached a provider").isEmpty();
    }

    @Test
    void anAdminRoleReachesTheAdminApiAndAUserRoleDoesNot() throws Exception {
        String adminToken = token(idpKey, b -> b.subject("bob").claim("groups", List.of("litellm-admins")));
        HttpResponse<String> generated = Http.post(gw.baseUrl() + "/key/generate", adminToken, "{\"key_alias\":\"from-jwt-admin\"}");
        assertThat(generated.statusCode()).as(generated.body()).isEqualTo(200);
        HttpResponse<String> refused = Http.post(gw.baseUrl() + "/key/generate", userToken(), "{\"key_alias\":\"nope\"}");
        assertThat(refused.statusCode()).isEqualTo(403);
        // the admin scope works as LiteLLM's default admin_jwt_scope
        String scoped = token(idpKey, b -> b.subject("carol").claim("groups", List.of()).claim("scope", "openid litellm_proxy_admin"));
        assertThat(Http.get(gw.baseUrl() + "/key/list", scoped).statusCode()).isEqualTo(200);
    }

    @Test
    void theMasterKeyAndVirtualKeysKeepWorkingBesideTokens() throws Exception {
        assertThat(chat(TestGateway.MASTER_KEY).choices()).isNotEmpty();
        String key = new Admin(gw).generate(new JsonObject().put("key_alias", "beside-jwt")).getString("key");
        assertThat(chat(key).choices()).isNotEmpty();
        assertThatThrownBy(() -> chat("sk-not-a-key")).isInstanceOf(UnauthorizedException.class);
    }

    /**
     * An admin token does not open a dashboard session: the session (12 hours) would outlive the token, and a token
     * made 15 s long kept listing and creating keys for hours (QA security finding 2). It still reaches the dashboard's
     * API with each request, checked each time; the master key logs in as before.
     */
    @Test
    void anAdminTokenDoesNotLogInToTheDashboard() throws Exception {
        String adminToken = token(idpKey, b -> b.subject("bob").claim("groups", List.of("litellm-admins")));
        HttpResponse<String> login = Http.post(gw.baseUrl() + "/ui/login", null, new JsonObject().put("master_key", adminToken).encode());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(401);
        assertThat(login.headers().firstValue("set-cookie")).isEmpty();
        assertThat(new JsonObject(login.body()).getJsonObject("error").getString("message")).contains("JWT").contains("master key only");
        assertThat(Http.get(gw.baseUrl() + "/ui/api/keys", adminToken).statusCode()).isEqualTo(200);
        HttpResponse<String> master = Http.post(gw.baseUrl() + "/ui/login", null,
                new JsonObject().put("master_key", TestGateway.MASTER_KEY).encode());
        assertThat(master.statusCode()).as(master.body()).isEqualTo(200);
        assertThat(master.headers().firstValue("set-cookie").orElseThrow()).startsWith("sb_ui_session=");
    }

    /**
     * Every JWT caller shares one /metrics key label, "jwt": a series per user (the label was the token's email or user
     * id) made /metrics grow with the identity provider's directory. A virtual key keeps its own label.
     */
    @Test
    void jwtCallersShareOneKeyLabelOnMetrics() throws Exception {
        List<String> users = List.of("metrics-u1", "metrics-u2", "metrics-u3");
        for (String u : users) {
            chat(token(idpKey, b -> b.subject(u).claim("email", u + "@example.com")));
        }
        HttpResponse<String> scrape = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY);
        assertThat(scrape.statusCode()).isEqualTo(200);
        String text = scrape.body();
        for (String u : users) assertThat(text).as(u).doesNotContain(u);
        assertThat(MetricsIT.value(text, "switchboard_requests_total", "model", "gpt", "key", "jwt", "status", "200"))
                .isGreaterThanOrEqualTo(3.0);
        assertThat(MetricsIT.value(text, "switchboard_cost_usd_total", "model", "gpt", "key", "jwt")).isPositive();
    }
}
