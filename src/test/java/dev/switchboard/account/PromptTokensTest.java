package dev.switchboard.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTokensTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PromptTokens tokens = new PromptTokens(); // loading o200k takes ~0.5 s: once per class

    private static ChatRequest request(List<Message> messages, List<Tool> tools) {
        return new ChatRequest("alias", messages, tools, null, null, null, null, null, null, null, null, null, null,
                null, false, false, null);
    }

    private static ChatRequest chat(Message... messages) { return request(List.of(messages), List.of()); }

    @Test
    void knownO200kCounts() {
        // o200k_base: "hello"," world" / "Hello", ",", " world", "!" / ten word-and-space tokens plus "."
        assertThat(tokens.count("hello world")).isEqualTo(2);
        assertThat(tokens.count("Hello, world!")).isEqualTo(4);
        assertThat(tokens.count("The quick brown fox jumps over the lazy dog.")).isEqualTo(10);
        assertThat(tokens.count("<|endoftext|>")).isEqualTo(7); // user text, not a special token
        assertThat(tokens.count("")).isZero();
        assertThat(tokens.count(null)).isZero();
    }

    @Test
    void countGrowsWithText() {
        int previous = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            sb.append("word").append(i % 7 == 0 ? ". " : " ");
            int now = tokens.count(sb.toString());
            assertThat(now).isGreaterThanOrEqualTo(previous);
            previous = now;
        }
        assertThat(previous).isGreaterThan(200);
    }

    /** What the estimate counts for a text: o200k's tokens, floored at one per four characters. */
    private int text(String s) { return Math.max(tokens.count(s), (s.length() + 3) / 4); }

    @Test
    void openAiFramingAndProviderFactors() {
        ChatRequest r = chat(Message.text(Role.USER, "hello world"));
        // 3 reply priming + 4 per message + 3 text tokens (o200k says 2; the floor of a token per 4 characters says 3)
        assertThat(tokens.count("hello world")).isEqualTo(2);
        assertThat(tokens.estimate(r, "openai")).isEqualTo(10);
        assertThat(tokens.estimate(r, "mock")).isEqualTo(10);
        assertThat(tokens.estimate(r, "anthropic")).isEqualTo(19);  // ceil(10 x 1.9)
        assertThat(tokens.estimate(r, "openrouter")).isEqualTo(19);
        assertThat(tokens.estimate(r, "gemini")).isEqualTo(13);     // ceil(10 x 1.25)
        assertThat(tokens.estimate(r, "groq")).isEqualTo(13);
        assertThat(tokens.estimate(r, "something-new")).isEqualTo(19);
    }

    @Test
    void aCustomToolsGrammarCounts() throws Exception {
        Message m = Message.text(Role.USER, "hi");
        ChatRequest text = request(List.of(m), List.of(new Tool("apply_patch", null, null, null, null, JSON.readTree("{\"type\":\"text\"}"))));
        ChatRequest grammar = request(List.of(m), List.of(new Tool("apply_patch", null, null, null, null, JSON.readTree(
                "{\"type\":\"grammar\",\"grammar\":{\"syntax\":\"lark\",\"definition\":\"" + "start: line+ ".repeat(50) + "\"}}"))));
        assertThat(tokens.estimate(grammar, "anthropic") - tokens.estimate(text, "anthropic")).isGreaterThan(100);
    }

    @Test
    void theEstimateIsNeverUnderATokenPerFourCharacters() {
        String digits = "1234567890".repeat(40);   // o200k: 3 digits a token, above the floor
        String prose = "The quarterly planning meeting decided three things. ".repeat(20); // o200k: ~5 characters a token
        assertThat(tokens.estimate(chat(Message.text(Role.USER, digits)), "openai")).isEqualTo(3 + 4 + tokens.count(digits));
        assertThat(tokens.count(prose)).isLessThan(prose.length() / 4);
        assertThat(tokens.estimate(chat(Message.text(Role.USER, prose)), "openai")).isEqualTo(3 + 4 + (prose.length() + 3) / 4);
    }

    @Test
    void estimateGrowsWithEveryMessage() {
        ChatRequest one = chat(Message.text(Role.SYSTEM, "You are terse."), Message.text(Role.USER, "hello world"));
        ChatRequest two = chat(Message.text(Role.SYSTEM, "You are terse."), Message.text(Role.USER, "hello world"),
                Message.text(Role.ASSISTANT, "Hello, world!"), Message.text(Role.USER, "again"));
        assertThat(tokens.estimate(two, "openai")).isEqualTo(tokens.estimate(one, "openai") + 4 + text("Hello, world!") + 4
                + text("again"));
    }

    @Test
    void toolsToolCallsAndResultsAreCounted() throws Exception {
        JsonNode schema = JSON.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
        Tool tool = new Tool("get_weather", "Weather of a city", schema, null, null);
        ChatRequest plain = chat(Message.text(Role.USER, "weather in Paris?"));
        ChatRequest withTool = request(plain.messages(), List.of(tool));
        int toolText = text("get_weather") + text("Weather of a city") + text(schema.toString());
        assertThat(tokens.estimate(withTool, "openai") - tokens.estimate(plain, "openai"))
                .isEqualTo(PromptTokens.TOOLS_FRAME + PromptTokens.PER_TOOL + toolText);

        Message call = new Message(Role.ASSISTANT, List.of(), null,
                List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), null, null, null);
        Message result = new Message(Role.TOOL, List.of(ContentPart.Text.of("18 degrees and sunny")), null, null,
                "call_1", null, null);
        ChatRequest turn = chat(Message.text(Role.USER, "weather in Paris?"), call, result);
        assertThat(tokens.estimate(turn, "openai")).isEqualTo(tokens.estimate(plain, "openai")
                + 4 + PromptTokens.PER_TOOL_CALL + text("call_1") + text("get_weather")
                + text("{\"city\":\"Paris\"}")
                + 4 + text("call_1") + text("18 degrees and sunny"));
    }

    @Test
    void imagesAtAFixedUpperEstimateNotScaledByTheFactor() {
        ChatRequest text = chat(Message.text(Role.USER, "what is this?"));
        Message withImages = new Message(Role.USER, List.of(ContentPart.Text.of("what is this?"),
                new ContentPart.Image("https://example.com/a.png", "high", null),
                new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", null, null)), null, null, null, null, null);
        for (String provider : new String[] {"openai", "anthropic", "gemini"}) {
            assertThat(tokens.estimate(chat(withImages), provider) - tokens.estimate(text, provider))
                    .as(provider).isEqualTo(2 * MediaTokens.IMAGE);
        }
    }

    @Test
    void filesAndAudioFromTheirSize() {
        String textFile = "data:text/plain;base64," + Base64.getEncoder().encodeToString("x".repeat(3000).getBytes(StandardCharsets.UTF_8));
        assertThat(MediaTokens.dataUrl(textFile)).isBetween(1000, 1010); // 3,000 bytes at 3 bytes a token

        String pdf = "%PDF-1.4\n1 0 obj << /Type /Pages /Count 3 /Kids [2 0 R 3 0 R 4 0 R] >> endobj\n"
                + "2 0 obj << /Type /Page >> endobj 3 0 obj << /Type/Page >> endobj 4 0 obj << /Type /Page >> endobj";
        String pdfUrl = "data:application/pdf;base64," + Base64.getEncoder().encodeToString(pdf.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(MediaTokens.dataUrl(pdfUrl)).isEqualTo(3 * MediaTokens.PDF_PAGE);

        ContentPart.File byId = new ContentPart.File("report.pdf", null, "file-abc", null, null);
        assertThat(MediaTokens.file(byId)).isEqualTo(MediaTokens.PDF_PAGE);

        // WAV at 16,000 bytes a second, compressed audio at 2,000, then 32 tokens a second
        String oneSecondWav = Base64.getEncoder().encodeToString(new byte[15_999]);
        assertThat(MediaTokens.audio(new ContentPart.Audio(oneSecondWav, "wav", null, null))).isEqualTo(32);
        String mp3 = Base64.getEncoder().encodeToString(new byte[18_000]);
        assertThat(MediaTokens.audio(new ContentPart.Audio(mp3, "mp3", null, null))).isEqualTo(9 * 32);

        ChatRequest r = chat(new Message(Role.USER, List.of(ContentPart.Text.of("summarise"),
                new ContentPart.File("report.pdf", pdfUrl, null, null, null)), null, null, null, null, null));
        assertThat(tokens.estimate(r, "anthropic")).isGreaterThan(3 * MediaTokens.PDF_PAGE);
    }

    @Test
    void anthropicBlocksWeDoNotModel() {
        ObjectNode image = JSON.createObjectNode().put("type", "image");
        image.putObject("source").put("type", "base64").put("media_type", "image/png").put("data", "A".repeat(100_000));
        Message m = new Message(Role.USER, List.of(new ContentPart.Other("image", image, null)), null, null, null, null, null);
        assertThat(tokens.estimate(chat(m), "openai")).isEqualTo(3 + 4 + MediaTokens.IMAGE); // not 100k chars of base64

        ObjectNode search = JSON.createObjectNode().put("type", "search_result").put("title", "Paris weather");
        Message s = new Message(Role.USER, List.of(new ContentPart.Other("search_result", search, null)), null, null, null, null, null);
        assertThat(tokens.estimate(chat(s), "openai")).isEqualTo(3 + 4 + text(search.toString()));
    }

    @Test
    void anthropicToolUseSystemPromptIsAddedWhenThereAreTools() throws Exception {
        Tool tool = new Tool("get_weather", "Weather of a city", JSON.readTree("{\"type\":\"object\"}"), null, null);
        ChatRequest plain = chat(Message.text(Role.USER, "weather in Paris?"));
        ChatRequest withTool = request(plain.messages(), List.of(tool));
        long toolText = PromptTokens.TOOLS_FRAME + PromptTokens.PER_TOOL + text("get_weather")
                + text("Weather of a city") + text("{\"type\":\"object\"}");
        int before = tokens.estimate(plain, "anthropic");
        int textBefore = tokens.estimate(plain, "openai");
        assertThat(tokens.estimate(withTool, "anthropic"))
                .isEqualTo((int) Math.ceil((textBefore + toolText) * 1.9) + PromptTokens.TOOL_USE_SYSTEM_PROMPT);
        assertThat(before).isEqualTo((int) Math.ceil(textBefore * 1.9));
        assertThat(tokens.estimate(withTool, "gemini")).isEqualTo((int) Math.ceil((textBefore + toolText) * 1.25));
    }

    /**
     * The OpenAI-compatible prefixes that serve no Claude are the 1.25 family without Anthropic's tool-use prompt:
     * {@code ollama_chat/} is Ollama as {@code ollama/} is, {@code lm_studio/} and {@code xinference/} run a Llama or Qwen
     * on the user's machine, and the long tail's hosted services (Mistral, Cohere, …) have their own models. They fell
     * to the unknown providers' 1.9 and +350 tokens: a local Qwen's "Weather in Paris?" with one tool was estimated at
     * 445 prompt tokens on {@code lm_studio/} against 50 on {@code ollama/}, in the usage its client got, tpm limits
     * and a budget's reservation.
     */
    @Test
    void openAiCompatiblePrefixesWithoutClaudeAreNotEstimatedAsClaude() throws Exception {
        Tool tool = new Tool("get_weather", "Weather of a city", JSON.readTree("{\"type\":\"object\"}"), null, null);
        ChatRequest withTool = request(List.of(Message.text(Role.USER, "weather in Paris?")), List.of(tool));
        int ollama = tokens.estimate(withTool, "ollama");
        for (String p : List.of("ollama_chat", "lm_studio", "xinference", "mistral", "mistralai", "codestral", "cohere",
                "huggingface", "siliconflow", "zhipu", "fireworks_ai", "perplexity", "xai", "cerebras", "nvidia_nim")) {
            assertThat(tokens.estimate(withTool, p)).as(p).isEqualTo(ollama);
        }
        // a prefix that may serve Claude keeps the highest factor and the tool-use prompt
        for (String p : List.of("bedrock", "vertex_ai", "azure_ai", "something-new")) {
            assertThat(tokens.estimate(withTool, p)).as(p).isEqualTo(tokens.estimate(withTool, "anthropic"));
        }
    }

    @Test
    void upperBoundCountsUtf8BytesWithoutATokenizer() {
        // 3 priming + 8 framing + 11 bytes
        assertThat(tokens.upperBound(chat(Message.text(Role.USER, "hello world")))).isEqualTo(22);
        assertThat(PromptTokens.utf8Length("é€😀a")).isEqualTo(2 + 3 + 4 + 1);
        assertThat(PromptTokens.utf8Length("é€😀a")).isEqualTo("é€😀a".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void upperBoundIsAtLeastTheExactO200kCount() throws Exception {
        // Not compared with the scaled estimates: those may exceed the true count (and the bound) on purpose.
        Tool tool = new Tool("search", "Search the web", JSON.readTree("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}"), null, null);
        List<ChatRequest> requests = List.of(
                chat(Message.text(Role.USER, "hi")),
                chat(Message.text(Role.SYSTEM, "You are a careful assistant. " .repeat(50)),
                        Message.text(Role.USER, "Explain tokenizers in 3 sentences, please.")),
                chat(Message.text(Role.USER, "東京の天気はどうですか？ Привет, как дела? 😀😀😀")),
                request(List.of(Message.text(Role.USER, "find prices"),
                        new Message(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("c1", "search", "{\"q\":\"prices\"}")),
                                null, null, null),
                        new Message(Role.TOOL, List.of(ContentPart.Text.of("gpt-4o: $2.50 in, $10 out")), null, null, "c1", null, null)),
                        List.of(tool)));
        for (ChatRequest r : requests) assertThat(tokens.upperBound(r)).isGreaterThanOrEqualTo(tokens.estimate(r, "openai"));
    }
}
