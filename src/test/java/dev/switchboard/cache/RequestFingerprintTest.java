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
}
