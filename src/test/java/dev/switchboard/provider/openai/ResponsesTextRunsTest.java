package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.KeyScrubber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The running key scans of a Responses-API event stream: each event goes through the event scan of its bytes first, as
 * {@link dev.switchboard.provider.SseRelay} does, then {@link ResponsesTextRuns#mask} with the bytes as sent when that
 * scan masked something.
 */
class ResponsesTextRunsTest {
    static final String KEY = "sk-" + "proj-Qz7Wv9Lm2Tx8Pq4Rn6Yb3Hc5"; // a fake key, in two parts so no secret scanner takes it for a real one
    final KeyScrubber scrubber = KeyScrubber.of(KEY);
    final KeyScrubber.Events events = scrubber.events();
    final ResponsesTextRuns runs = new ResponsesTextRuns(scrubber.runs());

    /** One event through both scans, as the stream reads it: the tree relayed to the client. */
    private JsonNode event(String json) {
        byte[] data = json.getBytes(StandardCharsets.UTF_8);
        events.scrub(data, 0, data.length);
        JsonNode e = Json.readOrNull(data);
        runs.mask(e.path("type").asText(), e, events.original());
        return e;
    }

    private static String delta(String type, int outputIndex, String piece) {
        return "{\"type\":\"" + type + "\",\"item_id\":\"x\",\"output_index\":" + outputIndex + ",\"content_index\":0,\"delta\":"
                + Json.MAPPER.getNodeFactory().textNode(piece) + "}";
    }

    /** {@code text} cut into pieces of {@code size} characters (the first one {@code first} long). */
    private static List<String> pieces(String text, int first, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int n = Math.min(text.length() - i, out.isEmpty() ? first : size);
            out.add(text.substring(i, i + n));
            i += n;
        }
        return out;
    }

    /** The key as a client got it: at most its first 7 characters, then masks to its end. */
    private static void maskedFromTheEighth(String shown) {
        assertThat(shown).hasSize(KEY.length());
        int first = shown.indexOf('*');
        assertThat(first).as(shown).isBetween(0, 7);
        assertThat(shown).isEqualTo(KEY.substring(0, first) + "*".repeat(KEY.length() - first));
    }

    @Test
    void aKeyInSmallTextDeltasIsMaskedFromItsEighthCharacterInTheEventItself() {
        StringBuilder text = new StringBuilder();
        for (String piece : pieces("key: " + KEY + " end", 3, 3)) {
            JsonNode e = event(delta("response.output_text.delta", 1, piece));
            assertThat(e.path("output_index").asInt()).isEqualTo(1); // the rest of the event as sent
            text.append(e.path("delta").asText());
        }
        assertThat(text.toString()).startsWith("key: ").endsWith(" end");
        maskedFromTheEighth(text.substring(5, text.length() - 4));
    }

    @Test
    void afterAnEventTheEventScanMaskedTheRunReadsItAsSent() {
        // the first delta holds 11 of the key's characters (the event scan masks them); the rest come 2 at a time
        StringBuilder text = new StringBuilder();
        for (String piece : pieces(KEY + " end", 11, 2)) text.append(event(delta("response.reasoning_summary_text.delta", 0, piece)).path("delta").asText());
        assertThat(text.toString()).isEqualTo("*".repeat(KEY.length()) + " end");
    }

    @Test
    void eachTextHasItsOwnRunAndEachFunctionCallsArgumentsStayJson() {
        String args = "{\"k\":\"" + KEY + "\",\"n\":1}";
        List<String> summary = pieces("think " + KEY + " done", 2, 2), text = pieces("key: " + KEY + " end", 3, 3);
        List<String> a = pieces(args, 1, 2), b = pieces(args, 16, 3);
        Map<String, StringBuilder> got = new TreeMap<>();
        for (int k = 0; k < 40; k++) { // all four side by side, one piece of each in turn
            if (k < summary.size()) got.computeIfAbsent("summary", x -> new StringBuilder())
                    .append(event(delta("response.reasoning_summary_text.delta", 0, summary.get(k))).path("delta").asText());
            if (k < text.size()) got.computeIfAbsent("text", x -> new StringBuilder())
                    .append(event(delta("response.output_text.delta", 1, text.get(k))).path("delta").asText());
            if (k < a.size()) got.computeIfAbsent("args 2", x -> new StringBuilder())
                    .append(event(delta("response.function_call_arguments.delta", 2, a.get(k))).path("delta").asText());
            if (k < b.size()) got.computeIfAbsent("args 3", x -> new StringBuilder())
                    .append(event(delta("response.function_call_arguments.delta", 3, b.get(k))).path("delta").asText());
        }
        String s = got.get("summary").toString(), t = got.get("text").toString();
        maskedFromTheEighth(s.substring("think ".length(), s.length() - " done".length()));
        maskedFromTheEighth(t.substring("key: ".length(), t.length() - " end".length()));
        for (String call : List.of("args 2", "args 3")) {
            JsonNode parsed = Json.readOrNull(got.get(call).toString().getBytes(StandardCharsets.UTF_8));
            assertThat(parsed).as(got.get(call).toString()).isNotNull();
            assertThat(parsed.path("n").asInt()).isEqualTo(1);
            maskedFromTheEighth(parsed.path("k").asText());
        }
    }

    @Test
    void otherStreamedTextsAreScannedPerOutputItemAndOtherEventsAreLeftAlone() {
        StringBuilder code = new StringBuilder();
        for (String piece : pieces(KEY, 3, 3)) code.append(event(delta("response.code_interpreter_call_code.delta", 4, piece)).path("delta").asText());
        maskedFromTheEighth(code.toString());
        String done = "{\"type\":\"response.output_text.done\",\"output_index\":1,\"content_index\":0,\"text\":\"no key here\"}";
        assertThat(event(done).toString()).isEqualTo(Json.readOrNull(done.getBytes(StandardCharsets.UTF_8)).toString());
        JsonNode clean = event(delta("response.output_text.delta", 1, "plain words"));
        assertThat(clean.path("delta").asText()).isEqualTo("plain words");
    }
}
