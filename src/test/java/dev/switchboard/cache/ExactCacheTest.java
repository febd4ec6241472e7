package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The exact cache's parts: what a key covers, what an entry keeps, the replay and the recording, the controls, the store. */
class ExactCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChatRequest req(List<Message> messages, Double temperature, Map<String, com.fasterxml.jackson.databind.JsonNode> extra,
                                   boolean stream, String user) {
        return new ChatRequest("gpt", messages, null, null, null, null, temperature, null, null, null, null, null, user, Map.of(),
                stream, stream, extra);
    }

    private static List<Message> chat(String system, String user) {
        return List.of(Message.text(Role.SYSTEM, system), Message.text(Role.USER, user));
    }

    /**
     * The key's hex form is what Redis keys entries by, shared by several gateways and kept across upgrades: pinned to the
     * value main computed before the key became four longs, so a change of the form (which would turn every shared entry
     * into a miss once) fails here.
     */
    @Test
    void theKeysHexFormIsTheOneRedisEntriesAlreadyHave() {
        ChatRequest r = req(chat("s", "q"), null, Map.of(), false, null);
        assertThat(RequestFingerprint.exact("ns", r)).isEqualTo("4c8f769b4b15639132205e5d0e4cbe9593008f89c89cce7112f10930aa2312b3");
        assertThat(RequestFingerprint.exactKey("ns", r)).isEqualTo(EntryKey.parse(RequestFingerprint.exact("ns", r)));
        assertThat(RequestFingerprint.exactKey("ns", r).hex()).isEqualTo(RequestFingerprint.exact("ns", r));
    }

    @Test
    void theKeyCoversEveryFieldThatCanChangeTheAnswerAndNothingElse() {
        String k = RequestFingerprint.exact("ns", req(chat("s", "q"), null, Map.of(), false, null));
        assertThat(RequestFingerprint.exact("ns", req(chat("s", "q"), null, Map.of(), true, "someone"))).as("stream and user").isEqualTo(k);
        assertThat(RequestFingerprint.exact("ns", req(chat("s", "q"), null, Map.of("cache", JSON.createObjectNode()), false, null)))
                .as("the gateway's own controls").isEqualTo(k);
        assertThat(RequestFingerprint.exact("other", req(chat("s", "q"), null, Map.of(), false, null))).isNotEqualTo(k);
        assertThat(RequestFingerprint.exact("ns", req(chat("s2", "q"), null, Map.of(), false, null))).isNotEqualTo(k);
        assertThat(RequestFingerprint.exact("ns", req(chat("s", "q"), 0.0, Map.of(), false, null))).isNotEqualTo(k);
        assertThat(RequestFingerprint.exact("ns", req(chat("s", "q"), null, Map.of("brand_new_param", TextNode.valueOf("x")), false, null)))
                .as("a field the gateway does not know").isNotEqualTo(k);
        // the context leaves out only the last user turn's text
        String ctx = RequestFingerprint.context("ns", req(chat("s", "q"), null, Map.of(), false, null));
        assertThat(RequestFingerprint.context("ns", req(chat("s", "a different question"), null, Map.of(), false, null))).isEqualTo(ctx);
        assertThat(RequestFingerprint.context("ns", req(chat("s2", "q"), null, Map.of(), false, null))).isNotEqualTo(ctx);
        assertThat(RequestFingerprint.lastUserText(req(chat("s", "q"), null, Map.of(), false, null))).isEqualTo("q");
    }

    /**
     * A content part's unknown fields reach the provider (README), so they are part of the key: another value is another
     * answer. A part without any is keyed as before (the pinned hex above).
     */
    @Test
    void aContentPartsUnknownFieldsArePartOfTheKey() {
        java.util.function.Function<com.fasterxml.jackson.databind.node.ObjectNode, String> key = extra -> RequestFingerprint.exact("ns",
                req(List.of(new Message(Role.USER, List.of(new ContentPart.Text("q", null, extra)), null, null, null, null, null)),
                        null, Map.of(), false, null));
        String none = key.apply(null);
        assertThat(none).as("no extra: the key a plain text part always had")
                .isEqualTo(RequestFingerprint.exact("ns", req(List.of(Message.text(Role.USER, "q")), null, Map.of(), false, null)));
        String one = key.apply(JSON.createObjectNode().put("x_custom", 1));
        assertThat(one).isNotEqualTo(none);
        assertThat(key.apply(JSON.createObjectNode().put("x_custom", 2))).isNotEqualTo(one);
        assertThat(key.apply(JSON.createObjectNode().put("x_custom", 1))).isEqualTo(one);
        // a field on the part is not the same as the same field as a marker
        assertThat(RequestFingerprint.exact("ns", req(List.of(new Message(Role.USER,
                List.of(new ContentPart.Text("q", JSON.createObjectNode().put("x_custom", 1))), null, null, null, null, null)),
                null, Map.of(), false, null))).isNotEqualTo(one);
    }

    @Test
    void anAnthropicBodyIsKeyedOnWhatTheClientWrote() throws Exception {
        ChatRequest a = new ChatRequest("claude", chat("s", "q"), null, null, null, null, null, null, 100, null, null, null, null,
                Map.of(), false, false, Map.of(), new RawJson(RawJson.ANTHROPIC,
                JSON.readTree("{\"model\":\"claude\",\"max_tokens\":100,\"top_k\":5,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}")));
        ChatRequest b = new ChatRequest("claude", chat("s", "q"), null, null, null, null, null, null, 100, null, null, null, null,
                Map.of(), true, true, Map.of(), new RawJson(RawJson.ANTHROPIC,
                JSON.readTree("{\"stream\":true,\"max_tokens\":100,\"model\":\"x\",\"top_k\":6,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}")));
        assertThat(RequestFingerprint.exact("n", a)).as("top_k is not modelled, and still part of the key").isNotEqualTo(RequestFingerprint.exact("n", b));
    }

    private static ChatResponse answer() {
        Message m = new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("Paris")), null,
                List.of(new ToolCall("call_1", "lookup", "{\"q\":\"x\"}")), null, "thinking…", null);
        return new ChatResponse("chatcmpl-1", 1_700_000_000L, "gpt-4o-mini", List.of(new Choice(0, m, FinishReason.STOP, null)),
                new Usage(12, 5, 2, 0, 1), "fp_1", "default");
    }

    @Test
    void anEntrySurvivesItsEncodingAndAnUnknownVersionIsAMiss() {
        CachedAnswer a = new CachedAnswer("e".repeat(64), "ns", 1, 2, "openai/gpt-4o-mini", answer());
        CachedAnswer back = CachedAnswerCodec.decode(CachedAnswerCodec.encode(a));
        assertThat(back).isEqualTo(a);
        assertThat(CachedAnswerCodec.decode("{\"v\":99}".getBytes())).isNull();
        assertThat(CachedAnswerCodec.decode("not json".getBytes())).isNull();
    }

    /**
     * A generated image's tokens (Gemini's IMAGE modality, priced at the image rate) survive the entry, so a hit is priced
     * as the miss was; the field is written only when there are some, so every other entry keeps its v1 bytes (the test
     * below) and an entry written before reads as none.
     */
    @Test
    void anAnswersImageTokensSurviveTheEntry() {
        ChatResponse base = answer();
        ChatResponse drawn = base.withUsage(new Usage(12, 1295, 0, 0, 0, 0, new Usage.Details(0, 0, 0, 0, 1290)));
        CachedAnswer a = new CachedAnswer("e".repeat(64), "ns", 1, 2, "gemini/gemini-2.5-flash-image", drawn);
        byte[] bytes = CachedAnswerCodec.encode(a);
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).contains("\"rejected_prediction\":0,\"image_completion\":1290}");
        CachedAnswer back = CachedAnswerCodec.decode(bytes);
        assertThat(back).isEqualTo(a);
        assertThat(back.response().usage().details().imageCompletionTokens()).isEqualTo(1290);
        assertThat(new String(CachedAnswerCodec.encode(new CachedAnswer("e".repeat(64), "ns", 1, 2, "d", base)),
                java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("image_completion");
    }

    /**
     * An auto alias's entry keeps the tier decision that answered, so a hit says it in its header and ledger row; it is
     * written only when there is one (under its own name: {@code tier} is the answer's service tier), so every other
     * entry keeps its v1 bytes (the test below) and an entry written before reads as no tier.
     */
    @Test
    void anAutoEntrysTierSurvivesTheEntryAndOtherEntriesHaveNone() {
        CachedAnswer a = new CachedAnswer("e".repeat(64), "ns", 1, 2, "openai/gpt-4o", "smart; reason=keyword:prove", answer());
        byte[] bytes = CachedAnswerCodec.encode(a);
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"deployment\":\"openai/gpt-4o\",\"auto_tier\":\"smart; reason=keyword:prove\",\"id\"");
        CachedAnswer back = CachedAnswerCodec.decode(bytes);
        assertThat(back).isEqualTo(a);
        assertThat(back.response().serviceTier()).as("the answer's own service tier, apart").isEqualTo("default");
        CachedAnswer plain = new CachedAnswer("e".repeat(64), "ns", 1, 2, "openai/gpt-4o", answer());
        byte[] plainBytes = CachedAnswerCodec.encode(plain);
        assertThat(new String(plainBytes, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("auto_tier");
        assertThat(CachedAnswerCodec.decode(plainBytes).tier()).isNull();
    }

    /**
     * The entry that answered (its model_info.id) survives the entry, so a hit's ledger row names it; an entry without
     * one keeps its v1 bytes and an entry written before (or by an older gateway sharing Redis) reads as none.
     */
    @Test
    void theDeploymentEntrysIdSurvivesTheEntryAndOthersHaveNone() {
        CachedAnswer a = new CachedAnswer("e".repeat(64), "ns", 1, 2, "openai/gpt-4o", null, answer(), "gpt-east");
        byte[] bytes = CachedAnswerCodec.encode(a);
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).contains("\"model_id\":\"gpt-east\"");
        assertThat(CachedAnswerCodec.decode(bytes)).isEqualTo(a);
        CachedAnswer plain = new CachedAnswer("e".repeat(64), "ns", 1, 2, "openai/gpt-4o", null, answer(), "");
        assertThat(plain.modelId()).as("none is null, not \"\"").isNull();
        byte[] plainBytes = CachedAnswerCodec.encode(plain);
        assertThat(new String(plainBytes, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("model_id");
        assertThat(CachedAnswerCodec.decode(plainBytes).modelId()).isNull();
    }

    /**
     * What the answer cost on its entry survives the entry (a hit whose entry the config no longer has is priced at it);
     * an unpriced entry's mark too; an entry without it (written before, or by an older gateway sharing Redis) still
     * decodes, as a hit of unknown cost (priced by its id, as before).
     */
    @Test
    void theAnswersCostSurvivesTheEntryAndAnOlderEntryReadsAsUnknown() {
        CachedAnswer a = new CachedAnswer("e".repeat(64), "ns", 1, 2, "openai/gpt-4o", null, answer(), null, 123_456L);
        byte[] bytes = CachedAnswerCodec.encode(a);
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).contains("\"cost_nanos\":123456");
        assertThat(CachedAnswerCodec.decode(bytes)).isEqualTo(a);
        CachedAnswer unpriced = new CachedAnswer("e".repeat(64), "ns", 1, 2, "openai/gpt-4o", null, answer(), "x", -5L);
        assertThat(unpriced.costNanos()).isEqualTo(CachedAnswer.UNPRICED);
        assertThat(CachedAnswerCodec.decode(CachedAnswerCodec.encode(unpriced)).costNanos()).isEqualTo(CachedAnswer.UNPRICED);
        CachedAnswer older = new CachedAnswer("e".repeat(64), "ns", 1, 2, "openai/gpt-4o", null, answer(), "gpt-east");
        byte[] olderBytes = CachedAnswerCodec.encode(older);
        assertThat(new String(olderBytes, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("cost_nanos");
        CachedAnswer back = CachedAnswerCodec.decode(olderBytes);
        assertThat(back).isNotNull();
        assertThat(back.costNanos()).isNull();
        assertThat(back.modelId()).isEqualTo("gpt-east");
    }

    @Test
    void aCustomToolsCallStaysCustomAndChangesTheKey() {
        Message m = new Message(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("call_1", "apply_patch", "*** Begin Patch\n", true)),
                null, null, null);
        ChatResponse r = new ChatResponse("chatcmpl-1", 1L, "gpt-5", List.of(new Choice(0, m, FinishReason.TOOL_CALLS, null)),
                new Usage(12, 5, 0, 0, 0), null, null);
        CachedAnswer a = new CachedAnswer("e".repeat(64), "ns", 1, 2, "openai/gpt-5", r);
        assertThat(CachedAnswerCodec.decode(CachedAnswerCodec.encode(a))).isEqualTo(a);
        // a custom tool and a function of the same name and description are different requests
        com.fasterxml.jackson.databind.node.ObjectNode text = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("type", "text");
        ChatRequest fn = new ChatRequest("gpt", chat("s", "q"), List.of(new Tool("apply_patch", "d", null, null, null)), null, null,
                null, null, null, null, null, null, null, null, Map.of(), false, false, Map.of());
        ChatRequest custom = fn.withToolsAndMessages(List.of(new Tool("apply_patch", "d", null, null, null, text)), fn.messages());
        assertThat(RequestFingerprint.exact("n", fn)).isNotEqualTo(RequestFingerprint.exact("n", custom));
    }

    /** An answer with every part an entry keeps: a tool call, reasoning, logprobs, a message's extra (every JSON kind), a raw body. */
    private static ChatResponse fullAnswer() throws Exception {
        Message m = new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("Paris")), null,
                List.of(new ToolCall("call_1", "lookup", "{\"q\":\"x\"}")), null, "thinking…", null,
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
                        "{\"audio\":{\"id\":\"a1\"},\"annotations\":[],\"n\":[1,2.5,12345678901,true,null,\"é\"]}"));
        return new ChatResponse("chatcmpl-1", 1_700_000_000L, "gpt-4o-mini",
                List.of(new Choice(0, m, FinishReason.STOP, JSON.readTree("{\"content\":[]}"))),
                new Usage(12, 5, 2, 0, 1), "fp_1", "default", new RawJson("anthropic", JSON.readTree("{\"type\":\"message\"}")));
    }

    @Test
    void theStreamingEncoderWritesTheV1BytesTheTreeEncoderWrote() throws Exception {
        // the bytes the earlier (tree) encoder wrote for this entry: Redis entries written before keep reading, and after
        String v1 = "{\"v\":1,\"entry\":\"" + "e".repeat(64) + "\",\"ns\":\"ns\",\"created\":1,\"expires\":2,"
                + "\"deployment\":\"openai/gpt-4o-mini\",\"id\":\"chatcmpl-1\",\"created_s\":1700000000,\"model\":\"gpt-4o-mini\","
                + "\"fingerprint\":\"fp_1\",\"tier\":\"default\",\"choices\":[{\"index\":0,\"finish\":\"stop\","
                + "\"logprobs\":{\"content\":[]},\"message\":{\"role\":\"assistant\",\"text\":\"Paris\",\"reasoning\":\"thinking…\","
                + "\"refusal\":null,\"has_text\":true,\"tool_calls\":[{\"id\":\"call_1\",\"name\":\"lookup\","
                + "\"arguments\":\"{\\\"q\\\":\\\"x\\\"}\"}],\"extra\":{\"audio\":{\"id\":\"a1\"},"
                + "\"annotations\":[],\"n\":[1,2.5,12345678901,true,null,\"é\"]}}}],"
                + "\"usage\":{\"prompt\":12,\"completion\":5,\"cache_read\":2,\"cache_write\":0,\"reasoning\":1,"
                + "\"cache_write_1h\":0,\"audio_prompt\":0,\"audio_completion\":0,\"accepted_prediction\":0,"
                + "\"rejected_prediction\":0},\"raw_dialect\":\"anthropic\",\"raw\":{\"type\":\"message\"}}";
        CachedAnswer a = new CachedAnswer("e".repeat(64), "ns", 1, 2, "openai/gpt-4o-mini", fullAnswer());
        assertThat(new String(CachedAnswerCodec.encode(a), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(v1);
        assertThat(CachedAnswerCodec.decode(v1.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(a);
    }

    @Test
    void theLocalStoreStaysWithinItsBoundInBytes() {
        AtomicLong now = new AtomicLong(1_000);
        LocalExactCache store = new LocalExactCache(64 << 10, now::get);
        java.util.function.IntFunction<String> id = i -> String.format("%064d", i);
        int entryBytes = CachedAnswerCodec.encode(new CachedAnswer(id.apply(0), "ns", 0, 0, "d", answer())).length;
        for (int i = 0; i < 500; i++) { // about a hundred fit in 64 KiB
            store.put(new CachedAnswer(id.apply(i), "ns", now.get(), now.get() + 60_000, "d", answer()));
        }
        int kept = 0;
        for (int i = 0; i < 500; i++) if (store.get("ns", id.apply(i)).result() != null) kept++;
        assertThat(kept).as("entries kept").isPositive().isLessThanOrEqualTo((64 << 10) / entryBytes);
        assertThat(store.deleteNamespace("ns").result()).isEqualTo(kept);
        assertThat(store.get("ns", id.apply(499)).result()).isNull();
    }

    @Test
    void theLocalStoreKeepsBytesAndAnswersWithAnEqualCopy() throws Exception {
        AtomicLong now = new AtomicLong(1_000);
        LocalExactCache store = new LocalExactCache(1 << 20, now::get);
        CachedAnswer a = new CachedAnswer("f".repeat(64), "ns", now.get(), now.get() + 5_000, "openai/gpt-4o-mini", fullAnswer());
        store.put(a);
        CachedAnswer hit = store.get("ns", "f".repeat(64)).result();
        assertThat(hit).isEqualTo(a).isNotSameAs(a);
        assertThat(hit.response().choices().get(0).message().extra()).as("each hit its own tree: a stage may change it")
                .isNotSameAs(a.response().choices().get(0).message().extra());
    }

    @Test
    void aReplayedStreamRecordsBackToTheSameAnswer() {
        List<ChatChunk> seen = new ArrayList<>();
        AtomicReference<ChatResponse> recorded = new AtomicReference<>();
        ChunkSink collect = new ChunkSink() {
            @Override public void chunk(ChatChunk c) { seen.add(c); }
            @Override public void flush() {}
            @Override public void end() {}
            @Override public void fail(GatewayException e) {}
            @Override public boolean writeQueueFull() { return false; }
            @Override public void drainHandler(Runnable r) {}
        };
        new StreamReplay(answer()).start(new StreamRecorder(collect, recorded::set));
        assertThat(seen.get(seen.size() - 1).usage()).isEqualTo(answer().usage());
        assertThat(recorded.get()).isEqualTo(answer());
    }

    @Test
    void controlsFromTheBodyAndTheHeaderAndWhoMayUseThem() throws Exception {
        CacheControls c = CacheControls.parse(JSON.readTree("{\"no-store\":true,\"ttl\":30}"), "no-cache, max-age=10");
        assertThat(c.noCache()).isTrue();
        assertThat(c.noStore()).isTrue();
        assertThat(c.ttlSeconds()).isEqualTo(30);
        assertThat(c.maxAgeMillis()).isEqualTo(10_000);
        c.checkAllowed(null, false);
        assertThatThrownBy(() -> c.checkAllowed(List.of("ttl"), false)).hasMessageContaining("Not allowed to set");
        CacheControls ns = CacheControls.parse(JSON.readTree("{\"namespace\":\"team\"}"), null);
        assertThatThrownBy(() -> ns.checkAllowed(null, false)).as("namespace needs to be given by name").isInstanceOf(GatewayException.class);
        ns.checkAllowed(List.of("namespace"), false);
        ns.checkAllowed(null, true);
        // a request-named namespace is never a caller's private one (QA: "master", a key_id), but is the configured shared one
        assertThat(ResponseCache.requestedNamespace("master", null)).isEqualTo("ns:master");
        assertThat(ResponseCache.requestedNamespace("key_abc", "team")).isEqualTo("ns:key_abc");
        assertThat(ResponseCache.requestedNamespace("team", "team")).as("cache_params.namespace, which every caller has").isEqualTo("team");
        assertThatThrownBy(() -> CacheControls.parse(JSON.readTree("[1]"), null)).hasMessageContaining("'cache' must be an object");
        assertThatThrownBy(() -> CacheControls.parse(JSON.readTree("{\"ttl\":0}"), null)).hasMessageContaining("cache.ttl");
    }

    @Test
    void theLocalStoreExpiresEntriesAndIsBoundedBySize() {
        AtomicLong now = new AtomicLong(1_000);
        LocalExactCache store = new LocalExactCache(1 << 20, now::get);
        store.put(new CachedAnswer("a".repeat(64), "ns", now.get(), now.get() + 5_000, "d", answer()));
        assertThat(store.get("ns", "a".repeat(64)).result()).isNotNull();
        assertThat(store.get("other-ns", "a".repeat(64)).result()).as("namespaces are apart").isNull();
        now.addAndGet(5_000);
        assertThat(store.get("ns", "a".repeat(64)).result()).isNull();
        for (int i = 0; i < 5_000; i++) {
            store.put(new CachedAnswer(String.format("%064d", i), "ns", now.get(), now.get() + 60_000, "d", answer()));
        }
        assertThat(store.describe()).contains("up to 1 MiB");
        assertThat(store.clear().result()).isLessThan(5_000); // the size bound evicted some
    }
}
