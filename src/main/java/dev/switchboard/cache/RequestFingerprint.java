package dev.switchboard.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What makes two requests the same question, as a SHA-256: the namespace, the alias and <em>every</em> field that can
 * change the answer — messages, tools, tool_choice, response_format, sampling, and every field the gateway does not
 * model (they ride in {@code extra}, or in the raw body of an Anthropic-dialect request), so a parameter the gateway
 * has never heard of still keeps two requests apart (LiteLLM's keys miss fields: its issue #42400). Left out only what
 * cannot change the answer: streaming and usage options, {@code user}, {@code metadata}, and the gateway's own control
 * fields ({@code cache}, routing controls). A streamed request and a plain one therefore share an entry.
 *
 * <p>The <em>context</em> fingerprint is the same without the last user turn's text: the semantic cache matches that turn
 * by meaning and everything else exactly.
 */
public final class RequestFingerprint {
    /** Body fields that never reach the hash: they steer the gateway or describe the caller, not the question. */
    static final Set<String> IGNORED = Set.of("stream", "stream_options", "user", "metadata", "cache", "models", "fallbacks", "drop_params",
            "num_retries", "timeout", "stream_timeout", "model", "tags"); // a body's tags are the call's labels, as metadata's
    /**
     * The factory of the per-thread generators ({@link Digester}): buffers of their own, not taken from the thread's
     * shared recycler (a generator that is never closed would hold the thread's buffer for good); otherwise the same
     * defaults as a plain {@code ObjectMapper}'s, so the bytes hashed are the same.
     */
    private static final JsonFactory JSON = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.nonRecyclingPool()).build()).getFactory();
    /**
     * One digest and one generator per thread (the event loops), reused by every {@code digest()}: a generator with its
     * I/O context, write contexts and output stream made for each request was most of what a miss through the exact cache
     * allocated in its key (~500 bytes a request, issue #9's (x)), and {@code MessageDigest.getInstance} looks the
     * provider up and allocates the engine on every call.
     */
    private static final ThreadLocal<Digester> DIGESTERS = ThreadLocal.withInitial(Digester::new);

    private RequestFingerprint() {}

    /** The exact-cache key: namespace + alias + the whole question, as hex ({@link #exactKey}'s {@link EntryKey#hex()}). */
    public static String exact(String namespace, ChatRequest r) { return exactKey(namespace, r).hex(); }

    /** The exact-cache key as the in-memory store keeps it: no hex String until something asks for one. */
    public static EntryKey exactKey(String namespace, ChatRequest r) { return EntryKey.of(digest(namespace, r, null, false)); }

    /**
     * The key of a request whose answer also depends on something outside its body ({@code variant}: the auto alias's
     * tier as a header or the key pins it), or on nothing else when null (the same key as {@link #exactKey(String, ChatRequest)}).
     */
    public static EntryKey exactKey(String namespace, ChatRequest r, String variant) {
        return EntryKey.of(digest(namespace, r, variant, false));
    }

    /** The semantic cache's context: namespace + alias + everything but the last user turn's text. */
    public static String context(String namespace, ChatRequest r) { return context(namespace, r, null); }

    /** {@link #context(String, ChatRequest)} with the request's {@code variant} (see {@link #exactKey(String, ChatRequest, String)}). */
    public static String context(String namespace, ChatRequest r, String variant) {
        return HexFormat.of().formatHex(digest(namespace, r, variant, true));
    }

    /** The text of the last user turn (what the semantic cache compares by meaning), or null when there is none. */
    public static String lastUserText(ChatRequest r) {
        int i = lastUserIndex(r);
        return i < 0 ? null : r.messages().get(i).textContent();
    }

    private static int lastUserIndex(ChatRequest r) {
        for (int i = r.messages().size() - 1; i >= 0; i--) if (r.messages().get(i).role() == Role.USER) return i;
        return -1;
    }

    private static byte[] digest(String namespace, ChatRequest r, String variant, boolean withoutLastUserText) {
        Digester d = DIGESTERS.get();
        JsonGenerator g = d.start();
        try {
            g.writeStartArray();
            g.writeString(namespace);
            g.writeString(r.model());
            if (variant != null) g.writeString(variant); // no string for the others: their keys stay what they were
            if (r.raw() != null) {
                writeRaw(g, r.raw().body(), withoutLastUserText);
                // an Anthropic beta changes the answer (interleaved thinking, a longer context): its betas, sorted, once
                // each; nothing is written without one, so the keys of requests without it stay as they were. Not
                // anthropic-version: every SDK sends it and curl does not, for the same question
                String betas = r.raw().headers().get("anthropic-beta");
                if (betas != null && !betas.isBlank()) g.writeString(normalisedBetas(betas));
            } else {
                writeCanonical(g, r, withoutLastUserText ? lastUserIndex(r) : -1);
            }
            g.writeEndArray();
            return d.finish();
        } catch (IOException e) {
            d.discard();
            throw new IllegalStateException(e); // cannot happen: the stream only digests
        } catch (RuntimeException | Error e) {
            d.discard(); // a generator left inside a value must not write the next request's
            throw e;
        }
    }

    /** "b, a,a" → "a,b": the same betas in any order and spacing are the same request. */
    static String normalisedBetas(String header) {
        java.util.TreeSet<String> set = new java.util.TreeSet<>();
        for (String b : header.split(",")) if (!b.isBlank()) set.add(b.strip());
        return String.join(",", set);
    }

    /**
     * A body as the client wrote it (Anthropic's Messages, OpenAI's Responses), minus the ignored fields. For the semantic
     * context ({@code blankText}) the last user turn's <em>text</em> is left out and nothing else of it: its documents,
     * images, search results and tool results stay in the context, matched exactly (they were left out with the text,
     * so an answer about one document was served for another at similarity 1).
     */
    private static void writeRaw(JsonGenerator g, JsonNode body, boolean blankText) throws IOException {
        Map<String, JsonNode> fields = new TreeMap<>();
        body.fields().forEachRemaining(e -> { if (!IGNORED.contains(e.getKey())) fields.put(e.getKey(), e.getValue()); });
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> e : fields.entrySet()) {
            g.writeFieldName(e.getKey());
            boolean turns = e.getKey().equals("messages") || e.getKey().equals("input"); // Anthropic's, Responses'
            if (blankText && turns) g.writeTree(withoutLastUserText(e.getValue()));
            else g.writeTree(e.getValue());
        }
        g.writeEndObject();
    }

    /**
     * The turns with the last user turn's text blanked: a string content (or a Responses {@code input} string) as null,
     * in a list of blocks each text block's text as null ({@code text}, Responses' {@code input_text}), every other
     * block as sent.
     */
    static JsonNode withoutLastUserText(JsonNode turns) {
        if (turns.isTextual()) return com.fasterxml.jackson.databind.node.NullNode.instance; // Responses' input: one question
        if (!turns.isArray()) return turns;
        int last = -1;
        for (int i = turns.size() - 1; i >= 0 && last < 0; i--) if ("user".equals(turns.get(i).path("role").asText())) last = i;
        if (last < 0) return turns;
        com.fasterxml.jackson.databind.node.ArrayNode out = (com.fasterxml.jackson.databind.node.ArrayNode) turns.deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode turn = (com.fasterxml.jackson.databind.node.ObjectNode) out.get(last);
        JsonNode content = turn.get("content");
        if (content == null || content.isTextual()) {
            turn.putNull("content");
        } else if (content.isArray()) {
            for (JsonNode block : content) {
                String type = block.path("type").asText();
                if (block instanceof com.fasterxml.jackson.databind.node.ObjectNode b && (type.equals("text") || type.equals("input_text"))) {
                    b.putNull("text");
                }
            }
        }
        return out;
    }

    private static void writeCanonical(JsonGenerator g, ChatRequest r, int blank) throws IOException {
        g.writeStartArray();
        for (int i = 0; i < r.messages().size(); i++) writeMessage(g, r.messages().get(i), i == blank);
        g.writeEndArray();
        g.writeStartArray();
        for (Tool t : r.tools()) {
            g.writeStartArray();
            g.writeString(t.name());
            g.writeString(t.description());
            tree(g, t.parameters());
            g.writeObject(t.strict());
            tree(g, t.cacheControl());
            if (t.custom()) tree(g, t.customFormat()); // only for custom tools: a function's key is as it always was
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeString(r.toolChoice() == null ? null : r.toolChoice().toString());
        g.writeObject(r.parallelToolCalls());
        g.writeString(r.responseFormat() == null ? null : r.responseFormat().toString());
        g.writeObject(r.temperature());
        g.writeObject(r.topP());
        g.writeObject(r.maxTokens());
        g.writeObject(r.maxCompletionTokens());
        g.writeStartArray();
        for (String s : r.stop()) g.writeString(s);
        g.writeEndArray();
        g.writeObject(r.seed());
        g.writeStartObject();
        Map<String, JsonNode> extra = r.extra().isEmpty() ? Map.of() : new TreeMap<>(r.extra()); // most requests: none
        for (Map.Entry<String, JsonNode> e : extra.entrySet()) {
            if (IGNORED.contains(e.getKey())) continue;
            g.writeFieldName(e.getKey());
            g.writeTree(e.getValue());
        }
        g.writeEndObject();
    }

    private static void writeMessage(JsonGenerator g, Message m, boolean blankText) throws IOException {
        g.writeStartArray();
        g.writeString(m.role().wire());
        g.writeString(m.name());
        g.writeString(m.toolCallId());
        g.writeString(m.reasoning());
        g.writeString(m.refusal());
        g.writeStartArray();
        for (ContentPart p : m.content()) {
            switch (p) {
                // a part's unknown fields (sent to the provider, so they can change the answer) only when there are
                // some: the keys of parts without any stay what they were (Redis entries outlive an upgrade). No
                // ambiguity: they are an object where the next thing would be the marker (an object or null) and then
                // another part's type (a string) or the end of the list
                case ContentPart.Text t -> {
                    g.writeString("text");
                    g.writeString(blankText ? null : t.text());
                    if (t.extra() != null) tree(g, t.extra());
                }
                case ContentPart.Image i -> {
                    g.writeString("image");
                    g.writeString(i.url());
                    g.writeString(i.detail());
                    if (i.extra() != null) tree(g, i.extra());
                }
                case ContentPart.File f -> {
                    g.writeString("file");
                    tree(g, f.raw());
                }
                case ContentPart.Audio a -> {
                    g.writeString("audio");
                    tree(g, a.raw());
                }
                case ContentPart.Other o -> {
                    g.writeString(o.type());
                    tree(g, o.raw());
                }
            }
            tree(g, p.cacheControl());
        }
        g.writeEndArray();
        g.writeStartArray();
        for (ToolCall c : m.toolCalls()) {
            g.writeString(c.id());
            g.writeString(c.name());
            g.writeString(c.arguments());
            if (c.custom()) g.writeString("custom"); // only for a custom tool's call: a function call's key is unchanged
        }
        g.writeEndArray();
        tree(g, m.extra());
        g.writeEndArray();
    }

    private static void tree(JsonGenerator g, JsonNode n) throws IOException {
        if (n == null) g.writeNull();
        else g.writeTree(n);
    }

    /**
     * A thread's digest and the generator that feeds it. The generator is never closed: after each key's one root value
     * it is flushed into the digest and the next key is its next root value, written with no separator (a plain
     * generator's first root value has none either), so the bytes hashed are exactly a fresh generator's.
     * {@code RequestFingerprintTest} holds keys made one after another, and after a failed one, to keys made alone.
     */
    private static final class Digester {
        private final MessageDigest sha;
        private JsonGenerator generator;

        Digester() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        JsonGenerator start() {
            sha.reset(); // a digest an exception left half-fed must not leak into this one
            if (generator == null) {
                try {
                    generator = JSON.createGenerator(new DigestStream(sha)).setRootValueSeparator(null);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return generator;
        }

        byte[] finish() throws IOException {
            generator.flush(); // the generator's buffer into the digest
            return sha.digest();
        }

        void discard() { generator = null; }
    }

    /** Bytes straight into the digest: the canonical form is never held in memory. */
    private static final class DigestStream extends OutputStream {
        private final MessageDigest sha;

        DigestStream(MessageDigest sha) { this.sha = sha; }

        @Override public void write(int b) { sha.update((byte) b); }

        @Override public void write(byte[] b, int off, int len) { sha.update(b, off, len); }
    }
}
