package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which variable the keys/spend commands take the master key from. Review (thirty-ninth session): an address from
 * LiteLLM's $LITELLM_PROXY_URL (perhaps a remote LiteLLM) was paired with $LITELLM_MASTER_KEY (the local gateway's key),
 * which was sent before the "not a Switchboard gateway" check could stop it.
 */
class AdminClientKeyOrderTest {

    /** The key source the command would use in {@code env}, with {@code url} as --url (null: none). */
    private static String keySource(Map<String, String> env, String url) {
        AdminClient.Options o = new AdminClient.Options();
        o.url = url;
        String[] seen = {"not run"};
        AdminClient.run(o, client -> seen[0] = client.keySource(), env::get);
        return seen[0];
    }

    @Test
    void theMasterKeyVariableFollowsWhereTheAddressCameFrom() {
        Map<String, String> all = Map.of("SWITCHBOARD_MASTER_KEY", "sk-ours-0000", "LITELLM_MASTER_KEY", "sk-local-0000",
                "LITELLM_PROXY_API_KEY", "sk-proxy-0000");
        assertThat(keySource(all, null)).isEqualTo("$SWITCHBOARD_MASTER_KEY");
        // no address variable, or ours: the key serve reads (LITELLM_MASTER_KEY) before LiteLLM's CLI's
        Map<String, String> local = Map.of("LITELLM_MASTER_KEY", "sk-local-0000", "LITELLM_PROXY_API_KEY", "sk-proxy-0000");
        assertThat(keySource(local, null)).isEqualTo("$LITELLM_MASTER_KEY");
        assertThat(keySource(with(local, "SWITCHBOARD_URL", "http://localhost:4000"), null)).isEqualTo("$LITELLM_MASTER_KEY");
        // the address from LITELLM_PROXY_URL: LiteLLM's CLI's own key, never the local master key
        Map<String, String> proxy = with(local, "LITELLM_PROXY_URL", "https://litellm.example.com");
        assertThat(keySource(proxy, null)).isEqualTo("$LITELLM_PROXY_API_KEY");
        assertThat(keySource(Map.of("LITELLM_PROXY_URL", "https://litellm.example.com", "LITELLM_MASTER_KEY", "sk-local-0000"),
                null)).as("no key rather than the local one").isNull();
        assertThat(keySource(with(proxy, "SWITCHBOARD_MASTER_KEY", "sk-ours-0000"), null)).isEqualTo("$SWITCHBOARD_MASTER_KEY");
        // --url given: the variables' usual order
        assertThat(keySource(proxy, "http://localhost:4000")).isEqualTo("$LITELLM_MASTER_KEY");
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        java.util.HashMap<String, String> out = new java.util.HashMap<>(m);
        out.put(k, v);
        return Map.copyOf(out);
    }
}
