package dev.switchboard.provider.openai;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.io.IOException;

/**
 * OpenAI's chat and embeddings wire format for providers that speak it behind their own URLs and credentials
 * (Azure OpenAI, Azure AI Foundry): the same encoder, decoders, stream and error reader as {@code openai/}, so a
 * fix to the translation reaches them too, while this package keeps its types to itself.
 */
public final class OpenAiWire {
    private final Deployment deployment;
    private final OpenAiRequestEncoder encoder;
    private final OpenAiChatDecoder chat;
    private final OpenAiResponseDecoder embeddings;

    /**
     * @param flavor the row of the quirk table whose output-limit and cache_control rules the upstream follows:
     *               {@code openai} (OpenAI's own models, Azure OpenAI) or {@code openai_compatible}
     */
    public OpenAiWire(Deployment d, String flavor) {
        this(d, core(flavor));
    }

    private static OpenAiFlavor core(String flavor) {
        OpenAiFlavor f = OpenAiFlavor.CORE.get(flavor);
        if (f == null) throw new IllegalArgumentException("no OpenAI flavor " + flavor);
        return f;
    }

    /**
     * OpenAI's models behind a contract older than {@code stream_options} and {@code max_completion_tokens} (Azure
     * OpenAI's api-versions before 2024-09-01-preview, which refuse both with a 400): a stream is asked without
     * {@code stream_options} (its usage, which such a version does not send, is then the gateway's estimate, marked
     * {@code usage_estimated}), and the output limit goes as {@code max_tokens}, the client's {@code max_completion_tokens}
     * renamed, except to a reasoning model, which takes only {@code max_completion_tokens}.
     */
    public static OpenAiWire beforeStreamOptions(Deployment d) {
        return new OpenAiWire(d, OpenAiFlavor.CORE.get("openai").withoutStreamOptions().withMaxTokensOnly());
    }

    private OpenAiWire(Deployment d, OpenAiFlavor f) {
        this.deployment = d;
        this.encoder = new OpenAiRequestEncoder(d, f);
        this.chat = new OpenAiChatDecoder(d.model());
        this.embeddings = new OpenAiResponseDecoder(d.model());
    }

    /** The chat body; a Responses-API built-in tool cannot be expressed in it (400 naming the tool). */
    public Buffer chatBody(ChatRequest r, boolean stream) {
        dev.switchboard.provider.ResponsesBuiltInTools.refuse(r, deployment.id());
        return encoder.chat(r, stream);
    }

    public Buffer embeddingsBody(EmbeddingRequest r) { return encoder.embeddings(r); }

    /** Whether the request's thinking reaches the model as nothing ({@code Provider.dropsThinking}). */
    public boolean dropsThinking(ChatRequest r) { return encoder.dropsThinking(r); }

    public ChatResponse chatAnswer(byte[] body) throws IOException { return chat.response(body); }

    public EmbeddingResponse embeddingsAnswer(byte[] body) throws IOException { return embeddings.embeddings(Json.read(body)); }

    /** The stream of an accepted (200) streamed answer. */
    public ChatStream stream(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint, KeyScrubber scrubber, String secret) {
        return new OpenAiStream(resp, chat, endpoint, scrubber, deployment.id(), secret);
    }

    /** An error answer of OpenAI's shape (and its compatible variants), scrubbed of {@code secret}. */
    public GatewayException error(int status, Buffer body, Long retryAfter, String secret) {
        return OpenAiErrorDecoder.decode(status, body, retryAfter, deployment.id(), secret);
    }
}
