package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A deployment's fixed upstream headers as pre-hashed {@code AsciiString}s ({@link UpstreamHttp#prehashed}): the same
 * headers in the same order, read back as the same Strings, and a non-ASCII name or value left a String.
 */
class PrehashedHeadersTest {
    @Test
    void theSameHeadersInOrderHeldInTheirAsciiForms() {
        MultiMap base = UpstreamHttp.baseHeaders(Map.of("OpenAI-Organization", "org-1"), "authorization", "Bearer sk-test-123");
        base.set("accept", "application/json");
        MultiMap pre = UpstreamHttp.prehashed(base);

        assertThat(entries(pre)).isEqualTo(entries(base)).hasSize(5);
        assertThat(pre.get("Authorization")).isEqualTo("Bearer sk-test-123"); // still case-insensitive
        assertThat(pre.get("openai-organization")).isEqualTo("org-1");
        // the forms every call's request copies into Vert.x's map (Netty's copy gets Strings either way, Vert.x 5.0.7)
        assertThat(forms(pre)).hasSize(10).allMatch(AsciiString.class::isInstance);
        // HttpClientRequestImpl copies the given headers with setAll, which keeps a HeadersMultiMap's entries' forms
        assertThat(forms(MultiMap.caseInsensitiveMultiMap().setAll(pre))).hasSize(10).allMatch(AsciiString.class::isInstance);
    }

    @Test
    void aNonAsciiNameOrValueStaysAString() {
        MultiMap base = MultiMap.caseInsensitiveMultiMap().add("x-note", "café").add("x-plain", "ok");
        MultiMap pre = UpstreamHttp.prehashed(base);
        assertThat(entries(pre)).isEqualTo(entries(base));
        List<CharSequence> forms = forms(pre);
        assertThat(forms.get(0)).isInstanceOf(AsciiString.class);
        assertThat(forms.get(1)).isInstanceOf(String.class).hasToString("café");
        assertThat(forms.get(3)).isInstanceOf(AsciiString.class).hasToString("ok");
    }

    private static List<String> entries(MultiMap m) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : m) out.add(e.getKey() + ": " + e.getValue());
        return out;
    }

    /** Every name and value, in order, as the map holds them. */
    private static List<CharSequence> forms(MultiMap m) {
        List<CharSequence> out = new ArrayList<>();
        Iterator<Map.Entry<CharSequence, CharSequence>> it = ((HeadersMultiMap) m).iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            out.add(e.getKey());
            out.add(e.getValue());
        }
        return out;
    }
}
