package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The header walks read names as Netty stores them (an {@code AsciiString} for the common ones), any case. */
class RequestHeaderWalkTest {
    @Test
    void forwardedNamesMatchAsStringsAndAsAsciiStrings() {
        for (String name : List.of("anthropic-beta", "OpenAI-Project", "X-Switchboard-Cache-TTL", "Cache-Control", "origin")) {
            assertThat(ForwardedHeaders.forwarded(name)).as(name).isTrue();
            assertThat(ForwardedHeaders.forwarded(AsciiString.of(name))).as(name).isTrue();
        }
        for (String name : List.of("authorization", "content-type", "x-switchboard", "openai", "originx", "cache-controls")) {
            assertThat(ForwardedHeaders.forwarded(name)).as(name).isFalse();
            assertThat(ForwardedHeaders.forwarded(AsciiString.of(name))).as(name).isFalse();
        }
    }

    @Test
    void everyEntryIsWalkedInOrderWhateverTheMap() {
        MultiMap vertx = HeadersMultiMap.httpHeaders().add(AsciiString.of("content-type"), "a").add("X-One", "b").add("x-one", "c");
        MultiMap plain = MultiMap.caseInsensitiveMultiMap().add("content-type", "a").add("X-One", "b").add("x-one", "c");
        for (MultiMap m : List.of(vertx, plain)) {
            List<String> seen = new ArrayList<>();
            for (var e : RequestHeaderNames.entries(m)) seen.add(e.getKey() + "=" + e.getValue());
            assertThat(seen).containsExactly("content-type=a", "X-One=b", "x-one=c");
        }
    }
}
