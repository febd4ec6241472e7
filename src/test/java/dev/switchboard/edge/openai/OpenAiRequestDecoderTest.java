package dev.switchboard.edge.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class OpenAiRequestDecoderTest {
    private final OpenAiRequestDecoder decoder = new OpenAiRequestDecoder();

    private ChatRequest chat(String messages) {
        return decoder.chat(Buffer.buffer("{\"model\":\"m\",\"messages\":" + messages + "}"));
    }

    @Test
    void unknownMessageFieldsAreKeptAsSent() {
        Message m = chat("[{\"role\":\"assistant\",\"content\":\"Once\",\"prefix\":true,\"audio\":{\"id\":\"a_1\"}}]").messages().get(0);
        assertThat(m.extra()).isNotNull();
        assertThat(m.extra().get("prefix").booleanValue()).isTrue();
        assertThat(m.extra().get("audio").get("id").textValue()).isEqualTo("a_1");
    }

    @Test
    void unknownPartFieldsAreKeptAsSentAndAPartWithoutAnyHasNone() {
        Message m = chat("""
                [{"role":"user","content":[{"type":"text","text":"a","x_custom":{"k":1}},{"type":"text","text":"b"},
                 {"type":"text","text":"c","cache_control":{"type":"ephemeral"}},
                 {"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"low"},"z":"img"}],
                 "cache_control":{"type":"ephemeral","ttl":"1h"}}]""").messages().get(0);
        ContentPart.Text a = (ContentPart.Text) m.content().get(0);
        assertThat(a.extra().toString()).isEqualTo("{\"x_custom\":{\"k\":1}}");
        assertThat(((ContentPart.Text) m.content().get(1)).extra()).isNull();
        assertThat(((ContentPart.Text) m.content().get(2)).extra()).as("a modelled field is no extra").isNull();
        ContentPart.Image i = (ContentPart.Image) m.content().get(3);
        assertThat(i.extra().toString()).isEqualTo("{\"z\":\"img\"}");
        assertThat(i.cacheControl().get("ttl").textValue()).as("the message's marker moved onto it").isEqualTo("1h");
        assertThat(i.withCacheControl(null).extra()).as("kept when the marker changes").isEqualTo(i.extra());
    }

    @Test
    void aMessageWithOnlyKnownFieldsHasNoExtra() {
        Message m = chat("[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"ann\"}]").messages().get(0);
        assertThat(m.extra()).isNull();
        assertThat(m.name()).isEqualTo("ann");
    }

    @Test
    void messageLevelCacheControlMovesToTheLastPart() {
        Message m = chat("[{\"role\":\"system\",\"content\":\"stable\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]")
                .messages().get(0);
        assertThat(m.extra()).as("consumed, not duplicated").isNull();
        ContentPart.Text t = (ContentPart.Text) m.content().get(0);
        assertThat(t.cacheControl().get("ttl").textValue()).isEqualTo("1h");

        Message parts = chat("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}],"
                + "\"cache_control\":{\"type\":\"ephemeral\"}}]").messages().get(0);
        assertThat(((ContentPart.Text) parts.content().get(0)).cacheControl()).isNull();
        assertThat(((ContentPart.Text) parts.content().get(1)).cacheControl()).isNotNull();
    }

    @Test
    void aPartsOwnCacheControlWinsOverTheMessages() {
        Message m = chat("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"5m\"}}],"
                + "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]").messages().get(0);
        assertThat(((ContentPart.Text) m.content().get(0)).cacheControl().get("ttl").textValue()).isEqualTo("5m");
        assertThat(m.extra().has("cache_control")).as("left as the client sent it").isTrue();
    }

    @Test
    void fileAndAudioPartsAreTypedAndRememberWhereTheyWere() {
        Message m = chat("""
                [{"role":"user","content":[{"type":"text","text":"read"},
                 {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERg=="},"x":1},
                 {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
                 {"type":"video_url","video_url":{"url":"https://example.com/v.mp4"}}]}]""").messages().get(0);
        ContentPart.File f = (ContentPart.File) m.content().get(1);
        assertThat(f.filename()).isEqualTo("a.pdf");
        assertThat(f.fileData()).startsWith("data:application/pdf;base64,");
        assertThat(f.fileId()).isNull();
        assertThat(f.param()).isEqualTo("messages[0].content[1]");
        assertThat(f.raw().get("x").intValue()).as("the raw part is kept whole for OpenAI-compatible upstreams").isEqualTo(1);
        ContentPart.Audio a = (ContentPart.Audio) m.content().get(2);
        assertThat(a.format()).isEqualTo("wav");
        assertThat(a.param()).isEqualTo("messages[0].content[2]");
        assertThat(((ContentPart.Other) m.content().get(3)).param()).isEqualTo("messages[0].content[3]");
    }

    @Test
    void aNestedBooleanOfTheWrongTypeIsNamedByItsFullPath() {
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertThatThrownBy(() -> decoder.chat(Buffer.buffer("{\"model\":\"m\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":\"yes\"}," + msgs + "}")))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.param()).isEqualTo("stream_options.include_usage");
                    assertThat(e.getMessage()).contains("'stream_options.include_usage'");
                });
        assertThatThrownBy(() -> decoder.chat(Buffer.buffer("{\"model\":\"m\",\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"strict\":1}}]," + msgs + "}")))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.param()).isEqualTo("tools[0].function.strict"));
    }

    @Test
    void malformedFileAndAudioPartsNameTheField() {
        assertThatThrownBy(() -> chat("[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":\"x\"}]}]"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.param()).isEqualTo("messages[0].content[0].file"));
        assertThatThrownBy(() -> chat("[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"file_id\":7}}]}]"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.param()).isEqualTo("messages[0].content[0].file.file_id"));
        assertThatThrownBy(() -> chat("[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AA==\"}}]}]"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.param()).isEqualTo("messages[0].content[0].input_audio.format"));
    }

    /**
     * Every field whose error location is now joined only when the error is thrown (not for every message): each
     * message and param exactly as the eagerly built paths gave them.
     */
    @Test
    void eachMessageFieldsErrorNamesItsExactLocation() {
        String[][] cases = {
                {"[{\"content\":\"x\"}]", "Missing required parameter: 'messages[0].role'.", "messages[0].role"},
                {"[{\"role\":\"user\",\"content\":\"x\"},{\"role\":1,\"content\":\"x\"}]",
                        "Invalid type for 'messages[1].role': expected a string, but got an integer instead.", "messages[1].role"},
                {"[{\"role\":\"tool\",\"content\":\"x\",\"tool_call_id\":true}]",
                        "Invalid type for 'messages[0].tool_call_id': expected a string, but got a boolean instead.", "messages[0].tool_call_id"},
                {"[{\"role\":\"user\",\"content\":\"x\",\"name\":[]}]",
                        "Invalid type for 'messages[0].name': expected a string, but got an array instead.", "messages[0].name"},
                {"[{\"role\":\"assistant\",\"content\":\"x\",\"reasoning_content\":{}}]",
                        "Invalid type for 'messages[0].reasoning_content': expected a string, but got an object instead.", "messages[0].reasoning_content"},
                {"[{\"role\":\"assistant\",\"content\":\"x\",\"refusal\":2.5}]",
                        "Invalid type for 'messages[0].refusal': expected a string, but got a decimal number instead.", "messages[0].refusal"},
                {"[{\"role\":\"user\",\"content\":[{\"text\":\"a\"}]}]",
                        "Missing required parameter: 'messages[0].content[0].type'.", "messages[0].content[0].type"},
                {"[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":null}]}]",
                        "Missing required parameter: 'messages[0].content[1].text'.", "messages[0].content[1].text"},
                {"[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":{}}]",
                        "'messages[0].tool_calls' must be an array.", "messages[0].tool_calls"},
                {"[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"f\"}}]}]",
                        "Missing required parameter: 'messages[0].tool_calls[0].id'.", "messages[0].tool_calls[0].id"},
                {"[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":7}}]}]",
                        "Invalid type for 'messages[0].tool_calls[0].function.name': expected a string, but got an integer instead.",
                        "messages[0].tool_calls[0].function.name"},
                {"[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":{}}}]}]",
                        "Invalid type for 'messages[0].tool_calls[0].function.arguments': expected a string, but got an object instead.",
                        "messages[0].tool_calls[0].function.arguments"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> chat(c[0])).as(c[0]).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.getMessage()).isEqualTo(c[1]);
                assertThat(e.param()).isEqualTo(c[2]);
            });
        }
        Message m = chat("[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":null}]").messages().get(0);
        assertThat(m.toolCalls()).as("a null tool_calls is no calls, as before").isEmpty();
    }

    /**
     * OpenAI answers a chat call's absent field with code {@code missing_required_parameter} (a chat call without
     * {@code messages}, a part without its {@code type}, a tool without its {@code function}); the chat decoder sent
     * a null code. A missing {@code model} is OpenAI's other error
     * ({@link #modelAndMessagesErrorsAreOpenAisWords}).
     */
    @Test
    void chatMissingParametersCarryOpenAisCode() {
        String[][] cases = {
                {"{\"model\":\"m\"}", "messages"},
                {"{\"model\":\"m\",\"messages\":null}", "messages"},
                {"{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}", "messages[0].role"},
                {"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"a\"}]}]}", "messages[0].content[0].type"},
                {"{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "messages[0].tool_call_id"},
                {"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\"}]}",
                        "tools[0].function"},
                {"{\"model\":\"m\",\"messages\":[{\"role\":\"function\",\"content\":\"x\"}]}", "messages[0].name"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> decoder.chat(Buffer.buffer(c[0]))).as(c[0]).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.getMessage()).isEqualTo("Missing required parameter: '" + c[1] + "'.");
                assertThat(e.param()).isEqualTo(c[1]);
                assertThat(e.code()).isEqualTo("missing_required_parameter");
            });
        }
    }

    /**
     * OpenAI's own words where we know them: a call without {@code model} is "you must provide a model parameter" with
     * a null param and code (quoted from OpenAI's answers in lss233/kirara-ai#800 and danielmiessler/Fabric#239), chat
     * and embeddings alike; {@code messages} of another type is "Invalid type for 'messages': expected an array of
     * objects, but got a string instead." ({@code invalid_type}); an empty one "Invalid 'messages': empty array. …"
     * ({@code empty_array}, CopilotKit/CopilotKit#529). Before: "Missing required parameter: 'model'." with param
     * {@code model}, "'messages' must be an array of message objects." and "… must contain at least one message.",
     * code null.
     */
    @Test
    void modelAndMessagesErrorsAreOpenAisWords() {
        String[] noModel = {"{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "{\"model\":null,\"messages\":[]}"};
        for (String body : noModel) {
            assertThatThrownBy(() -> decoder.chat(Buffer.buffer(body))).as(body).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.getMessage()).isEqualTo("you must provide a model parameter");
                assertThat(e.param()).isNull();
                assertThat(e.code()).isNull();
            });
        }
        assertThatThrownBy(() -> decoder.embeddings(Buffer.buffer("{\"input\":\"x\"}"))).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("you must provide a model parameter");
            assertThat(e.param()).isNull();
            assertThat(e.code()).isNull();
        });
        String[][] messages = {
                {"\"hi\"", "Invalid type for 'messages': expected an array of objects, but got a string instead.", "invalid_type"},
                {"{}", "Invalid type for 'messages': expected an array of objects, but got an object instead.", "invalid_type"},
                {"[]", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                        "empty_array"},
        };
        // a decimal where an integer goes: OpenAI's words (Jeffser/Alpaca#904: "Invalid type for 'max_tokens': expected an
        // integer, but got a decimal number instead.", code invalid_type, param max_tokens); it said "a number"
        String decimal = "{\"model\":\"m\",\"max_tokens\":2.5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertThatThrownBy(() -> decoder.chat(Buffer.buffer(decimal))).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("Invalid type for 'max_tokens': expected an integer, but got a decimal number instead.");
            assertThat(e.param()).isEqualTo("max_tokens");
            assertThat(e.code()).isEqualTo("invalid_type");
        });
        for (String[] c : messages) {
            String body = "{\"model\":\"m\",\"messages\":" + c[0] + "}";
            assertThatThrownBy(() -> decoder.chat(Buffer.buffer(body))).as(body).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.getMessage()).isEqualTo(c[1]);
                assertThat(e.param()).isEqualTo("messages");
                assertThat(e.code()).isEqualTo(c[2]);
            });
        }
    }

    /**
     * A required object that is present but of another type is OpenAI's {@code invalid_type} ("Invalid type for
     * 'tools[0].function': expected an object, but got a string instead."), not {@code missing_required_parameter}, which stays
     * for an absent or null one. Before, every one of these said "Missing required parameter".
     */
    @Test
    void aRequiredObjectOfAnotherTypeIsATypeErrorNotMissing() {
        String user = "{\"role\":\"user\",\"content\":\"x\"}";
        String head = "{\"model\":\"m\",\"messages\":[";
        String[][] cases = { // {body with %s for the value, param}
                {head + "{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":%s}]}]}", "messages[0].content[0].file"},
                {head + "{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":%s}]}]}",
                        "messages[0].content[0].input_audio"},
                {head + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":%s}]}]}",
                        "messages[0].tool_calls[0].function"},
                {head + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"custom\",\"custom\":%s}]}]}",
                        "messages[0].tool_calls[0].custom"},
                {head + user + "],\"tools\":[{\"type\":\"function\",\"function\":%s}]}", "tools[0].function"},
                {head + user + "],\"tools\":[{\"type\":\"custom\",\"custom\":%s}]}", "tools[0].custom"},
                {head + user + "],\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"g\",\"format\":{\"type\":\"grammar\",\"grammar\":%s}}}]}",
                        "tools[0].custom.format.grammar"},
                {head + user + "],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":%s}}", "response_format.json_schema"},
                {head + user + "],\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"g\"}}],\"tool_choice\":{\"type\":\"custom\",\"custom\":%s}}",
                        "tool_choice.custom"},
                {head + user + "],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":{\"type\":\"allowed_tools\",\"allowed_tools\":%s}}",
                        "tool_choice.allowed_tools"},
        };
        for (String[] c : cases) {
            for (String[] v : new String[][] {{"\"x\"", "a string"}, {"[1]", "an array"}, {"7", "an integer"}}) {
                String body = c[0].formatted(v[0]);
                assertThatThrownBy(() -> decoder.chat(Buffer.buffer(body))).as(body).isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("Invalid type for '" + c[1] + "': expected an object, but got " + v[1] + " instead.");
                    assertThat(e.param()).isEqualTo(c[1]);
                    assertThat(e.code()).isEqualTo("invalid_type");
                });
            }
            String body = c[0].formatted("null");
            assertThatThrownBy(() -> decoder.chat(Buffer.buffer(body))).as(body).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.getMessage()).isEqualTo("Missing required parameter: '" + c[1] + "'.");
                assertThat(e.code()).isEqualTo("missing_required_parameter");
            });
        }
    }

    /** The embeddings decoder's absent {@code input}: OpenAI's code, as the chat and Responses decoders give it. */
    @Test
    void embeddingsMissingInputCarriesOpenAisCode() {
        for (String body : new String[] {"{\"model\":\"e\"}", "{\"model\":\"e\",\"input\":null}"}) {
            assertThatThrownBy(() -> decoder.embeddings(Buffer.buffer(body))).as(body).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.getMessage()).isEqualTo("Missing required parameter: 'input'.");
                assertThat(e.param()).isEqualTo("input");
                assertThat(e.code()).isEqualTo("missing_required_parameter");
            });
        }
    }

    /**
     * OpenAI answers "Invalid type for …" with code {@code invalid_type} (a chat call's {@code messages} as a string,
     * a tool call's {@code function.name} not a string); the chat and embeddings decoders sent a null code.
     */
    @Test
    void typeErrorsCarryOpenAisCode() {
        String[][] chat = {
                {"{\"model\":\"m\",\"messages\":[{\"role\":1,\"content\":\"x\"}]}", "messages[0].role"},
                {"{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":7}}]}]}",
                        "messages[0].tool_calls[0].function.name"},
                {"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"}", "stream"},
                {"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}", "temperature"},
        };
        for (String[] c : chat) {
            assertThatThrownBy(() -> decoder.chat(Buffer.buffer(c[0]))).as(c[0]).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.getMessage()).startsWith("Invalid type for '" + c[1] + "': expected ").endsWith(" instead.");
                assertThat(e.param()).isEqualTo(c[1]);
                assertThat(e.code()).isEqualTo("invalid_type");
            });
        }
        String[][] embeddings = {
                {"[1,1.5]", "input[1]"}, {"[\"a\",1]", "input[1]"}, {"[true]", "input[0]"},
        };
        for (String[] c : embeddings) {
            String body = "{\"model\":\"e\",\"input\":" + c[0] + "}";
            assertThatThrownBy(() -> decoder.embeddings(Buffer.buffer(body))).as(body).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.getMessage()).startsWith("Invalid type for '" + c[1] + "': expected ").endsWith(" instead.");
                assertThat(e.param()).isEqualTo(c[1]);
                assertThat(e.code()).isEqualTo("invalid_type");
            });
        }
    }
}
