package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The overview's keys with more keys than one page of the key list (1,000): the oldest key, past the first page (keys
 * are listed newest first), is still shown as the live key it is, with its budget, not as spend of a deleted key.
 */
class DashboardManyKeysIT {
    static TestGateway gw;
    static Admin admin;
    static String oldestId;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
        JsonObject oldest = admin.generate(new JsonObject().put("key_alias", "oldest").put("max_budget", 3.0));
        oldestId = oldest.getString("key_id");
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", oldest.getString("key"),
                "{\"model\":\"gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"a call\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (int i = 0; i < 1_000; i++) admin.generate(new JsonObject().put("key_alias", "newer-" + i));
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void aKeyPastTheFirstPageKeepsItsBudgetAndIsNotDeleted() {
        var keys = admin.getOk("/ui/api/overview").getJsonArray("keys");
        assertThat(keys).hasSize(1_001);
        JsonObject k = keys.stream().map(JsonObject.class::cast).filter(o -> oldestId.equals(o.getString("key_id")))
                .findFirst().orElseThrow();
        assertThat(k.getBoolean("deleted", false)).as(k.encode()).isFalse();
        assertThat(k.getDouble("max_budget")).as(k.encode()).isEqualTo(3.0);
        assertThat(k.getString("key_alias")).isEqualTo("oldest");
        assertThat(k.getDouble("mtd_spend_usd")).isPositive();
    }
}
