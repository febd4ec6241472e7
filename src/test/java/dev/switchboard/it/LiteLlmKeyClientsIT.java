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
 * The key API as LiteLLM's own clients call it (its Python client and CLI, its admin UI): bodies with every optional
 * field, the unused ones null or at their defaults. Each body here is one such a client sends; each was refused before.
 */
class LiteLlmKeyClientsIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> post(String path, String body) {
        return Http.post(gw.baseUrl() + path, TestGateway.MASTER_KEY, body);
    }

    private static String chat() { return "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"; }

    /** LiteLLM's Python client ({@code KeysManagementClient.delete}) sends both lists, the unused one null. */
    @Test
    void keyDeleteTakesTheBodyLiteLlmsPythonClientSends() {
        String byKey = admin.generate(new JsonObject().put("key_alias", "py-del-a")).getString("key");
        String byAlias = admin.generate(new JsonObject().put("key_alias", "py-del-b")).getString("key");
        HttpResponse<String> r = post("/key/delete", "{\"keys\":[\"" + byKey + "\"],\"key_aliases\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonArray("deleted_keys")).hasSize(1);
        r = post("/key/delete", "{\"keys\":null,\"key_aliases\":[\"py-del-b\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Http.post(gw.v1() + "/chat/completions", byKey, chat()).statusCode()).isEqualTo(401);
        assertThat(Http.post(gw.v1() + "/chat/completions", byAlias, chat()).statusCode()).isEqualTo(401);
        // naming nothing at all is still a 400, as in LiteLLM ("At least one of 'keys' or 'key_aliases' must be provided")
        for (String nothing : new String[] {"{\"keys\":null,\"key_aliases\":null}", "{\"keys\":[],\"key_aliases\":[]}", "{}"}) {
            HttpResponse<String> none = post("/key/delete", nothing);
            assertThat(none.statusCode()).as(nothing).isEqualTo(400);
            assertThat(none.body()).as(nothing).contains("'keys' or 'key_aliases'");
        }
    }

    /** The other admin bodies where a field names what to act on: null there names nothing, as on /key/delete. */
    @Test
    void aNullFieldThatWouldNameSomethingNamesNothing() {
        admin.generate(new JsonObject().put("key_alias", "py-regen"));
        HttpResponse<String> r = post("/key/py-regen/regenerate", "{\"key\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(post("/key/py-regen/regenerate", "{\"key\":\"py-regen\"}").statusCode()).isEqualTo(400);
        r = post("/user/new", "{\"user_id\":\"py-user\",\"auto_create_key\":false,\"key_alias\":null,\"duration\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(post("/user/new", "{\"user_id\":\"py-user-2\",\"auto_create_key\":false,\"key_alias\":\"k\"}").statusCode())
                .isEqualTo(400);
    }
}
