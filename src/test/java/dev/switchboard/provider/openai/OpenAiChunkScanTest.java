package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the relay reads from a chunk without decoding it, and which chunks it leaves to the canonical decoder. */
class OpenAiChunkScanTest {
    private static final String PREFIX = "xx"; // the chunk sits inside a larger read, as in the SSE parser's buffer
    private final OpenAiChunkScan scan = new OpenAiChunkScan();

    private byte[] read(String json, boolean identity, boolean texts) {
        byte[] b = (PREFIX + json + "yy").getBytes(StandardCharsets.UTF_8);
        scan.read(b, PREFIX.length(), json.getBytes(StandardCharsets.UTF_8).length, identity, texts);
        return b;
    }

    private static String chunk(String delta, String finish, String tail) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]" + tail + "}";
    }

    @Test
    void aContentChunkInOpenAisShapeIsRelayableWithItsFacts() {
        read(chunk("{\"content\":\"h\\u00e9llo\"}", "null", ""), true, true);
        assertThat(scan.relayable).isTrue();
        assertThat(scan.id).isEqualTo("chatcmpl-1");
        assertThat(scan.model).isEqualTo("gpt-4o");
        assertThat(scan.contents).containsExactly("héllo");
        assertThat(scan.outputChars).isEqualTo(5);
        assertThat(scan.finishReason).isNull();
        assertThat(scan.usageNullFrom).isEqualTo(-1);
    }

    @Test
    void withoutIdentityOrTextsOnlyCounts() {
        read(chunk("{\"content\":\"abc\",\"reasoning_content\":\"de\"}", "\"stop\"", ""), false, false);
        assertThat(scan.relayable).isTrue();
        assertThat(scan.id).isNull();
        assertThat(scan.model).isNull();
        assertThat(scan.contents).isEmpty();
        assertThat(scan.outputChars).isEqualTo(5);
        assertThat(scan.finishReason).isEqualTo("stop");
    }

    @Test
    void theUsageNullMemberIsLocatedWithItsComma() {
        String json = chunk("{\"content\":\"a\"}", "null", ",\"usage\":null");
        byte[] b = read(json, false, false);
        assertThat(scan.relayable).isTrue();
        String without = new String(b, PREFIX.length(), scan.usageNullFrom - PREFIX.length(), StandardCharsets.UTF_8)
                + new String(b, scan.usageNullTo, PREFIX.length() + json.length() - scan.usageNullTo, StandardCharsets.UTF_8);
        assertThat(without).isEqualTo(chunk("{\"content\":\"a\"}", "null", ""));
    }

    @Test
    void aLeadingUsageNullTakesTheCommaAfterIt() {
        String json = "{\"usage\": null ,\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[]}";
        byte[] b = read(json, false, false);
        assertThat(scan.relayable).isTrue();
        String without = new String(b, PREFIX.length(), scan.usageNullFrom - PREFIX.length(), StandardCharsets.UTF_8)
                + new String(b, scan.usageNullTo, PREFIX.length() + json.length() - scan.usageNullTo, StandardCharsets.UTF_8);
        assertThat(without).isEqualTo("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[]}");
    }

    @Test
    void whatTheGatewayMustRewriteGoesTheCanonicalWay() {
        String usage = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}";
        for (String json : new String[] {
                usage, // priced on its way, dropped for clients that did not ask
                chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}", "null", ""),
                chunk("{\"reasoning\":\"thinking\"}", "null", ""), // another server's name for reasoning_content
                chunk("{\"content\":[{\"type\":\"text\",\"text\":\"a\"}]}", "null", ""), // content as parts
                chunk("{\"role\":\"model\"}", "null", ""),
                chunk("null", "null", ""),
                chunk("{\"content\":\"a\"}", "\"eos\"", ""), // a finish reason OpenAI's SDKs do not know
                chunk("{\"content\":\"a\"}", "null", "").replace("\"model\":\"gpt-4o\"", "\"model\":\"\""), // the deployment's fills in
                chunk("{\"content\":\"a\"}", "null", "").replace(",\"finish_reason\":null", ""), // required by OpenAI's schema
                chunk("{\"content\":\"a\"}", "null", ",\"error\":{\"message\":\"boom\"}"),
                "{\"error\":{\"message\":\"overloaded\"}}",
                "not json",
        }) {
            read(json, true, true);
            assertThat(scan.relayable).as(json).isFalse();
        }
    }
}
