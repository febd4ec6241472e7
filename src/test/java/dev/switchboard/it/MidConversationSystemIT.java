package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Anthropic's mid-conversation system messages ({@code {"role": "system"}} after the first turn), which Claude Code
 * (2.1.197) sends on every request to a model name it does not know, such as a gateway alias: before, the gateway refused
 * them in words Claude Code does not fall back on ("messages.1.role: Input should be 'user' or 'assistant'"), so every
 * Claude Code session through an alias failed on its first request.
 */
@ExtendWith(GatewayPerClass.class)
class MidConversationSystemIT {
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mid-conversation-system-");
        dir.toFile().deleteOnExit();
        gw = TestGateway.start(sim -> {
            java.nio.file.Path file = dev.switchboard.support.ServiceAccount.trustedFile(sim, dir);
            return """
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, ${SIM_OPENAI} }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, ${SIM_ANTHROPIC} }
                  - model_name: opus
                    litellm_params: { model: anthropic/claude-opus-4-8, ${SIM_ANTHROPIC} }
                  - model_name: mistral
                    litellm_params: { model: mistral/mistral-small-latest, api_base: "${SIM_ROOT}/quirks/mistral/v1", api_key: sk-mi-test-9f8e7d6c }
                  - model_name: vllm
                    litellm_params: { model: hosted_vllm/Qwen/Qwen3-8B, ${SIM_OPENAI} }
                  - model_name: gemini
                    litellm_params: { model: gemini/gemini-2.5-flash, ${SIM_GEMINI} }
                  - model_name: bedrock
                    litellm_params: { model: bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0, ${SIM_BEDROCK} }
                  - model_name: vopus
                    litellm_params: { model: vertex_ai/claude-opus-4-8@20260521, vertex_location: us-east5, vertex_credentials: %s, api_base: "${SIM_ROOT}" }
                  - model_name: vclaude
                    litellm_params: { model: vertex_ai/claude-sonnet-4-5@20250929, vertex_location: us-east5, vertex_credentials: %1$s, api_base: "${SIM_ROOT}" }
                """.formatted(file) + TestGateway.NO_RETRIES_MASTER_KEY;
        }, java.util.Map.of());
    }

    /** Claude Code's shape: a user turn, then a system message (a string) with notes for the model. */
    private static String body(String model, String messagesAfterFirst) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":200,\"system\":\"You are terse.\",\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"say hi\"}]}" + messagesAfterFirst + "]}";
    }

    private static final String NOTE = ",{\"role\":\"system\",\"content\":\"Available agent types: none.\"}";

    /**
     * An {@code openai/} entry whose base is not OpenAI's own host (here the simulator; in use a vLLM or a proxy named by
     * {@code api_base} or {@code OPENAI_API_BASE}) gets the note folded into the user turn before it, as the other
     * compatible servers do: only OpenAI's own endpoint keeps it in place (OpenAiRequestEncoderTest).
     */
    @Test
    void anOpenAiEntryOnAnotherHostGetsItFoldedIntoTheUserTurn() {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body("gpt", NOTE));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonArray("content").getJsonObject(0).getString("text")).contains("say hi");
        JsonArray sent = gw.simulator.last().body().getJsonArray("messages");
        assertThat(sent.stream().map(m -> ((JsonObject) m).getString("role")).toList()).containsExactly("system", "user");
        assertThat(sent.getJsonObject(1).encode()).contains("say hi").contains("Available agent types: none.");
    }

    /**
     * Gemini and Bedrock get the note in the user turn before it, as the OpenAI-compatible servers do: joined to their
     * system prompt (as before), it changed the prompt's very start whenever a note came or changed, and their prompt
     * caches (Gemini's implicit and explicit caches, Bedrock's cachePoints) missed the whole conversation from then on.
     * The system prompt now stays byte for byte the same across a conversation's turns.
     */
    @Test
    void geminiAndBedrockGetItInTheUserTurnAndTheirSystemPromptStaysTheSameAcrossTurns() {
        String turn2 = ",{\"role\":\"assistant\",\"content\":\"hello\"},{\"role\":\"user\",\"content\":\"again\"}"
                + NOTE.replace("none.", "Explore.");
        for (String[] c : new String[][] {{"gemini", "systemInstruction", "contents"}, {"bedrock", "system", "messages"}}) {
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body(c[0], NOTE));
            assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(200);
            JsonObject first = gw.simulator.last().body();
            r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body(c[0], NOTE + turn2));
            assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(200);
            JsonObject second = gw.simulator.last().body();
            assertThat(first.getValue(c[1]).toString()).as(c[0]).contains("You are terse.").doesNotContain("Available agent types")
                    .isEqualTo(second.getValue(c[1]).toString());
            JsonArray turns = second.getJsonArray(c[2]);
            assertThat(turns.getJsonObject(0).encode()).as(c[0]).contains("say hi")
                    .contains("<system-reminder>\\nAvailable agent types: none.\\n</system-reminder>");
            assertThat(turns.getJsonObject(turns.size() - 1).encode()).as(c[0]).contains("again")
                    .contains("<system-reminder>\\nAvailable agent types: Explore.\\n</system-reminder>");
            assertThat(turns.getJsonObject(0).encode()).as(c[0] + ": the first turn as in the first request")
                    .isEqualTo(first.getJsonArray(c[2]).getJsonObject(0).encode());
        }
    }

    /**
     * Claude Code's tool loop: the user turns after the first are tool results only (TOOL messages once decoded), each
     * followed by a system note. The note goes in the turn of its own tool result, after it, and the notes keep their
     * order; before, each went to the last human text turn ("fix the bug", many rounds back), the later note first, so
     * that first turn changed on every round and the provider's prefix cache missed from there on.
     */
    @Test
    void inAToolLoopEachNoteFollowsItsOwnToolResultAndEarlierTurnsStayTheSame() {
        String round1 = ",{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_A\",\"name\":\"read\","
                + "\"input\":{\"path\":\"a\"}}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_A\","
                + "\"content\":\"result A\"}]},{\"role\":\"system\",\"content\":\"note one\"}";
        String round2 = round1.replace("toolu_A", "toolu_B").replace("result A", "result B").replace("note one", "note two")
                .replace("\"a\"}", "\"b\"}");
        String tools = ",\"tools\":[{\"name\":\"read\",\"description\":\"Reads a file\",\"input_schema\":{\"type\":\"object\","
                + "\"properties\":{\"path\":{\"type\":\"string\"}}}}]}";
        for (String[] c : new String[][] {{"gemini", "contents"}, {"bedrock", "messages"}}) {
            String one = body(c[0], round1);
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                    one.substring(0, one.length() - 1) + tools);
            assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(200);
            JsonArray first = gw.simulator.last().body().getJsonArray(c[1]);
            String two = body(c[0], round1 + round2);
            r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, two.substring(0, two.length() - 1) + tools);
            assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(200);
            JsonArray second = gw.simulator.last().body().getJsonArray(c[1]);
            assertThat(second.size()).as(c[0] + ": " + second.encode()).isEqualTo(5);
            assertThat(second.getJsonObject(0).encode()).as(c[0]).contains("say hi").doesNotContain("system-reminder");
            String resultA = second.getJsonObject(2).encode();
            String resultB = second.getJsonObject(4).encode();
            assertThat(resultA).as(c[0]).contains("result A").contains("note one").doesNotContain("note two");
            assertThat(resultA.indexOf("note one")).as(c[0] + ": after its result").isGreaterThan(resultA.indexOf("result A"));
            assertThat(resultB).as(c[0]).contains("result B").contains("note two").doesNotContain("note one");
            assertThat(resultB.indexOf("note two")).as(c[0] + ": after its result").isGreaterThan(resultB.indexOf("result B"));
            for (int i = 0; i < first.size(); i++) {
                assertThat(second.getJsonObject(i).encode()).as(c[0] + ": turn " + i + " as in the first request")
                        .isEqualTo(first.getJsonObject(i).encode());
            }
        }
    }

    /**
     * An OpenAI client's mid-conversation {@code system} and {@code developer} messages (after the first non-system one)
     * are folded as an Anthropic client's are: before, they joined Gemini's systemInstruction and Bedrock's system prompt,
     * whose start then changed with every new note, so the provider's prefix cache missed the whole conversation.
     */
    @Test
    void anOpenAiClientsLaterSystemAndDeveloperMessagesAreFoldedInOrderToo() {
        String messages = "[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"say hi\"},"
                + "{\"role\":\"system\",\"content\":\"note one\"},{\"role\":\"developer\",\"content\":\"note two\"},"
                + "{\"role\":\"assistant\",\"content\":\"hello\"},{\"role\":\"user\",\"content\":\"again\"},"
                + "{\"role\":\"developer\",\"content\":\"note three\"}]";
        for (String[] c : new String[][] {{"gemini", "systemInstruction", "contents"}, {"bedrock", "system", "messages"}}) {
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"" + c[0] + "\",\"max_tokens\":200,\"messages\":" + messages + "}");
            assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(200);
            JsonObject sent = gw.simulator.last().body();
            assertThat(sent.getValue(c[1]).toString()).as(c[0]).contains("You are terse.").doesNotContain("note");
            JsonArray turns = sent.getJsonArray(c[2]);
            String first = turns.getJsonObject(0).encode();
            assertThat(first).as(c[0]).contains("say hi").contains("<system-reminder>\\nnote one\\n</system-reminder>")
                    .contains("<system-reminder>\\nnote two\\n</system-reminder>").doesNotContain("note three");
            assertThat(first.indexOf("note one")).as(c[0] + ": order kept").isLessThan(first.indexOf("note two"));
            assertThat(turns.getJsonObject(turns.size() - 1).encode()).as(c[0]).contains("again")
                    .contains("<system-reminder>\\nnote three\\n</system-reminder>");
        }
    }

    /**
     * An OpenAI client's leading developer and system messages are its system prompt; one whose only system message comes
     * after the first turns ([user, assistant, system, user]) keeps it as the system prompt too — folded as a note, the
     * conversation went without one.
     */
    @Test
    void anOpenAiClientsLeadingOrOnlySystemMessagesStayTheSystemPrompt() {
        String leading = "[{\"role\":\"developer\",\"content\":\"Rule one.\"},{\"role\":\"system\",\"content\":\"Rule two.\"},"
                + "{\"role\":\"user\",\"content\":\"say hi\"}]";
        String late = "[{\"role\":\"user\",\"content\":\"say hi\"},{\"role\":\"assistant\",\"content\":\"hello\"},"
                + "{\"role\":\"system\",\"content\":\"Rule one. Rule two.\"},{\"role\":\"user\",\"content\":\"again\"}]";
        for (String messages : new String[] {leading, late}) {
            for (String[] c : new String[][] {{"gemini", "systemInstruction", "contents"}, {"bedrock", "system", "messages"}}) {
                HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/chat/completions", TestGateway.MASTER_KEY,
                        "{\"model\":\"" + c[0] + "\",\"max_tokens\":200,\"messages\":" + messages + "}");
                assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(200);
                JsonObject sent = gw.simulator.last().body();
                assertThat(String.valueOf(sent.getValue(c[1]))).as(c[0] + " " + messages).contains("Rule one.").contains("Rule two.");
                assertThat(sent.getJsonArray(c[2]).encode()).as(c[0]).doesNotContain("Rule").doesNotContain("system-reminder");
            }
        }
    }

    /**
     * Claude gets the body as the client wrote it: Opus 4.8 takes the message; an older Claude refuses it in the API's
     * words, which reach the client unchanged (Claude Code retries then with the notes in the user turn).
     */
    @Test
    void claudeGetsTheBodyAsWrittenAndAnOlderClaudesRefusalReachesTheClient() {
        HttpResponse<String> ok = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body("opus", NOTE));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(1).getString("role")).isEqualTo("system");
        HttpResponse<String> old = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body("claude", NOTE));
        assertThat(old.statusCode()).as(old.body()).isEqualTo(400);
        assertThat(new JsonObject(old.body()).getJsonObject("error").getString("message"))
                .isEqualTo("role 'system' is not supported on this model");
    }

    /**
     * Claude on Vertex gets the raw body as Anthropic's API does (rawPredict takes the Messages body but for {@code model},
     * which the URL names, and {@code anthropic_version} in the body): the system message stays at its place, Opus 4.8
     * takes it, and an older Claude's refusal reaches the client in the API's words, on which Claude Code falls back
     * (the simulator's Vertex endpoint plays the same model as Anthropic's).
     */
    @Test
    void claudeOnVertexGetsTheBodyAsAnthropicsDoes() {
        HttpResponse<String> ok = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body("vopus", NOTE));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(gw.simulator.last().path()).endsWith("/publishers/anthropic/models/claude-opus-4-8@20260521:rawPredict");
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getString("anthropic_version")).isEqualTo("vertex-2023-10-16");
        assertThat(sent.containsKey("model")).isFalse();
        assertThat(sent.getJsonArray("messages").getJsonObject(1))
                .isEqualTo(new JsonObject().put("role", "system").put("content", "Available agent types: none."));
        assertThat(sent.getString("system")).isEqualTo("You are terse.");
        String streamed = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                body("vopus", NOTE).replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"")).body();
        assertThat(streamed).contains("message_stop");
        assertThat(gw.simulator.last().path()).endsWith(":streamRawPredict");
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(1).getString("role")).isEqualTo("system");
        HttpResponse<String> old = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body("vclaude", NOTE));
        assertThat(old.statusCode()).as(old.body()).isEqualTo(400);
        assertThat(new JsonObject(old.body()).getJsonObject("error").getString("message"))
                .isEqualTo("role 'system' is not supported on this model");
    }

    @Test
    void countTokensTakesItToo() {
        String body = body("gpt", NOTE).replace("\"max_tokens\":200,", "");
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages/count_tokens", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getInteger("input_tokens")).isPositive();
    }

    /**
     * An OpenAI-compatible server other than OpenAI's gets the note in the user turn before it, as Claude Code itself
     * writes it for a Claude that takes none: Mistral refuses a conversation ending in a system message (the simulator
     * answers its 400), and vLLM's and Ollama's chat templates often refuse one that is not first.
     */
    @Test
    void otherOpenAiStyleServersGetItFoldedIntoTheUserTurnBeforeIt() {
        for (String alias : new String[] {"mistral", "vllm"}) {
            gw.simulator.reset();
            String history = ",{\"role\":\"assistant\",\"content\":\"hello\"},{\"role\":\"user\",\"content\":\"again\"}" + NOTE;
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body(alias, history));
            assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
            JsonArray sent = gw.simulator.last().body().getJsonArray("messages");
            assertThat(sent.stream().map(m -> ((JsonObject) m).getString("role")).toList()).as(alias)
                    .containsExactly("system", "user", "assistant", "user");
            assertThat(sent.getJsonObject(3).encode()).as(alias).contains("again")
                    .contains("<system-reminder>\\nAvailable agent types: none.\\n</system-reminder>");
            assertThat(sent.getJsonObject(1).encode()).doesNotContain("Available agent types");
        }
    }

    /**
     * No stricter than Anthropic's API, which an {@code anthropic/} alias gets the body of unchanged: a system message
     * first, the directive-only form ({@code content: []} with {@code output_config}) and the beta's tool blocks.
     */
    @Test
    void claudeGetsEveryFormTheApiTakes() {
        String first = "{\"model\":\"opus\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, first);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getString("role")).isEqualTo("system");
        r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body("opus", DIRECTIVE));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(1).getJsonObject("output_config").encode())
                .contains("low");
        r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body("opus", TOOL_ADDITION),
                "anthropic-beta", "mid-conversation-tool-changes-2026-07-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(1).encode()).contains("tool_addition");
    }

    private static final String DIRECTIVE = ",{\"role\":\"system\",\"content\":[],\"output_config\":{\"effort\":\"low\"}}";
    private static final String TOOL_ADDITION = ",{\"role\":\"system\",\"content\":[{\"type\":\"tool_addition\",\"tool\":"
            + "{\"name\":\"get_time\",\"input_schema\":{\"type\":\"object\"}}}]}";

    /** Those forms have no translation: refused for any other provider, naming the field, before any call. */
    @Test
    void theApisOwnFormsAreRefusedForOtherProvidersNamingTheField() {
        String[][] cases = {{"gpt", TOOL_ADDITION, "messages.1.content.0"}, {"gemini", DIRECTIVE, "messages.1.content"},
                {"mistral", TOOL_ADDITION, "messages.1.content.0"}, {"gpt", DIRECTIVE, "messages.1.content"}};
        for (String[] c : cases) {
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body(c[0], c[1]));
            assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).as(c[0]).startsWith(c[2] + ":");
        }
        assertThat(gw.simulator.received()).as("refused before any call").isEmpty();
    }

    @Test
    void aFirstSystemMessageIsASystemPromptForOtherProviders() {
        String first = "{\"model\":\"gpt\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, first);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).encode()).contains("system").contains("be brief");
    }

    @Test
    void otherRolesAreStillAnthropics400() {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body("gpt", ",{\"role\":\"tool\",\"content\":\"x\"}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("messages.1.role: Input should be 'user', 'assistant' or 'system'");
        assertThat(gw.simulator.received()).as("refused before routing").isEmpty();
    }
}
