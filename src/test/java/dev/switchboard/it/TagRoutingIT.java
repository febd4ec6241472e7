package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LiteLLM's tag routing ({@code enable_tag_filtering}): the call's tags — the body's {@code tags}, its metadata's,
 * {@code x-litellm-tags}, a key's — pick the deployments whose {@code litellm_params.tags} match; untagged calls go to
 * the {@code default} ones; a tagged call nothing matches is a 400. The tags never reach the provider.
 */
@ExtendWith(GatewayPerClass.class)
class TagRoutingIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/free-model, api_base: ${SIM}, api_key: sk-sim, tags: [free] }
                  - model_name: gpt
                    litellm_params: { model: openai/paid-model, api_base: ${SIM}, api_key: sk-sim, tags: [paid, teamA] }
                  - model_name: gpt
                    litellm_params: { model: openai/default-model, api_base: ${SIM}, api_key: sk-sim, tags: [default] }
                  - model_name: plain
                    litellm_params: { model: openai/plain-model, api_base: ${SIM}, api_key: sk-sim }
                  - model_name: cached
                    litellm_params: { model: openai/k-free, api_base: ${SIM}, api_key: sk-sim, tags: [free], cache: true }
                  - model_name: cached
                    litellm_params: { model: openai/k-paid, api_base: ${SIM}, api_key: sk-sim, tags: [paid], cache: true }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${SIM_ROOT}, api_key: sk-sim, tags: [paid] }
                  - model_name: agent
                    litellm_params: { model: openai/agent-model, api_base: ${SIM}, api_key: sk-sim, tag_regex: ["^User-Agent: claude-code/"] }
                  - model_name: agent
                    litellm_params: { model: openai/agent-default, api_base: ${SIM}, api_key: sk-sim, tags: [default] }
                  - model_name: agent
                    litellm_params: { model: openai/agent-paid, api_base: ${SIM}, api_key: sk-sim, tags: [paid] }
                  - model_name: agent-only
                    litellm_params: { model: openai/agent-only, api_base: ${SIM}, api_key: sk-sim, tag_regex: ["claude-code"], cache: true }
                router_settings:
                  enable_tag_filtering: true
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    private static HttpResponse<String> chat(String key, String model, String extra, String... headers) {
        return Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"" + model + "\"," + extra
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", headers);
    }

    private static String served(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("x-switchboard-model").orElseThrow();
    }

    @Test
    void eachWayOfTaggingPicksTheDeploymentsWithTheTag() {
        for (int i = 0; i < 4; i++) {
            assertThat(served(chat(TestGateway.MASTER_KEY, "gpt", "\"tags\":[\"free\"],"))).isEqualTo("openai/free-model");
            assertThat(served(chat(TestGateway.MASTER_KEY, "gpt", "\"metadata\":{\"tags\":\"paid\"},"))).isEqualTo("openai/paid-model");
            assertThat(served(chat(TestGateway.MASTER_KEY, "gpt", "", "x-litellm-tags", "teamA,other"))).isEqualTo("openai/paid-model");
            assertThat(served(chat(TestGateway.MASTER_KEY, "gpt", ""))).as("untagged: the default ones").isEqualTo("openai/default-model");
            assertThat(served(chat(TestGateway.MASTER_KEY, "plain", ""))).as("a group without tags serves as ever").isEqualTo("openai/plain-model");
        }
        // the tags are the gateway's: no provider sees them
        gw.simulator.received().forEach(seen -> assertThat(seen.body().fieldNames()).doesNotContain("tags"));
        assertThat(gw.simulator.received()).allSatisfy(seen -> assertThat(seen.body().encode()).doesNotContain("\"tags\""));
        // and the spend log has them
        JsonArray rows = new Admin(gw).getOk("/spend/logs").getJsonArray("data");
        assertThat(rows.encode()).contains("free", "teamA");
    }

    @Test
    void aTaggedCallNoDeploymentMatchesFallsToTheDefaultOnesElseIsRefused() {
        assertThat(served(chat(TestGateway.MASTER_KEY, "gpt", "\"tags\":[\"nobody\"],"))).isEqualTo("openai/default-model");
        // a model_name whose deployments carry no tags serves any call, tagged or not
        assertThat(served(chat(TestGateway.MASTER_KEY, "plain", "\"tags\":[\"paid\"],"))).isEqualTo("openai/plain-model");
        int before = gw.simulator.arrivals();
        HttpResponse<String> r = chat(TestGateway.MASTER_KEY, "claude", "\"tags\":[\"free\"],");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertThat(e.getString("code")).isEqualTo("no_deployments_with_tag_routing");
        assertThat(e.getString("message")).contains("'claude'").contains("[free]");
        assertThat(gw.simulator.arrivals()).as("nothing was called").isEqualTo(before);
        // a background response is refused at once, not queued and then failed
        HttpResponse<String> bg = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"input\":\"hi\",\"background\":true,\"metadata\":{\"tags\":\"free\"}}");
        assertThat(bg.statusCode()).as(bg.body()).isEqualTo(400);
        assertThat(new JsonObject(bg.body()).getJsonObject("error").getString("code")).isEqualTo("no_deployments_with_tag_routing");
        assertThat(gw.simulator.arrivals()).isEqualTo(before);
        // the Anthropic dialect too
        HttpResponse<String> a = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, """
                {"model":"claude","max_tokens":20,"metadata":{"user_id":"u"},"messages":[{"role":"user","content":"hi"}]}""",
                "x-litellm-tags", "paid", "anthropic-version", "2023-06-01");
        assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
    }

    /** An answer stored for one set of tags never serves another: a tagged call skips the response cache. */
    @Test
    void theResponseCacheNeverServesOneTagsAnswerToAnother() {
        HttpResponse<String> free = chat(TestGateway.MASTER_KEY, "cached", "\"tags\":[\"free\"],");
        assertThat(served(free)).isEqualTo("openai/k-free");
        HttpResponse<String> paid = chat(TestGateway.MASTER_KEY, "cached", "\"tags\":[\"paid\"],");
        assertThat(served(paid)).isEqualTo("openai/k-paid");
        assertThat(paid.headers().firstValue("x-switchboard-cache")).isNotEqualTo(java.util.Optional.of("hit-exact"));
        assertThat(chat(TestGateway.MASTER_KEY, "cached", "\"tags\":[\"none\"],").statusCode()).as("still refused").isEqualTo(400);
        // untagged calls all go the same way, and are cached as ever
        chat(TestGateway.MASTER_KEY, "cached", "");
        assertThat(chat(TestGateway.MASTER_KEY, "cached", "").headers().firstValue("x-switchboard-cache")).hasValue("hit-exact");
    }

    /** The labels the gateway adds itself (a key's user:… and team:…) say who called, not where to go. */
    @Test
    void aKeysUserAndTeamLabelsDoNotRoute() {
        String key = new Admin(gw).generate(new JsonObject().put("key_alias", "labelled").put("user_id", "ann").put("team_id", "blue"))
                .getString("key");
        assertThat(served(chat(key, "gpt", ""))).isEqualTo("openai/default-model");
        assertThat(served(chat(key, "claude", ""))).as("no default there: every deployment").isEqualTo("anthropic/claude-sonnet-4-5");
    }

    @Test
    void aKeysTagsRouteItsCalls() {
        String key = new Admin(gw).generate(new JsonObject().put("key_alias", "team-a").put("tags", new JsonArray().add("teamA")))
                .getString("key");
        for (int i = 0; i < 3; i++) assertThat(served(chat(key, "gpt", ""))).isEqualTo("openai/paid-model");
        assertThat(List.of(served(chat(key, "gpt", "\"tags\":[\"free\"],")))).as("any of the call's tags")
                .containsAnyOf("openai/paid-model", "openai/free-model");
    }

    /** LiteLLM's tag_regex: a deployment whose pattern is found in "User-Agent: <the client's>" serves that client. */
    @Test
    void tagRegexRoutesByTheClientsUserAgent() {
        for (int i = 0; i < 3; i++) {
            assertThat(served(chat(TestGateway.MASTER_KEY, "agent", "", "User-Agent", "claude-code/2.0.14 (external, cli)")))
                    .isEqualTo("openai/agent-model");
            assertThat(served(chat(TestGateway.MASTER_KEY, "agent", "", "User-Agent", "curl/8.0"))).as("no match: the default ones")
                    .isEqualTo("openai/agent-default");
            assertThat(served(chat(TestGateway.MASTER_KEY, "agent", "\"tags\":[\"paid\"],", "User-Agent", "curl/8.0")))
                    .isEqualTo("openai/agent-paid");
        }
        assertThat(List.of(served(chat(TestGateway.MASTER_KEY, "agent", "\"tags\":[\"paid\"],", "User-Agent", "claude-code/2.0"))))
                .as("a tag or the agent: either may serve").containsAnyOf("openai/agent-paid", "openai/agent-model");
        // a group of patterns only, no default: a client none matches is refused, nothing called
        int before = gw.simulator.arrivals();
        HttpResponse<String> r = chat(TestGateway.MASTER_KEY, "agent-only", "", "User-Agent", "curl/8.0");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertThat(e.getString("code")).isEqualTo("no_deployments_with_tag_routing");
        assertThat(e.getString("message")).contains("'agent-only'").contains("User-Agent 'curl/8.0'");
        assertThat(gw.simulator.arrivals()).isEqualTo(before);
        // a call its User-Agent routes is never answered from the response cache (another client's answer)
        assertThat(served(chat(TestGateway.MASTER_KEY, "agent-only", "", "User-Agent", "claude-code/2.0"))).isEqualTo("openai/agent-only");
        HttpResponse<String> again = chat(TestGateway.MASTER_KEY, "agent-only", "", "User-Agent", "claude-code/2.0");
        assertThat(served(again)).isEqualTo("openai/agent-only");
        assertThat(again.headers().firstValue("x-switchboard-cache")).isNotEqualTo(java.util.Optional.of("hit-exact"));
    }
}
