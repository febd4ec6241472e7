package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.edge.anthropic.AnthropicRequestDecoder;
import dev.switchboard.model.ChatRequest;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * What an Anthropic client's headers add to the key: its betas (in any order, once each), not its anthropic-version. And
 * the thread's reused generator: a key is the same whatever the thread made before it.
 */
class RequestFingerprintTest {
    private static final String BODY = "{\"model\":\"claude\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static String key(Map<String, String> headers) {
        ChatRequest r = new AnthropicRequestDecoder().messages(Buffer.buffer(BODY), headers);
        return RequestFingerprint.exact("ns", r);
    }

    @Test
    void betasAreKeyedInAnyOrderAndTheVersionIsNot() {
        String plain = key(Map.of());
        assertThat(key(Map.of("anthropic-version", "2023-06-01"))).as("every SDK sends it, curl does not").isEqualTo(plain);
        String ab = key(Map.of("anthropic-beta", "a-2025-01-01,b-2025-01-01"));
        assertThat(ab).isNotEqualTo(plain);
        assertThat(key(Map.of("anthropic-beta", " b-2025-01-01, a-2025-01-01,a-2025-01-01"))).isEqualTo(ab);
        assertThat(RequestFingerprint.normalisedBetas("b, a,a")).isEqualTo("a,b");
    }

    private static ChatRequest chat(String user, Map<String, com.fasterxml.jackson.databind.JsonNode> extra) {
        return new ChatRequest("bench-cached", List.of(Message.text(Role.SYSTEM, "s"), Message.text(Role.USER, user)), null,
                null, null, null, 0.5, null, 64, null, List.of("END"), 7L, null, null, false, false, extra);
    }

    /** The keys of many kinds of request, each on a thread of its own (so each from a fresh generator). */
    private static List<String> keysEachOnAFreshThread(List<java.util.function.Supplier<String>> keys) throws Exception {
        List<String> out = new ArrayList<>();
        for (var k : keys) {
            AtomicReference<String> r = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> r.set(k.get()));
            t.join();
            out.add(r.get());
        }
        return out;
    }

    private static List<java.util.function.Supplier<String>> variedKeys() {
        var extra = JsonNodeFactory.instance.objectNode().put("n", 1).set("deep", JsonNodeFactory.instance.arrayNode().add("x"));
        return List.of(
                () -> RequestFingerprint.exact("ns", chat("q", Map.of())),
                () -> RequestFingerprint.exact("ns", chat("q", Map.of("brand_new_param", TextNode.valueOf("x"), "obj", extra))),
                () -> RequestFingerprint.exactKey("ns", chat("q", Map.of()), "tier=smart").hex(),
                () -> RequestFingerprint.context("ns", chat("another question", Map.of())),
                () -> key(Map.of()),
                () -> key(Map.of("anthropic-beta", "b,a")),
                () -> RequestFingerprint.exact("ns", chat("q".repeat(20_000), Map.of()))); // longer than the generator's buffer
    }

    /**
     * A thread's generator is reused, key after key: each key must be the one a fresh generator makes (no separator
     * between root values, nothing left in the buffer), whatever came before it on the thread.
     */
    @Test
    void keysMadeOneAfterAnotherOnAThreadAreTheKeysOfAFreshGenerator() throws Exception {
        List<String> fresh = keysEachOnAFreshThread(variedKeys());
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < fresh.size(); i++) assertThat(variedKeys().get(i).get()).as("key %d, round %d", i, round).isEqualTo(fresh.get(i));
        }
        for (int i = fresh.size() - 1; i >= 0; i--) assertThat(variedKeys().get(i).get()).as("key %d backwards", i).isEqualTo(fresh.get(i));
    }

    /** A value Jackson fails on half-way through a key: the next key on the thread must not carry the half-written one. */
    @Test
    void aKeyThatFailedHalfWayLeavesNothingInTheNext() throws Exception {
        Object unwritable = new Object() {
            @SuppressWarnings("unused")
            public String getBoom() { throw new IllegalStateException("boom"); }
        };
        List<String> fresh = keysEachOnAFreshThread(variedKeys());
        for (int i = 0; i < fresh.size(); i++) {
            Assertions.assertThatThrownBy(() -> RequestFingerprint.exact("ns", chat("q", Map.of("bad", new POJONode(unwritable)))))
                    .isInstanceOf(RuntimeException.class);
            assertThat(variedKeys().get(i).get()).as("key %d after a failed one", i).isEqualTo(fresh.get(i));
        }
    }

    /**
     * A key makes no generator of its own (issue #9's (x): ~500 bytes a miss through the exact cache were the generator,
     * its I/O context and write contexts): what is left is the digest's 32 bytes and the key.
     */
    @Test
    void aKeyAllocatesNoGeneratorOfItsOwn() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        ChatRequest[] rs = new ChatRequest[64];
        for (int i = 0; i < rs.length; i++) { // the bench's question: one user turn, nothing else
            rs[i] = new ChatRequest("bench-cached", List.of(Message.text(Role.USER, "hi " + i)), null, null, null, null, null,
                    null, null, null, null, null, null, null, false, false, Map.of());
        }
        long sink = 0;
        for (int i = 0; i < 20_000; i++) sink += RequestFingerprint.exactKey("ns", rs[i & 63]).hashCode();
        int n = 20_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) sink += RequestFingerprint.exactKey("ns", rs[i & 63]).hashCode();
        long perKey = (threads.getCurrentThreadAllocatedBytes() - before) / n;
        // a fresh generator a key: ~720 bytes compiled by C1 (no escape analysis), ~500 by C2; reused: ~260 and ~50
        assertThat(perKey).as("bytes a key (%d)", sink).isLessThan(400);
    }

    /**
     * Keys pinned to the hexes of the code before the reused generator (8e53e393: a fresh {@code ObjectMapper} factory's
     * generator a key, closed): stored entries (Redis's outlive an upgrade) stay reachable, and a change of the factory's
     * defaults that alters a single byte hashed fails here.
     */
    @Test
    void keysAreTheBytesOfTheCodeBeforeTheReusedGenerator() {
        for (int round = 0; round < 2; round++) { // the second round on the thread's kept (or dropped) generator
            assertThat(RequestFingerprint.exact("ns", PinnedRequests.canonical())).as("nested extras, numbers, unicode")
                    .isEqualTo("d7da19a7031c09b38714b24b749311f1931179a776bca956093b4950fa659b0c");
            assertThat(RequestFingerprint.exact("ns", PinnedRequests.anthropic())).as("an Anthropic body with betas")
                    .isEqualTo("59136e7ac2a482a8039cd0e75f33f1f3eee5eda796e2243702c5567debee9cb0");
            assertThat(RequestFingerprint.exact("ns", PinnedRequests.long20k())).as("a 20,000-character question")
                    .isEqualTo("6fc81715fd25b87cd5917b12612c0cb430e81686f9056ad3e3ae0c1efec4502c");
            assertThat(RequestFingerprint.exactKey("ns", PinnedRequests.canonical(), "tier=smart").hex()).as("with a variant")
                    .isEqualTo("bd1c07f191cf083d996809478fb02b28cb560fabd818f73c99cafa3fd31cab1f");
            assertThat(RequestFingerprint.context("ns", PinnedRequests.canonical())).as("the semantic cache's context")
                    .isEqualTo("eac4367d52fc16df44439e3c81670f5e56e2ea54e369c8f29782386a8278cfd8");
            assertThat(RequestFingerprint.context("ns", PinnedRequests.anthropic())).as("an Anthropic body's context")
                    .isEqualTo("8fcf0aaf8616d4fbf00cdc1a6a05a418cc1b47ba18eaaa28fcf5f45759ff3ff9");
        }
    }

    /** An unknown field nested {@code depth} levels deep, each level's name {@code nameChars} long. */
    private static ChatRequest nested(int depth, int nameChars, char c) {
        var root = JsonNodeFactory.instance.objectNode();
        var at = root;
        for (int i = 0; i < depth; i++) at = at.putObject(String.valueOf((char) (c + (i % 20))).repeat(nameChars));
        at.put("leaf", 1);
        return chat("q", Map.of("brand_new_param", root));
    }

    /**
     * Jackson reuses a generator's write contexts, one a level, and keeps each level's last field name after leaving it:
     * a kept generator held the deepest key's names for the thread's life (a client nesting ever deeper with 50,000-char
     * names parked tens of MB an event loop). A key past the cap drops the generator; the next key gets a fresh one, and
     * every key is still the key a fresh generator makes.
     */
    @Test
    void aLongKeyDropsTheThreadsGeneratorAndItsNames() throws Exception {
        ChatRequest small = chat("q", Map.of());
        ChatRequest deep = nested(40, 5_000, 'a');
        List<String> fresh = keysEachOnAFreshThread(List.of(() -> RequestFingerprint.exact("ns", small),
                () -> RequestFingerprint.exact("ns", deep)));
        assertThat(RequestFingerprint.exact("ns", small)).isEqualTo(fresh.get(0));
        var kept = RequestFingerprint.threadGenerator();
        assertThat(kept).as("a short key keeps the generator").isNotNull();
        assertThat(RequestFingerprint.exact("ns", small)).isEqualTo(fresh.get(0));
        assertThat(RequestFingerprint.threadGenerator()).as("and reuses it").isSameAs(kept);

        assertThat(RequestFingerprint.exact("ns", deep)).isEqualTo(fresh.get(1));
        assertThat(RequestFingerprint.threadGenerator()).as("a 200 KB key's names are not kept").isNull();
        assertThat(RequestFingerprint.exact("ns", small)).isEqualTo(fresh.get(0));
        assertThat(RequestFingerprint.threadGenerator()).as("the next key's generator is a fresh one").isNotNull().isNotSameAs(kept);

        // a long key without depth (a 20,000-character question) is dropped the same way, and its key is unchanged
        assertThat(RequestFingerprint.exact("ns", PinnedRequests.long20k())).isEqualTo("6fc81715fd25b87cd5917b12612c0cb430e81686f9056ad3e3ae0c1efec4502c");
        assertThat(RequestFingerprint.threadGenerator()).isNull();
        // just under the cap: kept
        ChatRequest under = nested(4, 1_500, 'k');
        String underKey = keysEachOnAFreshThread(List.of(() -> RequestFingerprint.exact("ns", under))).get(0);
        assertThat(RequestFingerprint.exact("ns", under)).isEqualTo(underKey);
        assertThat(RequestFingerprint.threadGenerator()).as("a 6 KB key keeps it").isNotNull();
    }
}
