package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which Redis the cache uses: cache_params over LiteLLM's REDIS_* variables, a URL over host and port, TLS. */
class RedisAddressTest {
    private final java.util.List<String> warnings = new java.util.ArrayList<>();

    private CacheSettings redis(Map<String, Object> params, Map<String, String> env) {
        Map<String, Object> p = new java.util.HashMap<>(params);
        p.putIfAbsent("type", "redis");
        return CacheSettings.from(Map.of("cache", true, "cache_params", p)).withRedisAddress(env::get, warnings::add);
    }

    @Test
    void litellmsRedisVariablesNameTheServerWhenCacheParamsDoNot() {
        // QA F8: REDIS_HOST/REDIS_PORT/REDIS_PASSWORD (LiteLLM's caching quick start) were ignored: 127.0.0.1:6379, silently
        RedisAddress a = redis(Map.of(), Map.of("REDIS_HOST", "10.1.2.3", "REDIS_PORT", "4189", "REDIS_PASSWORD", "p@ss")).redisAddress();
        assertThat(a.url()).isEqualTo("redis://:p%40ss@10.1.2.3:4189");
        assertThat(a.description()).isEqualTo("10.1.2.3:4189");
        assertThat(a.source()).isEqualTo("from REDIS_HOST, REDIS_PORT");
        RedisAddress url = redis(Map.of(), Map.of("REDIS_URL", "redis://u:secret@10.1.2.3:4189/2", "REDIS_HOST", "other")).redisAddress();
        assertThat(url.url()).isEqualTo("redis://u:secret@10.1.2.3:4189/2");
        assertThat(url.description()).isEqualTo("redis://10.1.2.3:4189/2").doesNotContain("secret");
        assertThat(url.source()).isEqualTo("from REDIS_URL");
    }

    @Test
    void cacheParamsWinKeyByKeyAndTheDefaultSaysItIsOne() {
        RedisAddress a = redis(Map.of("host", "cache.internal"), Map.of("REDIS_HOST", "10.1.2.3", "REDIS_PORT", "7000",
                "REDIS_PASSWORD", "pw", "REDIS_USERNAME", "app", "REDIS_DB", "3")).redisAddress();
        assertThat(a.url()).isEqualTo("redis://app:pw@cache.internal:7000/3");
        assertThat(a.source()).isEqualTo("from cache_params, REDIS_PORT");
        RedisAddress none = redis(Map.of(), Map.of()).redisAddress();
        assertThat(none.url()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(none.source()).startsWith("the default");
    }

    @Test
    void aVariableThatIsNotAPortIsAnErrorNamingIt() {
        assertThatThrownBy(() -> redis(Map.of(), Map.of("REDIS_HOST", "h", "REDIS_PORT", "http")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("REDIS_PORT: 'http' is not a port");
    }

    @Test
    void kubernetesServiceLinksPortIsReadAsItsPort() {
        // review: a Service named redis sets REDIS_PORT=tcp://10.x.x.x:6379 in every pod; cache_params {host: redis} failed to start
        Map<String, String> k8s = Map.of("REDIS_PORT", "tcp://10.96.4.7:6379");
        assertThat(redis(Map.of("host", "redis"), k8s).redisAddress().url()).isEqualTo("redis://redis:6379");
        assertThat(redis(Map.of(), Map.of("REDIS_HOST", "redis", "REDIS_PORT", "tcp://10.96.4.7:6380")).redisAddress().url())
                .isEqualTo("redis://redis:6380");
        assertThat(warnings).isEmpty();
    }

    @Test
    void anUnusableVariableIsLeftOutWithAWarningWhenCacheParamsNameTheServer() {
        RedisAddress a = redis(Map.of("host", "cache.internal"), Map.of("REDIS_PORT", "http", "REDIS_DB", "zero",
                "REDIS_URL", "http://u:secret@elsewhere:1")).redisAddress();
        assertThat(a.url()).isEqualTo("redis://cache.internal:6379");
        assertThat(warnings).hasSize(3).noneMatch(w -> w.contains("secret"))
                .anyMatch(w -> w.startsWith("REDIS_PORT: 'http' is not a port.") && w.endsWith("Not used: cache_params names the Redis server."))
                .anyMatch(w -> w.startsWith("REDIS_DB: 'zero'")).anyMatch(w -> w.startsWith("REDIS_URL: 'http://elsewhere:1'"));
        assertThat(redis(Map.of("port", 7000L), Map.of("REDIS_PORT", "http")).redisAddress().url()).isEqualTo("redis://127.0.0.1:7000");
    }

    @Test
    void theSettingsAloneWorkOutNoAddress() {
        // review: REDIS_* was read (and a bad one refused the config) even with the cache off; the gateway asks only when caching
        CacheSettings off = CacheSettings.from(Map.of("cache_params", Map.of("type", "redis", "host", "redis")));
        assertThat(off.redis()).isTrue();
        assertThat(off.redisAddress()).isNull();
        assertThat(CacheSettings.from(Map.of("cache", true)).withRedisAddress(name -> "tcp://x", warnings::add).redisAddress()).isNull();
    }

    @Test
    void theLoggedUrlIsSchemeHostPortAndDbOnly() {
        // review: the mask //[^@/]*@ leaked the tail of a password with an unencoded '@' or '/', and ?password= whole
        assertThat(RedisAddress.describe("redis://u:p@ss/w0rd@10.1.2.3:6379/2")).doesNotContain("w0rd").doesNotContain("ss@");
        assertThat(RedisAddress.describe("redis://:pa@ss@10.1.2.3:6379")).doesNotContain("pa@ss").doesNotContain("ss@");
        assertThat(RedisAddress.describe("redis://10.1.2.3:6379/0?password=hunter2")).isEqualTo("redis://10.1.2.3:6379/0");
        assertThat(RedisAddress.describe("rediss://default:tok@cache.example.com:6380")).isEqualTo("rediss://cache.example.com:6380");
        assertThat(RedisAddress.describe("unix:///run/redis.sock?password=hunter2&db=1")).isEqualTo("unix:///run/redis.sock");
        assertThat(redis(Map.of("url", "redis://:pa/ss@h:1/3"), Map.of()).redisDescription()).doesNotContain("ss@");
    }

    @Test
    void sslTurnsOnTlsAsLiteLlmsSslAndRedisSslDo() {
        RedisAddress a = redis(Map.of("host", "h", "port", 6380L, "ssl", true, "max_connections", 40L), Map.of()).redisAddress();
        assertThat(a.url()).isEqualTo("rediss://h:6380");
        assertThat(a.tls()).isTrue();
        assertThat(a.maxConnections()).isEqualTo(40);
        var net = a.options(4).getNetClientOptions();
        assertThat(net.isSsl()).isTrue();
        assertThat(net.isTrustAll()).isFalse();
        assertThat(net.getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(redis(Map.of(), Map.of("REDIS_SSL", "True", "REDIS_HOST", "h")).redisAddress().url()).startsWith("rediss://");
        assertThat(redis(Map.of("url", "redis://h:1", "ssl", true), Map.of()).redisAddress().url()).isEqualTo("rediss://h:1");
        // redis-py's ssl_cert_reqs: null / none (a self-signed certificate), ssl_check_hostname: false
        var trustAll = redis(Map.of("host", "h", "ssl", true, "ssl_cert_reqs", "none"), Map.of()).redisAddress().options(1).getNetClientOptions();
        assertThat(trustAll.isTrustAll()).isTrue();
        assertThat(trustAll.getHostnameVerificationAlgorithm()).isEmpty();
        var anyName = redis(Map.of("host", "h", "ssl", true, "ssl_check_hostname", false), Map.of()).redisAddress().options(1).getNetClientOptions();
        assertThat(anyName.isTrustAll()).isFalse();
        assertThat(anyName.getHostnameVerificationAlgorithm()).isEmpty();
        assertThat(redis(Map.of("host", "h"), Map.of()).redisAddress().options(1).getNetClientOptions().isSsl()).isFalse();
    }

    @Test
    void litellmsSocketTimeoutIsTheCommandTimeoutWhenTimeoutIsNotSet() {
        assertThat(redis(Map.of("socket_timeout", 2.0), Map.of()).redisTimeoutMillis()).isEqualTo(2000);
        assertThat(redis(Map.of("socket_timeout", 2.0, "timeout", 0.5), Map.of()).redisTimeoutMillis()).isEqualTo(500);
    }
}
