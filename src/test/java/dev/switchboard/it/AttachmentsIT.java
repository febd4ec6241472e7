package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartInputAudio;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI-dialect {@code file} and {@code input_audio} parts through a real socket: translated for Gemini
 * ({@code inlineData}) and Anthropic ({@code document} blocks), refused with a 400 naming the part where the
 * provider cannot take them, and passed unchanged to OpenAI-compatible upstreams. The simulator reads the
 * attachments (its reply says what it saw, and prompt tokens grow), and refuses OpenAI's shapes as Google and
 * Anthropic do, which is what the gateway used to send.
 */
class AttachmentsIT {
    /** A one-page PDF, small but real: the Anthropic simulator checks the %PDF- header, the page count sets the tokens. */
    static final String PDF = Base64.getEncoder().encodeToString(
            "%PDF-1.4\n1 0 obj <</Type /Page>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1));
    static final String PDF_URL = "data:application/pdf;base64," + PDF;
    static final String WAV = Base64.getEncoder().encodeToString("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.ISO_8859_1));

    static TestGateway gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.standard();
        client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static ChatCompletionContentPart text(String t) {
        return ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text(t).build());
    }

    private static ChatCompletionContentPart pdf() {
        return ChatCompletionContentPart.ofFile(ChatCompletionContentPart.File.builder().file(ChatCompletionContentPart.File.FileObject
                .builder().filename("report.pdf").fileData(PDF_URL).build()).build());
    }

    private static ChatCompletionContentPart wav() {
        return ChatCompletionContentPart.ofInputAudio(ChatCompletionContentPartInputAudio.builder().inputAudio(
                ChatCompletionContentPartInputAudio.InputAudio.builder().data(WAV)
                        .format(ChatCompletionContentPartInputAudio.InputAudio.Format.WAV).build()).build());
    }

    private static ChatCompletion ask(String model, ChatCompletionContentPart... parts) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                .addUserMessageOfArrayOfContentParts(List.of(parts)).build());
    }

    private static HttpResponse<String> post(String body) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
    }

    /** A chat request whose one user message has a text part then {@code part}. */
    private static String withPart(String model, String part) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},"
                + part + "]}]}";
    }

    /** The parts (Gemini) or blocks (Anthropic) of the first turn the simulator received. */
    private static JsonArray firstTurn(String field) {
        return gw.simulator.last().body().getJsonArray(field).getJsonObject(0).getJsonArray(field.equals("contents") ? "parts" : "content");
    }

    private static JsonObject error(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        OpenAiSchemas.assertValid("ErrorResponse", r.body());
        return new JsonObject(r.body()).getJsonObject("error");
    }

    @Test
    void aPdfReachesGeminiAsInlineDataAndTheModelSeesIt() {
        ChatCompletion plain = ask("gemini", text("summarise"));
        ChatCompletion c = ask("gemini", text("summarise"), pdf());
        assertThat(c.choices().get(0).message().content().orElseThrow()).startsWith("I see 1 document.");
        JsonObject inline = firstTurn("contents").getJsonObject(1).getJsonObject("inlineData");
        assertThat(inline).isEqualTo(new JsonObject().put("mimeType", "application/pdf").put("data", PDF));
        // a page of PDF is 258 prompt tokens to Gemini
        assertThat(plain.usage().orElseThrow().promptTokens()).isLessThan(50);
        assertThat(c.usage().orElseThrow().promptTokens()).isGreaterThan(258);
    }

    @Test
    void audioReachesGeminiAsInlineDataWithGooglesMimeType() {
        ChatCompletion c = ask("gemini", text("transcribe"), wav());
        assertThat(c.choices().get(0).message().content().orElseThrow()).startsWith("I hear 1 audio clip.");
        assertThat(firstTurn("contents").getJsonObject(1).getJsonObject("inlineData").getString("mimeType")).isEqualTo("audio/wav");

        HttpResponse<String> mp3 = post(withPart("gemini", "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"" + WAV + "\",\"format\":\"mp3\"}}"));
        assertThat(mp3.statusCode()).as(mp3.body()).isEqualTo(200);
        assertThat(firstTurn("contents").getJsonObject(1).getJsonObject("inlineData").getString("mimeType")).isEqualTo("audio/mp3");
    }

    @Test
    void whatGeminiCannotTakeIsA400NamingThePartNeverASilentDrop() {
        JsonObject fileId = error(post(withPart("gemini", "{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc123\"}}")));
        assertThat(fileId.getString("param")).isEqualTo("messages[0].content[1]");
        assertThat(fileId.getString("message")).contains("file-abc123", "OpenAI's Files API", "Gemini", "file_data");

        JsonObject video = error(post(withPart("gemini", "{\"type\":\"video_url\",\"video_url\":{\"url\":\"https://example.com/v.mp4\"}}")));
        assertThat(video.getString("param")).isEqualTo("messages[0].content[1]");
        assertThat(video.getString("message")).contains("'video_url'", "Gemini");

        JsonObject notDataUrl = error(post(withPart("gemini", "{\"type\":\"file\",\"file\":{\"file_data\":\"" + PDF + "\"}}")));
        assertThat(notDataUrl.getString("param")).isEqualTo("messages[0].content[1].file.file_data");

        JsonObject format = error(post(withPart("gemini", "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"" + WAV + "\",\"format\":\"m4b\"}}")));
        assertThat(format.getString("param")).isEqualTo("messages[0].content[1].input_audio.format");
        assertThat(gw.simulator.received()).as("refused before anything went upstream").isEmpty();

        // In the Anthropic dialect, in its error shape and its own spelling of the field.
        HttpResponse<String> a = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, """
                {"model":"gemini","max_tokens":50,"messages":[{"role":"user","content":[{"type":"text","text":"hi"},
                 {"type":"search_result","source":"https://example.com","title":"t","content":[]}]}]}""");
        assertThat(a.statusCode()).as(a.body()).isEqualTo(400);
        JsonObject e = new JsonObject(a.body());
        assertThat(e.getString("type")).isEqualTo("error");
        assertThat(e.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        assertThat(e.getJsonObject("error").getString("message")).startsWith("messages.0.content.1: ").contains("'search_result'");
    }

    @Test
    void aPdfReachesAnthropicAsADocumentBlockAndATextFileAsAPlainTextDocument() {
        ChatCompletion c = ask("claude", text("summarise"), pdf());
        assertThat(c.choices().get(0).message().content().orElseThrow()).startsWith("I see 1 document.");
        assertThat(firstTurn("messages").getJsonObject(1)).isEqualTo(new JsonObject().put("type", "document")
                .put("source", new JsonObject().put("type", "base64").put("media_type", "application/pdf").put("data", PDF))
                .put("title", "report.pdf"));

        String notes = "Meeting notes: ship on Friday.";
        HttpResponse<String> r = post(withPart("claude", "{\"type\":\"file\",\"file\":{\"filename\":\"notes.md\",\"file_data\":"
                + "\"data:text/markdown;base64," + Base64.getEncoder().encodeToString(notes.getBytes(StandardCharsets.UTF_8)) + "\"},"
                + "\"cache_control\":{\"type\":\"ephemeral\"}}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(firstTurn("messages").getJsonObject(1)).isEqualTo(new JsonObject().put("type", "document")
                .put("source", new JsonObject().put("type", "text").put("media_type", "text/plain").put("data", notes))
                .put("title", "notes.md").put("cache_control", new JsonObject().put("type", "ephemeral")));
    }

    @Test
    void whatAnthropicCannotTakeIsA400NamingThePart() {
        JsonObject audio = error(post(withPart("claude", "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"" + WAV + "\",\"format\":\"wav\"}}")));
        assertThat(audio.getString("param")).isEqualTo("messages[0].content[1]");
        assertThat(audio.getString("message")).contains("audio", "Anthropic");

        JsonObject fileId = error(post(withPart("claude", "{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc123\"}}")));
        assertThat(fileId.getString("param")).isEqualTo("messages[0].content[1]");
        assertThat(fileId.getString("message")).contains("file-abc123", "Anthropic");

        JsonObject word = error(post(withPart("claude", "{\"type\":\"file\",\"file\":{\"file_data\":\"data:application/msword;base64,AAAA\"}}")));
        assertThat(word.getString("param")).isEqualTo("messages[0].content[1]");
        assertThat(word.getString("message")).contains("application/msword", "PDF");
        assertThat(gw.simulator.received()).isEmpty();
    }

    @Test
    void openAiCompatibleUpstreamsReceiveThePartsUnchanged() {
        String file = "{\"type\":\"file\",\"file\":{\"filename\":\"report.pdf\",\"file_data\":\"" + PDF_URL + "\"}}";
        String audio = "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"" + WAV + "\",\"format\":\"wav\"}}";
        String byId = "{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc123\"}}";
        HttpResponse<String> r = post(withPart("gpt", file + "," + audio + "," + byId));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray sent = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
        assertThat(sent.getJsonObject(1)).isEqualTo(new JsonObject(file));
        assertThat(sent.getJsonObject(2)).isEqualTo(new JsonObject(audio));
        assertThat(sent.getJsonObject(3)).isEqualTo(new JsonObject(byId));
        assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
                .startsWith("I see 2 documents. I hear 1 audio clip.");
    }

    @Test
    void anAnthropicDialectDocumentReachesGeminiAsInlineDataAndOpenAiAsAFilePart() {
        String body = "{\"model\":\"%s\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"document\",\"title\":\"report.pdf\",\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\","
                + "\"data\":\"" + PDF + "\"}},{\"type\":\"text\",\"text\":\"summarise\"}]}]}";
        HttpResponse<String> g = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body.formatted("gemini"));
        assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
        assertThat(g.body()).contains("I see 1 document.");
        assertThat(firstTurn("contents").getJsonObject(0).getJsonObject("inlineData"))
                .isEqualTo(new JsonObject().put("mimeType", "application/pdf").put("data", PDF));

        HttpResponse<String> o = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body.formatted("gpt"));
        assertThat(o.statusCode()).as(o.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(0))
                .isEqualTo(new JsonObject().put("type", "file").put("file", new JsonObject().put("filename", "report.pdf")
                        .put("file_data", PDF_URL)));
    }

    /**
     * An Anthropic document's {@code title} is optional, and OpenAI refuses {@code file_data} without a {@code filename}
     * (its 400 names {@code file_id}, which the simulator answers too): an untitled PDF reaches OpenAI named
     * {@code document.pdf}. An OpenAI-dialect file part is the client's own and still goes as written.
     */
    @Test
    void anUntitledAnthropicPdfReachesOpenAiWithAFilename() {
        String body = "{\"model\":\"gpt\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"" + PDF + "\"}},"
                + "{\"type\":\"text\",\"text\":\"summarise\"}]}]}";
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("I see 1 document.");
        assertThat(firstTurn("messages").getJsonObject(0)).isEqualTo(new JsonObject().put("type", "file").put("file",
                new JsonObject().put("filename", "document.pdf").put("file_data", PDF_URL)));

        // a blank title is no name either (it went as filename "")
        HttpResponse<String> blank = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                body.replace("\"type\":\"document\",", "\"type\":\"document\",\"title\":\" \","));
        assertThat(blank.statusCode()).as(blank.body()).isEqualTo(200);
        assertThat(firstTurn("messages").getJsonObject(0).getJsonObject("file").getString("filename")).isEqualTo("document.pdf");

        JsonObject own = error(post(withPart("gpt", "{\"type\":\"file\",\"file\":{\"file_data\":\"" + PDF_URL + "\"}}")));
        assertThat(own.getString("message")).isEqualTo("Missing required parameter: 'messages[0].content[1].file.file_id'.");
        assertThat(own.getString("code")).isEqualTo("missing_required_parameter");
    }

    /**
     * An image or document by {@code file_id} of Anthropic's Files API ({@code source.type: "file"}) is Anthropic's to read:
     * it reaches a Claude alias as written (the gateway refused the image for every alias), and a translating provider
     * refuses it naming the part and saying why. A document by URL likewise says why.
     */
    @Test
    void anAnthropicFilesApiImageReachesClaudeAsWrittenAndOtherProvidersSayWhyNot() {
        String image = "{\"type\":\"image\",\"source\":{\"type\":\"file\",\"file_id\":\"file_011CNha8iCJcU1wXNR6q4V8w\"}}";
        String body = "{\"model\":\"%s\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"look\"},%s]}]}";
        String[] beta = {"anthropic-beta", "files-api-2025-04-14"};
        HttpResponse<String> c = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body.formatted("claude", image), beta);
        assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
        assertThat(firstTurn("messages").getJsonObject(1)).isEqualTo(new JsonObject(image));
        assertThat(gw.simulator.last().headers().get("anthropic-beta")).isEqualTo("files-api-2025-04-14");
        String document = image.replace("\"image\"", "\"document\"");
        HttpResponse<String> d = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body.formatted("claude", document), beta);
        assertThat(d.statusCode()).as(d.body()).isEqualTo(200);
        assertThat(firstTurn("messages").getJsonObject(1)).isEqualTo(new JsonObject(document));
        assertThat(gw.simulator.last().headers().get("anthropic-beta")).isEqualTo("files-api-2025-04-14");
        // without the beta, Anthropic (and the simulator) refuses a file source
        HttpResponse<String> noBeta = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body.formatted("claude", image));
        assertThat(noBeta.statusCode()).as(noBeta.body()).isEqualTo(400);
        assertThat(noBeta.body()).contains("files-api-2025-04-14");

        gw.simulator.reset();
        for (String model : List.of("gpt", "gemini")) {
            for (String part : List.of(image, document)) {
                HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body.formatted(model, part), beta);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).as(model)
                        .startsWith("messages.0.content.1").contains("Anthropic's Files API", "file_011CNha8iCJcU1wXNR6q4V8w", "inline");
            }
        }
        String byUrl = "{\"type\":\"document\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/a.pdf\"}}";
        HttpResponse<String> u = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body.formatted("gemini", byUrl));
        assertThat(new JsonObject(u.body()).getJsonObject("error").getString("message")).contains("document by URL",
                "which this gateway does not translate for Gemini (it fetches no caller URLs)", "inline");
        assertThat(gw.simulator.received()).isEmpty();
    }

    /**
     * {@code data:image/jpg} is a common spelling that OpenAI accepts and Anthropic and Gemini refuse (the simulator too:
     * Anthropic's "Input should be 'image/jpeg', …", Google's "Unsupported MIME type: image/jpg"): it reaches them as
     * {@code image/jpeg}, as an image and as a file part, from either dialect.
     */
    @Test
    void aJpgDataUrlReachesAnthropicAndGeminiAsImageJpeg() {
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        String image = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/jpg;base64," + png + "\"}}";
        String file = "{\"type\":\"file\",\"file\":{\"filename\":\"photo.jpg\",\"file_data\":\"data:image/jpg;base64," + png + "\"}}";
        for (String part : List.of(image, file)) {
            HttpResponse<String> c = post(withPart("claude", part));
            assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
            assertThat(firstTurn("messages").getJsonObject(1).getJsonObject("source").getString("media_type")).isEqualTo("image/jpeg");
            HttpResponse<String> g = post(withPart("gemini", part));
            assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
            assertThat(firstTurn("contents").getJsonObject(1).getJsonObject("inlineData").getString("mimeType")).isEqualTo("image/jpeg");
        }
        HttpResponse<String> a = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"gemini\",\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\","
                + "\"media_type\":\"image/jpg\",\"data\":\"" + png + "\"}},{\"type\":\"text\",\"text\":\"look\"}]}]}");
        assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
        assertThat(firstTurn("contents").getJsonObject(0).getJsonObject("inlineData").getString("mimeType")).isEqualTo("image/jpeg");
    }

    /**
     * OpenAI's file parts take PDFs only (a text/plain file_data is its 400 "Invalid file data … application/pdf", which the
     * simulator answers too): a plain-text document reaches an OpenAI-style provider as text, its title and context on a
     * first line, and Gemini (which reads text/plain) as inlineData. A document of content blocks reaches both as text.
     */
    @Test
    void anAnthropicPlainTextDocumentReachesOpenAiAsTextAndGeminiAsInlineData() {
        String body = "{\"model\":\"%s\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"document\",\"title\":\"Notes\",\"context\":\"from the garden log\",\"source\":{\"type\":\"text\","
                + "\"media_type\":\"text/plain\",\"data\":\"The grass is green.\"}},{\"type\":\"text\",\"text\":\"What colour is the grass?\"}]}]}";
        HttpResponse<String> o = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body.formatted("gpt"));
        assertThat(o.statusCode()).as(o.body()).isEqualTo(200);
        assertThat(firstTurn("messages").getJsonObject(0)).isEqualTo(new JsonObject().put("type", "text")
                .put("text", "Document: Notes (from the garden log)\n\nThe grass is green."));
        HttpResponse<String> g = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body.formatted("gemini"));
        assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
        assertThat(firstTurn("contents").getJsonObject(0).getJsonObject("inlineData")).isEqualTo(new JsonObject()
                .put("mimeType", "text/plain").put("data", Base64.getEncoder().encodeToString("The grass is green.".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void anAnthropicDocumentOfContentBlocksReachesOpenAiAndGeminiAsText() {
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        String body = "{\"model\":\"%s\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"document\",\"title\":\"Handbook\",\"source\":{\"type\":\"content\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"Chapter 1: boats float.\"},{\"type\":\"text\",\"text\":\"Chapter 2: planes fly.\"},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"" + png + "\"}}]}},"
                + "{\"type\":\"text\",\"text\":\"What do boats do?\"}]}]}";
        HttpResponse<String> o = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body.formatted("gpt"));
        assertThat(o.statusCode()).as(o.body()).isEqualTo(200);
        JsonArray sent = firstTurn("messages");
        assertThat(sent.getJsonObject(0)).isEqualTo(new JsonObject().put("type", "text").put("text", "Document: Handbook\n\nChapter 1: boats float."));
        assertThat(sent.getJsonObject(1)).isEqualTo(new JsonObject().put("type", "text").put("text", "Chapter 2: planes fly."));
        assertThat(sent.getJsonObject(2).getJsonObject("image_url").getString("url")).isEqualTo("data:image/png;base64," + png);
        assertThat(sent.getJsonObject(3).getString("text")).isEqualTo("What do boats do?");
        HttpResponse<String> g = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body.formatted("gemini"));
        assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
        assertThat(firstTurn("contents").getJsonObject(0).getString("text")).isEqualTo("Document: Handbook\n\nChapter 1: boats float.");
        // a block of another type inside the document: a 400 naming it, never the document forwarded in Anthropic's shape
        String odd = body.formatted("gpt").replace("{\"type\":\"text\",\"text\":\"Chapter 2: planes fly.\"}",
                "{\"type\":\"search_result\",\"source\":\"x\",\"title\":\"t\",\"content\":[]}");
        gw.simulator.reset();
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, odd);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message"))
                .contains("messages.0.content.0.source.content.1").contains("search_result");
        assertThat(gw.simulator.received()).isEmpty();
    }

    @Test
    void anImageDataUrlThatIsNotBase64IsRefusedByBothTranslatorsAlike() {
        String part = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;charset=utf-8,not-base64\"}}";
        for (String model : List.of("gemini", "claude")) {
            JsonObject e = error(post(withPart(model, part)));
            assertThat(e.getString("message")).as(model).contains("must be base64");
            assertThat(e.getString("param")).as(model).isEqualTo("messages[0].content[1].image_url.url");
        }
        assertThat(gw.simulator.received()).isEmpty();
    }

    @Test
    void anAnthropicBlockNoProviderCanTakeIsA400ForAnOpenAiUpstreamNotForwardedRaw() {
        // a document by URL: OpenAI's chat API has no file-by-URL part, and the block in Anthropic's shape would
        // only confuse an OpenAI-style server
        String body = "{\"model\":\"gpt\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"summarise\"},"
                + "{\"type\":\"document\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/a.pdf\"}}]}]}";
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertThat(e.getString("type")).isEqualTo("invalid_request_error");
        assertThat(e.getString("message")).contains("messages.0.content.1").contains("document");
        assertThat(gw.simulator.received()).isEmpty();
    }

    @Test
    void theSimulatorRefusesOpenAiShapedPartsAsGoogleAndAnthropicDo() {
        String file = "{\"type\":\"file\",\"file\":{\"file_data\":\"" + PDF_URL + "\"}}";
        HttpResponse<String> google = Http.post(gw.simulator.rootUrl() + "/v1beta/models/gemini-2.5-flash:generateContent", null,
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}," + file + "]}]}", "x-goog-api-key", "any");
        assertThat(google.statusCode()).isEqualTo(400);
        JsonObject g = new JsonObject(google.body()).getJsonObject("error");
        assertThat(g.getString("status")).isEqualTo("INVALID_ARGUMENT");
        assertThat(g.getString("message")).isEqualTo(
                "Invalid JSON payload received. Unknown name \"type\" at 'contents[0].parts[1]': Cannot find field.\n"
                        + "Invalid JSON payload received. Unknown name \"file\" at 'contents[0].parts[1]': Cannot find field.");
        assertThat(g.getJsonArray("details").getJsonObject(0).getJsonArray("fieldViolations")).hasSize(2);

        HttpResponse<String> mime = Http.post(gw.simulator.rootUrl() + "/v1beta/models/gemini-2.5-flash:generateContent", null,
                "{\"contents\":[{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/wave\",\"data\":\"" + WAV + "\"}}]}]}",
                "x-goog-api-key", "any");
        assertThat(new JsonObject(mime.body()).getJsonObject("error").getString("message")).isEqualTo("Unsupported MIME type: audio/wave");

        HttpResponse<String> anthropic = Http.post(gw.simulator.rootUrl() + "/v1/messages", null,
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[" + file + "]}]}",
                "x-api-key", "any", "anthropic-version", "2023-06-01");
        assertThat(anthropic.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(anthropic.body()).getJsonObject("error").getString("message"))
                .startsWith("messages.0.content.0: Input tag 'file' found using 'type' does not match any of the expected tags: ")
                .contains("'document'", "'image'", "'text'");

        HttpResponse<String> textAsBase64 = Http.post(gw.simulator.rootUrl() + "/v1/messages", null,
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\","
                        + "\"source\":{\"type\":\"base64\",\"media_type\":\"text/plain\",\"data\":\"aGk=\"}}]}]}",
                "x-api-key", "any", "anthropic-version", "2023-06-01");
        assertThat(new JsonObject(textAsBase64.body()).getJsonObject("error").getString("message"))
                .isEqualTo("messages.0.content.0.document.source.base64.media_type: Input should be 'application/pdf'");
    }
}
