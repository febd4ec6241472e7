package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte scan against Jackson's walk, its reference: on every chunk it reads (not {@link OpenAiChunkByteScan#UNSURE})
 * it finds exactly what the walk finds, on chunks as providers write them and on thousands of damaged copies.
 */
class OpenAiChunkByteScanTest {
    static final String PREFIX = "xx"; // inside a larger read, as in the SSE parser's buffer
    /** What damaged copies are made of: JSON's structure, escapes, literals' letters, bytes of UTF-8. */
    private static final String DAMAGE = "{}[]:,\"\\ u0e9-.+Etrufalsn\n\u00e9\u00ff";

    private static String chunk(String delta, String finish, String tail) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,\"model\":\"gpt-4o\","
                + "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]" + tail + "}";
    }

    private static final List<String> CHUNKS = List.of(
            chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null", ",\"usage\":null"),
            chunk("{\"content\":\"Hello\"}", "null", ""),
            chunk("{\"content\":\"h\\u00e9llo \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}", "null", ""),
            chunk("{\"content\":\"héllo wörld — 日本語 😀\"}", "null", ""),
            chunk("{\"content\":\"\\ud83d\\ude00 and é\\n\"}", "null", ""),
            chunk("{\"reasoning_content\":\"think 😀\",\"content\":null}", "null", ""),
            chunk("{\"refusal\":\"no\"}", "\"content_filter\"", ""),
            chunk("{}", "\"stop\"", ",\"usage\":null,\"service_tier\":\"default\",\"obfuscation\":\"abc\""),
            chunk("{}", "\"length\"", ""),
            chunk("{\"content\":\"a\",\"extra\":{\"x\":[1,2.5,-3e4,true,false,null,{\"y\":\"z\"}]}}", "null", ""),
            chunk("{\"content\":\"a\"}", "\"eos\"", ""),
            chunk("{\"role\":\"model\"}", "null", ""),
            chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}", "null", ""),
            chunk("{\"reasoning\":\"r\"}", "null", ""),
            chunk("{\"content\":[{\"type\":\"text\",\"text\":\"a\"}]}", "null", ""),
            chunk("{\"content\":\"a\",\"content\":\"b\"}", "null", ""), // repeated: Jackson's to read
            chunk("{\"content\":\"a\"}", "null", ",\"error\":{\"message\":\"boom\"}"),
            chunk("{\"content\":\"a\"}", "null", ",\"usage\":{\"prompt_tokens\":1}"),
            chunk("{\"content\":\"a\"}", "null", "").replace("\"model\":\"gpt-4o\"", "\"model\":\"\""),
            chunk("{\"content\":\"a\"}", "null", "").replace(",\"finish_reason\":null", ""),
            chunk("{\"content\":\"a\"}", "null", "").replace("1733000000", "-1.5E+3"),
            " { \"usage\" : null , \"id\" : \"c\" , \"object\" : \"o\" , \"created\" : 0 , \"model\" : \"m\" , \"choices\" : [ ] } \n",
            "{\"id\":\"c\",\"object\":\"o\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},"
                    + "\"finish_reason\":null},{\"index\":1,\"delta\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}]}",
            "{\"id\":\"c\\u0041\",\"object\":\"o\",\"created\":1,\"model\":\"m\\/x\",\"choices\":[]}",
            "{\"error\":{\"message\":\"overloaded\"}}",
            "{}", "[]", "null", "not json", "");

    @Test
    void chunksAsProvidersWriteThemReadAsJacksonReadsThem() {
        int read = 0;
        for (String json : CHUNKS) {
            for (boolean identity : new boolean[] {true, false}) {
                for (boolean texts : new boolean[] {true, false}) {
                    if (same(bytes(json), PREFIX.length(), json.getBytes(StandardCharsets.UTF_8).length, identity, texts)) read++;
                }
            }
        }
        assertThat(read).as("chunks the byte scan read itself").isGreaterThan(CHUNKS.size() * 2);
    }

    @Test
    void theCommonChunksAreReadWithoutJackson() {
        OpenAiChunkByteScan fast = new OpenAiChunkByteScan();
        OpenAiChunkScan out = new OpenAiChunkScan();
        for (int i = 0; i < 10; i++) {
            byte[] b = bytes(CHUNKS.get(i));
            assertThat(fast.read(out, b, PREFIX.length(), b.length - 2 * PREFIX.length(), true, true)).as(CHUNKS.get(i))
                    .isEqualTo(OpenAiChunkByteScan.RELAYABLE);
        }
    }

    @Test
    void damagedChunksNeverReadOtherwiseThanJacksonReadsThem() {
        Random r = new Random(42);
        int read = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] d = damaged(r, CHUNKS.get(r.nextInt(CHUNKS.size())).getBytes(StandardCharsets.UTF_8), DAMAGE);
            if (same(inRead(d), PREFIX.length(), d.length, r.nextBoolean(), r.nextBoolean())) read++;
        }
        assertThat(read).isGreaterThan(1000);
    }

    @Test
    void aStreamsChunksReadAsEachAloneReadsThem() {
        // one scanner takes up its state where a chunk repeats the last one's start: on streams of chunks that repeat,
        // change their text, get damaged anywhere (inside the repeated start too) or change altogether, each chunk must
        // be read exactly as a fresh scanner reads it alone, and as Jackson's walk where the scan reads it
        Random r = new Random(7);
        int resumedReads = 0;
        for (int stream = 0; stream < 2_000; stream++) {
            OpenAiChunkByteScan scanner = new OpenAiChunkByteScan();
            byte[] previous = CHUNKS.get(r.nextInt(12)).getBytes(StandardCharsets.UTF_8);
            for (int n = 0; n < 10; n++) {
                byte[] chunk = switch (r.nextInt(6)) {
                    case 0 -> previous;
                    case 1 -> CHUNKS.get(r.nextInt(CHUNKS.size())).getBytes(StandardCharsets.UTF_8);
                    case 2, 3 -> damaged(r, previous, DAMAGE);
                    default -> new String(previous, StandardCharsets.UTF_8).replaceFirst("\"content\":\"[^\"]*\"",
                            "\"content\":\"" + "abc é".substring(0, r.nextInt(6)) + "\"").getBytes(StandardCharsets.UTF_8);
                };
                byte[] in = inRead(chunk);
                boolean identity = n == 0 || r.nextInt(4) == 0;
                boolean texts = r.nextBoolean();
                OpenAiChunkScan inStream = new OpenAiChunkScan();
                int verdict = scanner.read(inStream, in, PREFIX.length(), chunk.length, identity, texts);
                OpenAiChunkScan alone = new OpenAiChunkScan();
                int expected = new OpenAiChunkByteScan().read(alone, in, PREFIX.length(), chunk.length, identity, texts);
                String what = new String(chunk, StandardCharsets.UTF_8);
                assertThat(verdict).as("verdict: %s", what).isEqualTo(expected);
                if (expected != OpenAiChunkByteScan.UNSURE) {
                    sameFindings(inStream, alone, what);
                    same(in, PREFIX.length(), chunk.length, identity, texts); // and Jackson's walk agrees
                }
                if (scanner.resumedLast()) resumedReads++;
                previous = chunk;
            }
        }
        assertThat(resumedReads).as("reads that took up a repeated start").isGreaterThan(5_000);
    }

    /** The chunk inside a larger read, at {@code PREFIX.length()}, as in the SSE parser's buffer. */
    static byte[] inRead(byte[] chunk) {
        byte[] in = new byte[chunk.length + 2 * PREFIX.length()];
        System.arraycopy(chunk, 0, in, PREFIX.length(), chunk.length);
        return in;
    }

    /** {@code b} with one to three bytes removed, inserted or replaced. */
    static byte[] damaged(Random r, byte[] b, String alphabet) {
        List<Byte> bs = new ArrayList<>();
        for (byte x : b) bs.add(x);
        for (int k = 1 + r.nextInt(3); k > 0 && !bs.isEmpty(); k--) {
            int at = r.nextInt(bs.size());
            switch (r.nextInt(4)) {
                case 0 -> bs.remove(at);
                case 1 -> bs.add(at, (byte) alphabet.charAt(r.nextInt(alphabet.length())));
                case 2 -> bs.set(at, (byte) alphabet.charAt(r.nextInt(alphabet.length())));
                default -> bs.set(at, (byte) r.nextInt(256));
            }
        }
        byte[] out = new byte[bs.size()];
        for (int i = 0; i < out.length; i++) out[i] = bs.get(i);
        return out;
    }

    @Test
    void deepOrLongValuesAreLeftToJackson() {
        String deep = chunk("{\"x\":" + "[".repeat(40) + "]".repeat(40) + "}", "null", "");
        String longNumber = chunk("{}", "null", ",\"n\":" + "1".repeat(100));
        for (String json : List.of(deep, longNumber)) {
            byte[] b = bytes(json);
            assertThat(new OpenAiChunkByteScan().read(new OpenAiChunkScan(), b, PREFIX.length(), b.length - 2 * PREFIX.length(), true, true))
                    .isEqualTo(OpenAiChunkByteScan.UNSURE);
            assertThat(same(b, PREFIX.length(), b.length - 2 * PREFIX.length(), true, true)).isFalse();
        }
    }

    private static byte[] bytes(String json) {
        return (PREFIX + json + "yy").getBytes(StandardCharsets.UTF_8);
    }

    /** Asserts the byte scan agrees with Jackson's walk; true when the byte scan read the chunk itself. */
    private static boolean same(byte[] b, int off, int len, boolean identity, boolean texts) {
        OpenAiChunkScan fast = new OpenAiChunkScan();
        int verdict = new OpenAiChunkByteScan().read(fast, b, off, len, identity, texts);
        OpenAiChunkScan walk = new OpenAiChunkScan();
        walk.walk(b, off, len, identity, texts);
        String what = new String(b, off, len, StandardCharsets.UTF_8);
        if (verdict == OpenAiChunkByteScan.UNSURE) return false;
        assertThat(verdict == OpenAiChunkByteScan.RELAYABLE).as("relayable: %s", what).isEqualTo(walk.relayable);
        if (walk.relayable) {
            sameFindings(fast, walk, what);
        }
        return true;
    }

    private static void sameFindings(OpenAiChunkScan actual, OpenAiChunkScan expected, String what) {
        assertThat(actual.id).as("id: %s", what).isEqualTo(expected.id);
        assertThat(actual.model).as("model: %s", what).isEqualTo(expected.model);
        assertThat(actual.finishReason).as("finish reason: %s", what).isEqualTo(expected.finishReason);
        assertThat(actual.firstIndex).as("first index: %s", what).isEqualTo(expected.firstIndex);
        assertThat(actual.outputChars).as("output chars: %s", what).isEqualTo(expected.outputChars);
        assertThat(actual.contents).as("contents: %s", what).isEqualTo(expected.contents);
        assertThat(actual.reasonings).as("reasonings: %s", what).isEqualTo(expected.reasonings);
        assertThat(java.util.Arrays.copyOf(actual.contentChoices, actual.contents.size())).as("content choices: %s", what)
                .isEqualTo(java.util.Arrays.copyOf(expected.contentChoices, expected.contents.size()));
        assertThat(java.util.Arrays.copyOf(actual.reasoningChoices, actual.reasonings.size())).as("reasoning choices: %s", what)
                .isEqualTo(java.util.Arrays.copyOf(expected.reasoningChoices, expected.reasonings.size()));
        assertThat(actual.usageNullFrom).as("usage from: %s", what).isEqualTo(expected.usageNullFrom);
        assertThat(actual.usageNullTo).as("usage to: %s", what).isEqualTo(expected.usageNullTo);
    }
}
