package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatChunk;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte scan's reading of a stream's usage chunk against the canonical decoder, its reference: every chunk it reads
 * (not null) is the chunk the decoder makes of the same bytes, on usage chunks as providers write them and on
 * thousands of damaged copies; everything else (an error, choices, a usage of null, values the decoder coerces) is
 * left to the decoder.
 */
class OpenAiUsageChunkByteScanTest {
    private static final String PREFIX = OpenAiChunkByteScanTest.PREFIX;
    private static final String DAMAGE = "{}[]:,\"\\ u0e9-.+Etrufalsn\n\u00e9\u00ff";
    private static final OpenAiChatDecoder DECODER = new OpenAiChatDecoder("fallback-model");

    private static final String OPENAI = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":123,\"completion_tokens\":45,\"total_tokens\":168,\"prompt_tokens_details\":"
            + "{\"cached_tokens\":64,\"audio_tokens\":3},\"completion_tokens_details\":{\"reasoning_tokens\":7,"
            + "\"audio_tokens\":2,\"accepted_prediction_tokens\":1,\"rejected_prediction_tokens\":5}},\"obfuscation\":\"x1\"}";

    private static final List<String> CHUNKS = List.of(
            OPENAI,
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":20,\"total_tokens\":30}}",
            " { \"usage\" : { \"completion_tokens\" : 2 , \"prompt_tokens\" : 1 } , \"choices\" : [ ] , \"model\" : \"\" } \n",
            "{\"id\":null,\"model\":null,\"system_fingerprint\":null,\"service_tier\":null,\"usage\":{\"prompt_tokens_details\":null,"
                    + "\"completion_tokens_details\":null,\"prompt_tokens\":-0}}",
            "{\"id\":\"c\\u0041 é 😀\",\"model\":\"m\\/x\",\"usage\":{\"prompt_tokens\":1,\"prompt_tokens\":2,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":1},\"prompt_tokens_details\":{\"audio_tokens\":4}}}",
            // an unknown top-level field: the decoder's to read, which keeps it for the client
            "{\"usage\":{\"prompt_tokens\":2147483647,\"completion_tokens\":-2147483648,\"x\":[1,{\"y\":null}]},\"extra\":{\"a\":[true,false]}}",
            "{\"usage\":{\"prompt_tokens\":1.0}}",              // coerced by the decoder
            "{\"usage\":{\"prompt_tokens\":\"1\"}}",            // a string: 0 to the decoder
            "{\"usage\":{\"prompt_tokens\":9999999999}}",       // past an int: the decoder's error
            "{\"created\":1.7e9,\"usage\":{}}",
            "{\"created\":\"soon\",\"usage\":{}}",
            "{\"usage\":null,\"choices\":[]}",
            "{\"usage\":{},\"error\":{\"message\":\"boom\"}}",
            "{\"usage\":{},\"error\":null}",
            "{\"id\":\"c\",\"usage\":{\"prompt_tokens\":1},\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
            "{\"id\":1,\"usage\":{}}",
            "{\"usage\":{},\"usage\":{}}",
            "{\"usage\":{}} trailing",
            "{\"choices\":[]}", "{}", "[]", "null", "not json", "");

    @Test
    void usageChunksAsProvidersWriteThemReadAsTheDecoderReadsThem() {
        int read = 0;
        for (String json : CHUNKS) if (same(json.getBytes(StandardCharsets.UTF_8))) read++;
        assertThat(read).as("chunks the byte scan read itself").isGreaterThanOrEqualTo(6);
        byte[] b = bytes(OPENAI);
        ChatChunk c = new OpenAiChunkByteScan().usageChunk(b, PREFIX.length(), b.length - 2 * PREFIX.length(), "f");
        assertThat(c).isNotNull();
        assertThat(c.usage().promptTokens()).isEqualTo(123);
        assertThat(c.usage().cacheReadTokens()).isEqualTo(64);
        assertThat(c.usage().reasoningTokens()).isEqualTo(7);
        assertThat(c.usage().details().rejectedPredictionTokens()).isEqualTo(5);
        assertThat(c.choices()).isEmpty();
    }

    /**
     * OpenRouter's usage for Claude and Gemini (and OpenAI's newer one) counts the prompt tokens written to the cache in
     * {@code prompt_tokens_details.cache_write_tokens}: both readings take them as the usage's cache writes, which are
     * priced at the write price, not as plain input.
     */
    @Test
    void cacheWritesInThePromptDetailsAreReadByBothReadings() {
        String json = "{\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"anthropic/claude-sonnet-4.5\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":50,\"total_tokens\":1050,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":600,\"cache_write_tokens\":300}}}";
        assertThat(same(json.getBytes(StandardCharsets.UTF_8))).as("the byte scan reads it itself").isTrue();
        byte[] b = bytes(json);
        ChatChunk c = new OpenAiChunkByteScan().usageChunk(b, PREFIX.length(), b.length - 2 * PREFIX.length(), "f");
        assertThat(c.usage().cacheWriteTokens()).isEqualTo(300);
        assertThat(c.usage().cacheReadTokens()).isEqualTo(600);
        assertThat(c.usage().uncachedPromptTokens()).isEqualTo(100);
        assertThat(DECODER.usageOf(json.getBytes(StandardCharsets.UTF_8)).cacheWriteTokens()).isEqualTo(300);
    }

    @Test
    void damagedUsageChunksNeverReadOtherwiseThanTheDecoderReadsThem() {
        Random r = new Random(11);
        int read = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] d = CHUNKS.get(r.nextInt(6)).getBytes(StandardCharsets.UTF_8);
            d = OpenAiChunkByteScanTest.damaged(r, d, DAMAGE); // one to three bytes removed, inserted or replaced
            if (same(d)) read++;
        }
        assertThat(read).isGreaterThan(1000);
    }

    @Test
    void readingAUsageChunkLeavesTheStreamsMarksAsTheyWere() {
        // the scanner that reads the stream's chunks also reads its usage chunk: the next chunk it reads must be read
        // exactly as a fresh scanner reads it
        String delta = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}";
        byte[] d = bytes(delta);
        byte[] u = bytes(OPENAI);
        OpenAiChunkByteScan scanner = new OpenAiChunkByteScan();
        scanner.read(new OpenAiChunkScan(), d, PREFIX.length(), d.length - 2 * PREFIX.length(), true, true);
        assertThat(scanner.usageChunk(u, PREFIX.length(), u.length - 2 * PREFIX.length(), "f")).isNotNull();
        OpenAiChunkScan again = new OpenAiChunkScan();
        assertThat(scanner.read(again, d, PREFIX.length(), d.length - 2 * PREFIX.length(), true, true))
                .isEqualTo(OpenAiChunkByteScan.RELAYABLE);
        assertThat(scanner.resumedLast()).isTrue();
        assertThat(again.contents).containsExactly("Hi");
        assertThat(again.id).isEqualTo("chatcmpl-1");
    }

    /** Asserts the byte scan's usage chunk is the decoder's; true when the byte scan read it itself. */
    private static boolean same(byte[] json) {
        byte[] b = OpenAiChunkByteScanTest.inRead(json);
        ChatChunk fast = new OpenAiChunkByteScan().usageChunk(b, PREFIX.length(), json.length, DECODER.fallbackModel());
        if (fast == null) return false;
        String what = new String(json, StandardCharsets.UTF_8);
        ChatChunk expected;
        try {
            expected = DECODER.chunk(b, PREFIX.length(), json.length);
        } catch (Exception e) {
            throw new AssertionError("the byte scan read what the decoder refuses (" + e + "): " + what);
        }
        assertThat(Math.abs(fast.created() - expected.created())).as("created: %s", what).isLessThanOrEqualTo(1);
        assertThat(new ChatChunk(fast.id(), expected.created(), fast.model(), fast.choices(), fast.usage(),
                fast.systemFingerprint(), fast.serviceTier(), fast.raw())).as(what).isEqualTo(expected);
        return true;
    }

    private static byte[] bytes(String json) {
        return (PREFIX + json + "yy").getBytes(StandardCharsets.UTF_8);
    }
}
