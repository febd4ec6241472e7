package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * Vertex's move of a top-level cache_control onto the last cacheable block, now walking to it with the automatic-caching
 * checks' own {@code CacheInjectionPoint.lastCacheableBlock}: a string content becomes one marked text block, thinking
 * and blank text are passed over, a block marked already keeps its own marker.
 */
class AnthropicAutomaticCacheTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static ObjectNode moved(String body) throws Exception {
        ObjectNode n = (ObjectNode) M.readTree(body);
        AnthropicAutomaticCache.ontoLastBlock(n);
        return n;
    }

    @Test
    void theMarkerGoesOnTheLastCacheableBlock() throws Exception {
        ObjectNode s = moved("{\"cache_control\":{\"type\":\"ephemeral\"},\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
                + "{\"role\":\"assistant\",\"content\":\"b\"},{\"role\":\"user\",\"content\":\"  \"}]}");
        assertThat(s.has("cache_control")).isFalse();
        assertThat(s.at("/messages/1/content").toString())
                .isEqualTo("[{\"type\":\"text\",\"text\":\"b\",\"cache_control\":{\"type\":\"ephemeral\"}}]");
        assertThat(s.at("/messages/2/content").asText()).isEqualTo("  ");

        ObjectNode b = moved("{\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"},\"messages\":[{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"x\"},{\"type\":\"thinking\",\"thinking\":\"t\",\"signature\":\"s\"},"
                + "{\"type\":\"text\",\"text\":\"\"}]}]}");
        assertThat(b.at("/messages/0/content/0/cache_control/ttl").asText()).isEqualTo("1h");
        assertThat(b.at("/messages/0/content/1").has("cache_control")).isFalse();

        ObjectNode kept = moved("{\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"},\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"x\",\"cache_control\":{\"type\":\"ephemeral\"}}]}]}");
        assertThat(kept.at("/messages/0/content/0/cache_control").has("ttl")).isFalse();

        ObjectNode none = moved("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}");
        assertThat(none.at("/messages/0/content").isTextual()).isTrue();
    }
}
