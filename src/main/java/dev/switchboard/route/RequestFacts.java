package dev.switchboard.route;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Tool;

/**
 * What routing needs to know about one request, computed at most once and only when asked: the hash of its
 * cacheable prefix (affinity) and an estimate of its prompt tokens (tpm limits, the auto tier).
 */
final class RequestFacts {
    private final ChatRequest chat;
    private final EmbeddingRequest embedding;
    private long prefix = -1;
    private long tokens = -1;

    private RequestFacts(ChatRequest chat, EmbeddingRequest embedding) {
        this.chat = chat;
        this.embedding = embedding;
    }

    static RequestFacts of(ChatRequest r) { return new RequestFacts(r, null); }

    static RequestFacts of(EmbeddingRequest r) { return new RequestFacts(null, r); }

    /** {@link PrefixHash#NONE} when the request has no cacheable prefix (embeddings never have one). */
    long prefixHash() {
        if (prefix < 0) prefix = chat == null ? PrefixHash.NONE : Math.abs(PrefixHash.of(chat));
        return prefix;
    }

    /**
     * Prompt tokens, estimated at four characters a token (the average of OpenAI's and Anthropic's tokenizers
     * on English text; code and other languages differ, and a tokenizer per provider is not worth its cost here).
     */
    long estimatedTokens() {
        if (tokens < 0) tokens = chat != null ? estimate(chat) : (embedding.input().toString().length() + 3) / 4;
        return tokens;
    }

    private static long estimate(ChatRequest r) {
        long chars = 0;
        for (Message m : r.messages()) {
            chars += 16; // role and framing
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Text t) chars += t.text().length();
                else chars += 340; // an image at low detail is ~85 tokens
            }
            for (var c : m.toolCalls()) chars += c.name().length() + (c.arguments() == null ? 0 : c.arguments().length());
        }
        for (Tool t : r.tools()) {
            chars += t.name().length() + (t.description() == null ? 0 : t.description().length())
                    + (t.parameters() == null ? 0 : t.parameters().toString().length());
        }
        return (chars + 3) / 4;
    }
}
