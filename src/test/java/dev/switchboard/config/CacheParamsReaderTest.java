package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.switchboard.cache.CacheSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code litellm_settings.cache_params} as LiteLLM configs write it: nulls, ports as text, its documented keys. */
class CacheParamsReaderTest {
    private static final String MODELS = "model_list:\n  - model_name: a\n    litellm_params: { model: mock/a }\n";

    private final ConfigLoader loader = new ConfigLoader(Map.of("REDIS_HOST", "10.1.2.3", "REDIS_PORT", "4189",
            "REDIS_PASSWORD", "pw", "TTL", "120")::get);

    @SuppressWarnings("unchecked")
    private static Map<String, Object> params(GatewayConfig c) {
        return (Map<String, Object>) c.litellmSettings().get("cache_params");
    }

    @Test
    void aNullValueIsNotSetAsInLiteLlm() {
        // QA F1: ssl_certfile: null (a real LiteLLM config's) and ttl: ~ crashed check and serve with a NullPointerException
        GatewayConfig c = loader.parse(MODELS + """
                litellm_settings:
                  cache: true
                  cache_params:
                    type: local
                    ttl: ~
                    ssl_certfile: null
                    ssl_keyfile: null
                    ssl_ca_certs: null
                """);
        assertThat(params(c)).isEqualTo(Map.of("type", "local"));
        assertThat(c.warnings()).isEmpty();
        CacheSettings s = CacheSettings.from(c.litellmSettings());
        assertThat(s.ttlSeconds()).isEqualTo(3600);
    }

    @Test
    void aPortMayBeTextOrAnEnvironmentVariable() {
        // QA F2: port: os.environ/REDIS_PORT (always text) and port: "6379" crashed with a ClassCastException
        GatewayConfig c = loader.parse(MODELS + """
                litellm_settings:
                  cache: true
                  cache_params:
                    type: redis
                    host: os.environ/REDIS_HOST
                    port: os.environ/REDIS_PORT
                    password: os.environ/REDIS_PASSWORD
                    ttl: os.environ/TTL
                """);
        assertThat(params(c)).containsEntry("port", 4189L).containsEntry("ttl", 120L);
        CacheSettings s = CacheSettings.from(c.litellmSettings()).withRedisAddress(name -> null, w -> {});
        assertThat(s.redisDescription()).isEqualTo("10.1.2.3:4189");
        assertThat(s.ttlSeconds()).isEqualTo(120);
        GatewayConfig quoted = loader.parse(MODELS + "litellm_settings:\n  cache_params: { type: redis, port: \"6379\" }\n");
        assertThat(CacheSettings.from(quoted.litellmSettings()).withRedisAddress(name -> null, w -> {}).redisDescription()).endsWith(":6379");
    }

    @Test
    void aWrongValueIsALineNumberedErrorNeverACrash() {
        ConfigException e = (ConfigException) catchThrowable(() -> loader.parse(MODELS + """
                litellm_settings:
                  cache_params:
                    type: redis
                    port: sixty
                    host: [a, b]
                    url: http://redis:6379
                    supported_call_types: acompletion
                    ttl: -1
                """));
        String p = "litellm_settings.cache_params";
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 7: " + p + ".port: expected a number, found 'sixty'"))
                .anyMatch(x -> x.startsWith("line 8: " + p + ".host: expected a text value"))
                .anyMatch(x -> x.startsWith("line 9: " + p + ".url: 'http://redis:6379' is not a Redis URL"))
                .anyMatch(x -> x.startsWith("line 10: " + p + ".supported_call_types: must be a list"))
                .anyMatch(x -> x.startsWith("line 11: " + p + ".ttl: must be more than 0"));
        ConfigException port = (ConfigException) catchThrowable(() -> loader.parse(MODELS
                + "litellm_settings:\n  cache_params: { type: redis, port: 70000 }\n"));
        assertThat(port.problems()).anyMatch(x -> x.startsWith("line 5: " + p + ".port: must be a port from 1 to 65535"));
    }

    @Test
    void numbersAndSwitchesReadFromTextReachTheStagesAsNumbersAndSwitches() {
        // the same class of bug as F2 elsewhere: a check accepted "3" from the environment, the stage read it as "not set"
        ConfigLoader env = new ConfigLoader(Map.of("RETRIES", "3", "RATE", "0.5", "ON", "true")::get);
        GatewayConfig c = env.parse(MODELS + """
                router_settings: { num_retries: os.environ/RETRIES }
                general_settings:
                  otel: { sample_rate: os.environ/RATE, capture_content: os.environ/ON }
                  request_log: { retention_days: "7" }
                """);
        assertThat(c.routerSettings()).containsEntry("num_retries", 3L);
        assertThat(c.general().otel()).containsEntry("sample_rate", 0.5).containsEntry("capture_content", true);
        assertThat(c.general().requestLog()).containsEntry("retention_days", 7L);
    }

    /** LiteLLM's caching docs' list: the call types the cache does not answer are named in a warning, not passed over. */
    @Test
    void callTypesTheCacheDoesNotAnswerAreNamed() {
        GatewayConfig c = loader.parse(MODELS + """
                litellm_settings:
                  cache: true
                  cache_params:
                    type: local
                    supported_call_types: ["acompletion", "atext_completion", "aembedding", "atranscription"]
                """);
        assertThat(c.warnings()).singleElement().asString()
                .contains("supported_call_types").contains("not cached here: atext_completion, aembedding, atranscription");
        assertThat(CacheSettings.from(c.litellmSettings()).chat()).isTrue();
        GatewayConfig chatOnly = loader.parse(MODELS + "litellm_settings:\n  cache_params: { supported_call_types: [completion, acompletion] }\n");
        assertThat(chatOnly.warnings()).isEmpty();
        // the other dialects' names: answered by the same cache, so no warning, and caching stays on with them alone
        GatewayConfig dialects = loader.parse(MODELS + "litellm_settings:\n  cache_params: { supported_call_types: [aresponses, anthropic_messages] }\n");
        assertThat(dialects.warnings()).isEmpty();
        assertThat(CacheSettings.from(dialects.litellmSettings()).chat()).isTrue();
    }
}
