package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.RawHttp;
import dev.switchboard.support.RawHttp.Exchange;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guessing the master key (security QA, finding 9): the admin API answered every wrong key at once. Ten wrong keys
 * within a minute lock the client's address out of the master key for a minute (429 with retry-after, the right key
 * too); virtual keys from that address and the master key from any other address keep working. Only keys that match no
 * key at all count: a blocked, expired, deleted or rotated virtual key an app keeps sending is no guess.
 */
class AuthThrottleIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: mock
                    litellm_params: { model: mock/m }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    /** A GET with {@code key}, sent from the local address {@code from} (the whole of 127/8 is loopback on Linux). */
    static Exchange get(String from, String path, String key) {
        return RawHttp.exchange(from, gw.server.port(), RawHttp.get(path, "Host: 127.0.0.1\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")), 5000);
    }

    @Test
    void repeatedWrongMasterKeysLockOnlyThatAddressOut() {
        String virtualKey = Admin.ok(Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY, "{\"key_alias\":\"app\"}"))
                .getString("key");
        String attacker = "127.0.0.7";
        for (int i = 1; i < 10; i++) {
            assertThat(get(attacker, "/key/list", "sk-guess-" + i).status()).as("guess " + i).isEqualTo(401);
        }
        Exchange tenth = get(attacker, "/key/list", "sk-guess-10");
        assertThat(tenth.status()).isEqualTo(429);
        assertThat(Integer.parseInt(tenth.header("retry-after"))).isBetween(1, 60);
        assertThat(new JsonObject(tenth.body()).getJsonObject("error").getString("code")).isEqualTo("too_many_failed_authentications");
        // during the lockout the right key gets the same answer as a wrong one: no guess can be confirmed
        assertThat(get(attacker, "/key/list", TestGateway.MASTER_KEY).status()).isEqualTo(429);
        assertThat(get(attacker, "/key/list", "sk-guess-11").status()).isEqualTo(429);
        assertThat(get(attacker, "/v1/models", TestGateway.MASTER_KEY).status()).as("every route").isEqualTo(429);
        // the dashboard's login too
        String login = new JsonObject().put("master_key", TestGateway.MASTER_KEY).encode();
        assertThat(RawHttp.exchange(attacker, gw.server.port(), RawHttp.post("/ui/login",
                "Host: 127.0.0.1\r\nContent-Type: application/json\r\n", login), 5000).status()).isEqualTo(429);
        // a virtual key from the same address works; the real admin elsewhere is not locked out
        assertThat(get(attacker, "/v1/models", virtualKey).status()).isEqualTo(200);
        assertThat(get("127.0.0.1", "/key/list", TestGateway.MASTER_KEY).status()).isEqualTo(200);
        assertThat(get("127.0.0.8", "/key/list", TestGateway.MASTER_KEY).status()).isEqualTo(200);
        // no key at all is no guess
        for (int i = 0; i < 12; i++) assertThat(get("127.0.0.9", "/key/list", null).status()).isEqualTo(401);
        assertThat(get("127.0.0.9", "/key/list", TestGateway.MASTER_KEY).status()).isEqualTo(200);
        // the gateway's own machine (where its apps run) is never locked out: an app's stale key must not lock the admin out
        for (int i = 0; i < 12; i++) assertThat(get("127.0.0.1", "/key/list", "sk-stale-key-of-some-app").status()).isEqualTo(401);
        assertThat(get("127.0.0.1", "/key/list", TestGateway.MASTER_KEY).status()).isEqualTo(200);
    }

    /**
     * Behind Docker's port publishing or an ingress every client has one address: an app that keeps sending a blocked,
     * expired, deleted or rotated virtual key must not lock the admin out of the master key there. Only keys that match
     * no key at all, and could be the master key, count.
     */
    @Test
    void knownAndStaleVirtualKeysAreNoGuesses() throws Exception {
        String blocked = Admin.ok(Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY, "{\"key_alias\":\"blocked\"}"))
                .getString("key");
        String expired = Admin.ok(Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY,
                "{\"key_alias\":\"expiring\",\"duration\":\"1s\"}")).getString("key");
        String deleted = Admin.ok(Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY, "{\"key_alias\":\"deleted\"}"))
                .getString("key");
        assertThat(Http.post(gw.baseUrl() + "/key/block", TestGateway.MASTER_KEY, "{\"key\":\"blocked\"}").statusCode()).isEqualTo(200);
        assertThat(Http.post(gw.baseUrl() + "/key/delete", TestGateway.MASTER_KEY, "{\"key_aliases\":[\"deleted\"]}").statusCode())
                .isEqualTo(200);
        Thread.sleep(1_100);
        String shared = "127.0.0.20"; // the docker bridge or the ingress every client comes through
        for (String stale : new String[] {blocked, expired, deleted}) {
            for (int i = 0; i < 12; i++) assertThat(get(shared, "/v1/models", stale).status()).isEqualTo(401);
        }
        assertThat(get(shared, "/key/list", TestGateway.MASTER_KEY).status()).as("the admin behind the same address").isEqualTo(200);
        // a key that is no key at all still counts from there
        for (int i = 1; i < 10; i++) assertThat(get(shared, "/key/list", "sk-1234-guess-" + i).status()).isEqualTo(401);
        assertThat(get(shared, "/key/list", "sk-1234-guess-10").status()).isEqualTo(429);
    }
}
