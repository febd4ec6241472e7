package dev.switchboard.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireHeadersTest {

    @Test
    void keepsTheOrderMadeAndReadsAsAMap() {
        WireHeaders h = WireHeaders.EMPTY.with("x-litellm-model-id", "a1").with("x-litellm-model-api-base", "http://h/v1")
                .with("x-switchboard-cost", "0.000012");
        assertEquals(List.of("x-litellm-model-id", "x-litellm-model-api-base", "x-switchboard-cost"), new ArrayList<>(h.keySet()));
        assertEquals("a1", h.get("x-litellm-model-id"));
        assertNull(h.get("x-other"));
        assertEquals(3, h.size());
        // a stage that adds a header copies it as any map, in the same order
        Map<String, String> copy = new LinkedHashMap<>(h);
        assertEquals(h, copy);
        assertEquals(List.of("x-litellm-model-id", "x-litellm-model-api-base", "x-switchboard-cost"), new ArrayList<>(copy.keySet()));
    }

    @Test
    void writesEachHeaderAsMadeInOrder() {
        CharSequence name = new StringBuilder("x-made-once");
        List<CharSequence> written = new ArrayList<>();
        WireHeaders.EMPTY.with(name, "v").with("x-b", "w").writeTo((n, v) -> { written.add(n); written.add(v); });
        assertTrue(written.get(0) == name, "the name object itself, not a copy (it carries the server's hash)");
        assertEquals(List.of("x-made-once", "v", "x-b", "w"), written.stream().map(CharSequence::toString).toList());
    }

    @Test
    void withAnExistingNameReplacesItsValueInPlace() {
        WireHeaders h = WireHeaders.EMPTY.with("x-a", "1").with("x-b", "2").with("X-A", "3");
        assertEquals(2, h.size());
        assertEquals(List.of("x-a", "x-b"), new ArrayList<>(h.keySet()));
        assertEquals("3", h.get("x-a"));
        assertEquals(0, WireHeaders.EMPTY.size(), "EMPTY is never changed");
    }

    @Test
    void withTwoAppendsBothOrReplacesAsTwoWithsWould() {
        WireHeaders h = WireHeaders.EMPTY.with("x-a", "1").with("x-b", "2", "x-c", "3");
        assertEquals(List.of("x-a", "x-b", "x-c"), new ArrayList<>(h.keySet()));
        assertEquals("3", h.get("x-c"));
        WireHeaders again = h.with("X-B", "4", "x-d", "5");
        assertEquals(List.of("x-a", "x-b", "x-c", "x-d"), new ArrayList<>(again.keySet()));
        assertEquals("4", again.get("x-b"));
        assertEquals("2", h.get("x-b"), "the copy leaves the original as it was");
    }

    @Test
    void answerWithHeaderKeepsTheMadeHeaders() {
        Answer<String> a = new Answer<>("body", "p/m", "primary", "miss", null, WireHeaders.EMPTY.with("x-a", "1"));
        Answer<String> traced = a.withHeader("x-switchboard-trace-id", "t1");
        assertTrue(traced.headers() instanceof WireHeaders);
        assertEquals(Map.of("x-a", "1", "x-switchboard-trace-id", "t1"), traced.headers());
    }
    @Test
    void aBuilderPutsAfterTheMadeHeadersAsAMapWouldAndLeavesThemAsTheyWere() {
        CharSequence made = new StringBuilder("x-litellm-model-id");
        WireHeaders base = WireHeaders.EMPTY.with(made, "a1");
        WireHeaders.Builder b = base.builder(2).add("x-switchboard-cost", "0.1");
        Map<String, String> asMap = b; // what a key's rate limits write into
        assertNull(asMap.put("x-ratelimit-limit-requests", "10"));
        asMap.put("x-ratelimit-remaining-requests", "9");
        assertEquals("9", asMap.put("X-RateLimit-Remaining-Requests", "8"), "a name here in another case: replaced in place");
        assertEquals("8", b.get("x-ratelimit-remaining-requests"));
        assertEquals(4, b.size());
        WireHeaders h = b.build();
        assertEquals(List.of("x-litellm-model-id", "x-switchboard-cost", "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests"),
                new ArrayList<>(h.keySet()));
        assertEquals("8", h.get("x-ratelimit-remaining-requests"));
        List<CharSequence> written = new ArrayList<>();
        h.writeTo((n, v) -> written.add(n));
        assertTrue(written.get(0) == made, "the made name object itself");
        assertEquals(1, base.size(), "the headers it started from are unchanged");
        // past its room it grows; a build made before more puts keeps what it had, a replaced value too
        b.add("x-switchboard-cost", "0.2");
        assertEquals("0.1", h.get("x-switchboard-cost"));
        for (int i = 0; i < 10; i++) b.add("x-more-" + i, "v" + i);
        assertEquals(14, b.build().size());
        assertEquals(4, h.size());
        assertEquals("v9", b.build().get("x-more-9"));
        assertEquals(0, WireHeaders.EMPTY.builder(0).build().size());
        // built with room to spare: reads and copies see only its headers
        WireHeaders spare = WireHeaders.EMPTY.builder(8).add("x-a", "1").build();
        assertEquals(1, spare.size());
        assertEquals(List.of("x-a", "x-b"), new ArrayList<>(spare.with("x-b", "2").keySet()));
        assertEquals(List.of("x-a", "x-b", "x-c"), new ArrayList<>(spare.with("x-b", "2", "x-c", "3").keySet()));
        assertEquals(List.of("x-a"), new ArrayList<>(spare.with("X-A", "9").keySet()));
        assertEquals("1", spare.get("x-a"));
        List<CharSequence> seen = new ArrayList<>();
        spare.writeTo((n, v) -> seen.add(n));
        assertEquals(1, seen.size());
    }
}
