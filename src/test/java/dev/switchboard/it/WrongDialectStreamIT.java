package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.CannedGateway;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upstream that answers a stream in another API's events (a misconfigured OpenAI-compatible server answering the
 * Responses API with Chat Completions chunks, a chat stream with Responses events, an Anthropic stream with OpenAI
 * chunks), the upstream's key spread over those events two characters at a time: the relay refuses the first event of
 * the wrong shape (before any byte went out it is a 502 naming the deployment; later, an error event), so nothing of
 * the wrong shape reaches the client, and no 8 characters of any key can be put together from what did. QA security
 * finding 3: about 290 Chat Completions chunks were relayed to a Responses client unchanged, every key in them in
 * pieces. Also the strings of event types the gateway does not read (added later), scanned as running texts.
 */
class WrongDialectStreamIT {
    static final List<String> KEYS = List.of(TestGateway.PROVIDER_KEY, TestGateway.ANTHROPIC_PROVIDER_KEY, TestGateway.GEMINI_PROVIDER_KEY);
    static CannedGateway env;

    @BeforeAll
    static void start() {
        env = CannedGateway.start("""
                model_list:
                  - model_name: o
                    litellm_params: { model: openai/wrong-o, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                  - model_name: a
                    litellm_params: { model: anthropic/wrong-a, api_base: "%1$s", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                  allowed_fails: 100000
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { env.close(); }

    /** The key of the answering deployment in pieces of 2 characters, each piece one event made by {@code event}. */
    private static String pieces(Function<String, String> event) {
        StringBuilder out = new StringBuilder(event.apply("key: "));
        for (int i = 0; i + 2 <= 32; i += 2) out.append(event.apply("{KEY:" + i + ":" + (i + 2) + "}"));
        return out.toString();
    }

    private static String chatChunk(String text) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static final String CHAT_END = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private static String responsesDelta(String text) {
        return "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\","
                + "\"output_index\":0,\"content_index\":0,\"delta\":\"" + text + "\"}\n\n";
    }

    private static final String RESPONSES_CREATED = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
            + "\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":\"in_progress\",\"model\":\"m\",\"output\":[]}}\n\n";
    private static final String RESPONSES_COMPLETED = "event: response.completed\ndata: {\"type\":\"response.completed\","
            + "\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":\"completed\",\"model\":\"m\","
            + "\"output\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"total_tokens\":2}}}\n\n";

    private static String anthropicDelta(String text) {
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                + "\"text\":\"" + text + "\"}}\n\n";
    }

    private static HttpResponse<String> responses(String alias, String tag) {
        return Http.post(env.gw().v1() + "/responses", TestGateway.MASTER_KEY,
                "{\"model\":\"" + alias + "\",\"stream\":true,\"input\":\"" + tag + "\"}");
    }

    /**
     * Every text a client could put together from the answer's events (each string field, joined in order across the
     * events that carry it), and the body itself: no 8 characters of any key in any of them.
     */
    private static void noKeyIn(HttpResponse<String> r) {
        java.util.Map<String, StringBuilder> joined = new java.util.LinkedHashMap<>();
        for (String data : Http.sseData(r.body())) {
            if (data.startsWith("{")) join(new JsonObject(data).getMap(), "", joined);
        }
        StringBuilder all = new StringBuilder(r.body()).append('\n');
        joined.values().forEach(v -> all.append(v).append('\n'));
        String text = all.toString().toLowerCase(Locale.ROOT);
        for (String key : KEYS) {
            for (int i = 0; i + 8 <= key.length(); i++) {
                String run = key.substring(i, i + 8).toLowerCase(Locale.ROOT);
                assertThat(text).as("8 characters of a key a client can put together: " + run + "\n" + r.body()).doesNotContain(run);
            }
        }
    }

    private static void join(Object v, String path, java.util.Map<String, StringBuilder> into) {
        if (v instanceof JsonObject o) join(o.getMap(), path, into);
        else if (v instanceof io.vertx.core.json.JsonArray a) join(a.getList(), path, into);
        else if (v instanceof java.util.Map<?, ?> m) m.forEach((k, x) -> join(x, path + "." + k, into));
        else if (v instanceof List<?> l) for (int i = 0; i < l.size(); i++) join(l.get(i), path + "[" + i + "]", into);
        else if (v instanceof String s) into.computeIfAbsent(path, p -> new StringBuilder()).append(s);
    }

    private static String errorMessage(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("message");
    }

    @Test
    void aResponsesStreamOfChatChunksIsA502BeforeAnyByte() {
        String tag = env.up().sse(pieces(WrongDialectStreamIT::chatChunk) + CHAT_END);
        HttpResponse<String> r = responses("o", tag);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(errorMessage(r)).contains("openai/wrong-o").contains("Chat Completions chunk");
        assertThat(r.body()).doesNotContain("chat.completion.chunk");
        noKeyIn(r);
    }

    @Test
    void chatChunksAfterAGoodStartFailTheStreamAtTheFirstOne() {
        String tag = env.up().sse(RESPONSES_CREATED + responsesDelta("fine ") + pieces(WrongDialectStreamIT::chatChunk) + CHAT_END);
        HttpResponse<String> r = responses("o", tag);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonObject> events = Http.sseData(r.body()).stream().map(JsonObject::new).toList();
        List<String> types = events.stream().map(e -> e.getString("type")).toList();
        assertThat(types).as(r.body()).contains("response.created", "response.output_text.delta")
                .endsWith("response.failed", "error").doesNotContain("response.completed");
        assertThat(r.body()).doesNotContain("chat.completion.chunk").doesNotContain("event: message");
        assertThat(events.getLast().getString("message")).contains("openai/wrong-o").contains("Chat Completions chunk");
        noKeyIn(r);
    }

    @Test
    void anAnthropicStreamToAResponsesClientIsA502() {
        String tag = env.up().sse("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}}\n\n"
                + pieces(WrongDialectStreamIT::anthropicDelta));
        HttpResponse<String> r = responses("o", tag);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(errorMessage(r)).contains("openai/wrong-o").contains("message_start");
        noKeyIn(r);
    }

    @Test
    void aChatStreamOfResponsesEventsIsA502() {
        String tag = env.up().sse(pieces(WrongDialectStreamIT::responsesDelta) + RESPONSES_COMPLETED);
        HttpResponse<String> r = env.chat("o", tag, true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(errorMessage(r)).contains("openai/wrong-o");
        noKeyIn(r);
    }

    @Test
    void anAnthropicStreamOfOtherEventsIsA502() {
        for (String stream : List.of(pieces(WrongDialectStreamIT::chatChunk) + CHAT_END,
                RESPONSES_CREATED + pieces(WrongDialectStreamIT::responsesDelta) + RESPONSES_COMPLETED)) {
            String tag = env.up().sse(stream);
            for (HttpResponse<String> r : List.of(env.messages("a", tag, true), env.chat("a", tag, true))) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
                assertThat(r.body()).contains("anthropic/wrong-a").doesNotContain("sequence_number")
                        .doesNotContain("\"object\":\"chat.completion.chunk\"");
                noKeyIn(r);
            }
        }
    }

    /** A Responses event type the gateway does not read (added later), and a delta that is an object: relayed, masked. */
    @Test
    void stringsOfEventTypesNotReadAreScannedAcrossEvents() {
        String tag = env.up().sse(RESPONSES_CREATED
                + pieces(t -> "event: response.future_call.partial\ndata: {\"type\":\"response.future_call.partial\",\"output_index\":1,"
                        + "\"part\":{\"text\":\"" + t + "\"}}\n\n")
                + pieces(t -> "event: response.shell_call_output_content.delta\ndata: {\"type\":\"response.shell_call_output_content.delta\","
                        + "\"output_index\":2,\"delta\":{\"stdout\":\"" + t + "\"}}\n\n")
                + RESPONSES_COMPLETED);
        HttpResponse<String> r = responses("o", tag);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("response.future_call.partial").contains("response.shell_call_output_content.delta")
                .contains("response.completed").contains("*");
        noKeyIn(r);

        // Anthropic's side: an event type added later, after message_start
        String ant = env.up().sse("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}}\n\n"
                + pieces(t -> "event: future_event\ndata: {\"type\":\"future_event\",\"note\":\"" + t + "\"}\n\n")
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        HttpResponse<String> m = env.messages("a", ant, true);
        assertThat(m.statusCode()).as(m.body()).isEqualTo(200);
        assertThat(m.body()).contains("future_event").contains("message_stop").contains("*");
        noKeyIn(m);
    }
}
