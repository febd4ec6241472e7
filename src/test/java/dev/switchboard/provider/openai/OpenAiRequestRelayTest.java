package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.edge.openai.OpenAiRequestDecoder;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The request relay against the canonical encoding it replaces: for every body the OpenAI edge marks relayable, what
 * {@link OpenAiRequestEncoder#relay} sends is JSON-equal to {@link OpenAiRequestEncoder#canonical} of the same decoded
 * request, for every flavor, with and without a deployment's max_tokens, streamed or not; bodies the canonical
 * encoding changes are not relayed.
 */
class OpenAiRequestRelayTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final OpenAiRequestDecoder DECODER = new OpenAiRequestDecoder();

    /** An OpenAI reasoning model: the output limit as max_completion_tokens only (declared before the list holding it). */
    private static final OpenAiRequestEncoder O3 = new OpenAiRequestEncoder(new Deployment("a", "openai", "o3-mini", null, null,
            null, null, null, Map.of(), Map.of(), Map.of(), 1, Map.of()), OpenAiFlavor.CORE.get("openai"));

    /** Each OpenAI-style flavor that writes something differently, with and without a deployment output limit. */
    private static final List<OpenAiRequestEncoder> ENCODERS = encoders();

    private static List<OpenAiRequestEncoder> encoders() {
        List<OpenAiRequestEncoder> out = new ArrayList<>();
        for (String p : List.of("openai", "openrouter", "groq", "ollama")) {
            for (Integer max : java.util.Arrays.asList(null, 300)) {
                Deployment d = new Deployment("a", p, "up/model-\"x\"", null, null, null, null, max, Map.of(), Map.of(),
                        Map.of(), 1, Map.of());
                out.add(new OpenAiRequestEncoder(d, OpenAiFlavor.CORE.get(p)));
            }
        }
        out.add(new OpenAiRequestEncoder(new Deployment("a", "mistral", "m", null, null, null, null, null, Map.of(), Map.of(),
                Map.of(), 1, Map.of()), OpenAiFlavor.of("mistral", null).withoutStreamOptions()));
        // OpenAI's reasoning models take the limit as max_completion_tokens only, whichever name the client used
        out.add(O3);
        return out;
    }

    static final List<String> RELAYABLE = List.of(
            "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            " {\n \"messages\" : [ {\"role\":\"system\",\"content\":\"be brief\"}, {\"role\":\"user\",\"content\":\"h\\u00e9 \\\"q\\\"\"} ],"
                    + " \"model\":\"m\", \"temperature\": 0.2, \"top_p\":1, \"max_tokens\": 64, \"seed\": -7, \"user\": \"u1\","
                    + " \"stop\": [\"\\n\", \"END\"], \"n\": 2, \"logit_bias\": {\"50256\": -100}, \"frequency_penalty\": 0.5 } \n",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is it?\"},"
                    + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\",\"detail\":\"low\"}}]}],\"max_completion_tokens\":9}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},{\"role\":\"assistant\",\"content\":null,"
                    + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":\"{\\\"c\\\":1}\"}}]},"
                    + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"w\",\"description\":\"d\",\"parameters\":{\"type\":\"object\","
                    + "\"properties\":{\"c\":{\"type\":\"integer\"}}},\"strict\":true}}],\"tool_choice\":\"auto\",\"parallel_tool_calls\":false}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"name\":\"ann\"}],\"tool_choice\":"
                    + "{\"type\":\"function\",\"function\":{\"name\":\"f\"}},\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"
                    + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{\"type\":\"object\"}}}}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"metadata\":{\"app\":\"a\"},\"store\":true}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"metadata\":{\"app\":\"a\"}}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":null,\"stop\":[],\"tools\":[],"
                    + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"response_format\":{\"type\":\"json_object\"}}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAA=\","
                    + "\"format\":\"wav\"}},{\"type\":\"file\",\"file\":{\"file_id\":\"f1\"}},{\"type\":\"new_kind\",\"x\":1}]}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"developer\",\"content\":\"\",\"x_extra\":{\"k\":[1,2]}}],\"reasoning_effort\":\"low\"}");

    static final List<String> NOT_RELAYABLE = List.of(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":\"END\"}",
            // Claude's signed thinking is not sent to an OpenAI-style server; an image a tool returned moves to a user turn
            "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":\"x\",\"thinking_blocks\":[{\"type\":\"thinking\","
                    + "\"thinking\":\"t\",\"signature\":\"s\"}]},{\"role\":\"user\",\"content\":\"y\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"shot\"},{\"role\":\"assistant\",\"content\":null,"
                    + "\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                    + "{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
                    + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"lone part\"}]}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":\"x\",\"reasoning_content\":\"r\"},{\"role\":\"user\",\"content\":\"y\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"x\",\"cache_control\":{\"type\":\"ephemeral\"}}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\",\"cache_control\":{\"type\":\"ephemeral\"}},{\"type\":\"text\",\"text\":\"b\"}]}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":\"https://x/y.png\"}]}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":null}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"name\":null}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"function\":{\"name\":\"f\"}}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"x\":1}}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":{\"function\":{\"name\":\"f\"}}}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"text\",\"extra\":1}}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":5,\"max_completion_tokens\":6}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":5.0}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"metadata\":{\"n\":1},\"store\":true}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"metadata\":{\"app\":\"a\",\"trace_id\":\"t\"},\"store\":true}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"content\":\"y\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":1,\"n\":2}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"\\u006e\":1}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"},\"cache_control\":{\"type\":\"ephemeral\"}}]}",
            "\uFEFF{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

    @Test
    void relayedBodiesAreTheCanonicalEncoding() throws Exception {
        int relayed = 0;
        for (String body : RELAYABLE) {
            ChatRequest r = decode(body);
            assertThat(r.relay()).as(body).isNotNull();
            relayed += check(body, r);
        }
        assertThat(relayed).isGreaterThan(RELAYABLE.size() * ENCODERS.size()); // most of them, streamed and not
        // the bench's body goes as it came to OpenAI itself, with only the model replaced
        JsonNode sent = M.readTree(ENCODERS.get(0).relay(decode(RELAYABLE.get(0)), false).getBytes());
        assertThat(sent.toString()).isEqualTo("{\"model\":\"up/model-\\\"x\\\"\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    /**
     * An OpenAI-dialect client's top-level {@code cache_control} (Anthropic's automatic caching) goes only to a service
     * that takes Anthropic's markers (OpenRouter), relayed or encoded; OpenAI and the others are sent no such field (OpenAI
     * answers it with a 400 "Unrecognized request argument supplied", as on a Claude→GPT fallback). Before, the extras
     * loop wrote it to every OpenAI-style upstream.
     */
    @Test
    void aTopLevelCacheControlGoesOnlyWhereTheFlavorForwardsIt() throws Exception {
        ChatRequest r = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"cache_control\":{\"type\":\"ephemeral\"}}");
        for (String p : List.of("openai", "openrouter", "groq", "ollama")) {
            OpenAiRequestEncoder e = new OpenAiRequestEncoder(new Deployment("a", p, "m", null, null, null, null, null, Map.of(),
                    Map.of(), Map.of(), 1, Map.of()), OpenAiFlavor.CORE.get(p));
            for (boolean stream : new boolean[] {false, true}) {
                JsonNode sent = M.readTree(e.chat(r, stream).getBytes());
                assertThat(sent.has("cache_control")).as(p).isEqualTo(p.equals("openrouter"));
                assertThat(sent.at("/messages/0/content").asText()).as(p).isEqualTo("x");
            }
        }
        check("top-level cache_control", r); // where a relay is made, it is the canonical encoding
    }

    @Test
    void bodiesTheEncoderChangesAreNotRelayed() throws Exception {
        for (String body : NOT_RELAYABLE) {
            ChatRequest r;
            try {
                r = decode(body);
            } catch (GatewayException e) {
                continue; // refused at the edge: nothing to relay
            }
            assertThat(r.relay()).as(body).isNull();
            for (OpenAiRequestEncoder e : ENCODERS) assertThat(e.relay(r, false)).as(body).isNull();
        }
    }

    @Test
    void aStoredCompletionsMetadataGoesUpstreamWithoutTheGatewaysOwnKeys() throws Exception {
        ChatRequest r = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"store\":true,"
                + "\"metadata\":{\"app\":\"a\",\"tags\":\"t1,t2\",\"trace_id\":\"tr\",\"session_id\":\"s\",\"generation_name\":\"g\","
                + "\"trace_name\":\"n\",\"guardrails\":\"pii\"}}");
        JsonNode sent = M.readTree(ENCODERS.get(0).chat(r, false).getBytes());
        assertThat(sent.get("metadata").toString()).isEqualTo("{\"app\":\"a\"}");
        ChatRequest onlyOurs = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"store\":true,"
                + "\"metadata\":{\"tags\":\"t1\"}}");
        assertThat(M.readTree(ENCODERS.get(0).chat(onlyOurs, false).getBytes()).has("metadata")).as("nothing left to send").isFalse();
    }

    @Test
    void perDeploymentDifferencesFallBackToTheEncoding() throws Exception {
        ChatRequest plain = decode(RELAYABLE.get(0));
        // a deployment output limit the body lacks: the encoder adds it
        assertThat(ENCODERS.get(1).relay(plain, false)).isNull();
        // max_tokens to OpenAI itself goes as max_tokens; OpenRouter's flavor keeps the client's name too
        ChatRequest maxTokens = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":5}");
        assertThat(ENCODERS.get(0).relay(maxTokens, false)).isNotNull();
        // a carried Gemini signature is cut off a tool-call id
        ChatRequest signed = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":"
                + "\"c__thought__sig\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c__thought__sig\",\"content\":\"ok\"}]}");
        assertThat(signed.relay()).isNotNull();
        assertThat(ENCODERS.get(0).relay(signed, false)).isNull();
        // a stage's change drops the relay: other messages, a stripped control field
        assertThat(plain.withMessages(List.of(Message.text(Role.USER, "other"))).relay()).isNull();
        ChatRequest controls = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"num_retries\":1}");
        assertThat(controls.relay()).isNotNull();
        assertThat(controls.withExtra(Map.of()).relay()).isNull();
        assertThat(controls.withExtra(controls.extra()).relay()).isNotNull();
        assertThat(plain.withExtra(plain.extra()).relay()).isNotNull();
    }

    /**
     * max_tokens to OpenAI's reasoning models (which refuse it: "Use 'max_completion_tokens' instead") is relayed with
     * that one key renamed, the rest of the body byte for byte; a compatible server that knows only max_tokens gets a
     * client's max_completion_tokens renamed the other way.
     */
    @Test
    void theRelayRenamesTheOutputLimitWhereTheServiceTakesTheOtherName() throws Exception {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}], \"max_tokens\" : 100,\"temperature\":1}";
        ChatRequest r = decode(body);
        assertThat(r.relay()).isNotNull();
        for (boolean stream : new boolean[] {false, true}) {
            Buffer relay = O3.relay(r, stream);
            assertThat(relay).as("renamed in place, not re-encoded").isNotNull();
            String sent = relay.toString();
            assertThat(sent).contains(",\"max_completion_tokens\" : 100,").doesNotContain("\"max_tokens\"");
            assertThat(M.readTree(sent).equals(OpenAiRequestRelayTest::compare, M.readTree(O3.canonical(r, stream).getBytes())))
                    .as(sent).isTrue();
        }
        assertThat(M.readTree(O3.chat(r, false).getBytes()).get("max_completion_tokens").asInt()).isEqualTo(100);

        OpenAiRequestEncoder groq = ENCODERS.get(4);
        ChatRequest completion = decode(body.replace("\"max_tokens\"", "\"max_completion_tokens\""));
        String sent = groq.relay(completion, false).toString();
        assertThat(sent).contains(",\"max_tokens\" : 100,").doesNotContain("max_completion_tokens");
        // a client's max_completion_tokens to a reasoning model, and max_tokens to gpt-4o, go as written
        assertThat(O3.relay(completion, false).toString()).contains("\"max_completion_tokens\" : 100");
        assertThat(ENCODERS.get(0).relay(r, false).toString()).contains("\"max_tokens\" : 100");
    }

    /**
     * An Azure deployment named by its user is a reasoning model by its model_info.base_model, or by LiteLLM's
     * o_series/ marker (stripped from the model member): the relay renames max_tokens for it as for o3-mini, and
     * stays JSON-equal to the canonical encoding (review finding 4).
     */
    @Test
    void theRelayRenamesTheOutputLimitForAnAzureReasoningDeploymentNamedByItsUser() throws Exception {
        ChatRequest r = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":100}");
        for (Deployment d : List.of(
                new Deployment("a", "azure", "my-o3", null, null, null, null, null, Map.of(), Map.of(),
                        Map.of("base_model", "azure/o3-mini"), 1, Map.of()),
                new Deployment("a", "azure", "o_series/my-o3", null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1, Map.of()))) {
            OpenAiRequestEncoder azure = new OpenAiRequestEncoder(d, OpenAiFlavor.CORE.get("openai"));
            for (boolean stream : new boolean[] {false, true}) {
                Buffer relay = azure.relay(r, stream);
                assertThat(relay).as(d.model()).isNotNull();
                JsonNode sent = M.readTree(relay.getBytes());
                assertThat(sent.get("max_completion_tokens").asInt()).as(d.model()).isEqualTo(100);
                assertThat(sent.has("max_tokens")).isFalse();
                assertThat(sent.get("model").asText()).isEqualTo("my-o3");
                assertThat(sent.equals(OpenAiRequestRelayTest::compare, M.readTree(azure.canonical(r, stream).getBytes()))).isTrue();
            }
        }
    }

    /** Random bodies from pieces the canonical path keeps and pieces it changes, in random order and spacing. */
    @Test
    void randomBodies() throws Exception {
        Random rnd = new Random(15);
        int decoded = 0, marked = 0, compared = 0, missed = 0;
        for (int n = 0; n < 3000; n++) {
            String body = randomBody(rnd);
            ChatRequest r;
            try {
                r = decode(body);
            } catch (GatewayException e) {
                continue;
            }
            decoded++;
            if (r.relay() != null) {
                marked++;
                compared += check(body, r);
            } else if (sameModuloProviderFields(body, r)) {
                missed++; // the canonical encoding equals the body, but the shape check was stricter: allowed, counted
            }
        }
        System.out.printf("random bodies: %d decoded, %d relayable, %d relayed encodings compared, %d conservative%n",
                decoded, marked, compared, missed);
        assertThat(decoded).isGreaterThan(1000);
        assertThat(marked).isGreaterThan(decoded / 10);
        assertThat(marked).isLessThan(decoded);
    }

    /**
     * LiteLLM's {@code reasoning_effort: "default"} (the model's own effort) is left out of the body for a service that
     * does not take the word (OpenAI answers 400 to it), relayed or encoded, and reaches Groq (whose Qwen 3 models take
     * {@code none} and {@code default}) as written, by the relay; every other field goes as before.
     */
    @Test
    void litellmsDefaultEffortIsLeftOutWhereTheServiceDoesNotTakeIt() throws Exception {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"reasoning_effort\":\"default\",\"n\":2}";
        ChatRequest r = decode(body);
        assertThat(r.relay()).isNotNull();
        for (int i = 0; i < ENCODERS.size(); i++) {
            OpenAiRequestEncoder e = ENCODERS.get(i);
            boolean groq = i == 4 || i == 5; // openai ×2, openrouter ×2, then groq (without and with a deployment limit)
            for (boolean stream : new boolean[] {false, true}) {
                JsonNode sent = M.readTree(e.chat(r, stream).getBytes());
                assertThat(sent.get("n").asInt()).isEqualTo(2);
                if (groq) {
                    assertThat(sent.get("reasoning_effort").asText()).isEqualTo("default");
                } else {
                    assertThat(sent.has("reasoning_effort")).as(i + ": " + sent).isFalse();
                    assertThat(e.relay(r, stream)).isNull();
                }
            }
        }
        assertThat(ENCODERS.get(4).relay(r, false)).as("Groq: relayed as written").isNotNull();
        check(body, r); // whatever is relayed is the canonical encoding
        // another effort is sent everywhere, as before
        ChatRequest low = decode(body.replace("\"default\"", "\"low\""));
        for (OpenAiRequestEncoder e : ENCODERS) assertThat(M.readTree(e.chat(low, false).getBytes()).get("reasoning_effort").asText()).isEqualTo("low");
    }

    /** Every relay of {@code r} JSON-equal to the canonical encoding; returns how many relays there were. */
    private static int check(String body, ChatRequest r) throws Exception {
        int relays = 0;
        for (OpenAiRequestEncoder e : ENCODERS) {
            for (boolean stream : new boolean[] {false, true}) {
                Buffer relay = e.relay(r, stream);
                if (relay == null) continue;
                relays++;
                JsonNode canonical = M.readTree(e.canonical(r, stream).getBytes());
                JsonNode sent = M.readTree(relay.getBytes());
                assertThat(sent.equals(OpenAiRequestRelayTest::compare, canonical))
                        .as("%s (stream %s)%n relayed   %s%n canonical %s", body, stream, sent, canonical).isTrue();
                assertThat(keys(relay.getBytes())).as(body).isEqualTo(count(sent)); // no key twice on the wire
            }
        }
        return relays;
    }

    /** Numbers by value (the encoder writes temperature 1 as 1.0), everything else exactly. */
    private static int compare(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            if (a.isIntegralNumber() && b.isIntegralNumber()) return a.bigIntegerValue().compareTo(b.bigIntegerValue());
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return a.equals(b) ? 0 : 1;
    }

    private static boolean sameModuloProviderFields(String body, ChatRequest r) throws Exception {
        OpenAiRequestEncoder e = ENCODERS.get(0);
        ObjectNode original = (ObjectNode) M.readTree(body);
        ObjectNode canonical = (ObjectNode) M.readTree(e.canonical(r, false).getBytes());
        original.remove(List.of("model", "stream", "stream_options"));
        canonical.remove("model");
        return original.equals(OpenAiRequestRelayTest::compare, canonical);
    }

    private static int keys(byte[] json) {
        int n = 0;
        boolean inString = false;
        for (int i = 0; i < json.length; i++) {
            if (inString) {
                if (json[i] == '\\') i++;
                else if (json[i] == '"') inString = false;
            } else if (json[i] == '"') inString = true;
            else if (json[i] == ':') n++;
        }
        return n;
    }

    private static int count(JsonNode n) {
        int c = n.isObject() ? n.size() : 0;
        for (JsonNode x : n) c += count(x);
        return c;
    }

    private static ChatRequest decode(String body) {
        return DECODER.chat(Buffer.buffer(body));
    }

    private static final String[] MESSAGES = {
        "{\"role\":\"user\",\"content\":\"hi\"}",
        "{\"role\":\"system\",\"content\":\"s\",\"name\":\"n\"}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"only\"}]}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AA\"}}]}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://a/b\",\"detail\":null}}]}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\",\"extra\":1},{\"type\":\"text\",\"text\":\"b\"}]}",
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}",
        "{\"role\":\"assistant\",\"content\":\"x\",\"tool_calls\":[]}",
        "{\"role\":\"assistant\",\"content\":\"x\",\"refusal\":\"no\"}",
        "{\"role\":\"assistant\",\"content\":\"x\",\"reasoning_content\":\"r\"}",
        "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"ok\"}",
        "{\"role\":\"user\",\"content\":\"x\",\"cache_control\":{\"type\":\"ephemeral\"}}",
        "{\"role\":\"user\",\"content\":\"x\",\"weird\":[true,null]}",
        "{\"role\":\"user\",\"content\":\"x\",\"role\":\"system\"}",
        "{\"role\":\"user\"}",
    };

    private static final String[] MEMBERS = {
        "\"temperature\":0.7", "\"temperature\":1", "\"temperature\":null", "\"top_p\":0.95", "\"max_tokens\":100",
        "\"max_tokens\":100.0", "\"max_completion_tokens\":50", "\"stop\":\"x\"", "\"stop\":[\"a\",\"b\"]", "\"stop\":[]",
        "\"seed\":42", "\"seed\":null", "\"user\":\"u\"", "\"stream\":true", "\"stream\":false",
        "\"stream_options\":{\"include_usage\":true}", "\"n\":1", "\"logprobs\":true", "\"extra_body\":{\"a\":1}",
        "\"metadata\":{\"k\":\"v\"}", "\"metadata\":{}", "\"store\":true", "\"parallel_tool_calls\":true",
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]",
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":null}}]", "\"tools\":[]",
        "\"tool_choice\":\"required\"", "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}",
        "\"response_format\":{\"type\":\"json_object\"}", "\"response_format\":{\"type\":\"text\",\"json_schema\":{\"name\":\"x\"}}",
        "\"fallbacks\":[\"b\"]", "\"presence_penalty\":-0.5", "\"n\":3",
    };

    private static String randomBody(Random rnd) {
        List<String> members = new ArrayList<>();
        members.add("\"model\":\"m\"");
        StringBuilder msgs = new StringBuilder("\"messages\":[");
        int count = 1 + rnd.nextInt(3);
        for (int i = 0; i < count; i++) {
            // mostly the shapes that keep, so that the relayed side gets many bodies
            String m = MESSAGES[rnd.nextInt(4) == 0 ? rnd.nextInt(MESSAGES.length) : rnd.nextInt(2)];
            msgs.append(i == 0 ? "" : ",").append(m);
        }
        members.add(msgs.append(']').toString());
        int extra = rnd.nextInt(5);
        for (int i = 0; i < extra; i++) members.add(MEMBERS[rnd.nextInt(MEMBERS.length)]);
        Collections.shuffle(members, rnd);
        String sep = rnd.nextBoolean() ? "," : " ,\n ";
        return (rnd.nextBoolean() ? "" : " ") + "{" + String.join(sep, members) + "}";
    }
}
