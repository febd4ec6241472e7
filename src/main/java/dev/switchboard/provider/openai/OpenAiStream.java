package dev.switchboard.provider.openai;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.RelayedEvent;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.AnswerShape;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.SseRelay;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.http.HttpClientResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's stream: {@code data: <chunk>} events ended by {@code data: [DONE]}; an {@code {"error":…}} event
 * fails the stream. Lax servers that end the body after a finish_reason without [DONE] count as complete.
 *
 * <p>To an OpenAI-dialect client (the sink takes {@link RelayedEvent#OPENAI_CHAT}) a chunk already in OpenAI's exact
 * shape is relayed as the upstream sent it, read only by {@link OpenAiChunkScan}; the usage chunk, tool-call pieces,
 * errors and anything another server shapes its own way are decoded and encoded again, as for every other client.
 */
final class OpenAiStream extends SseRelay {
    private final OpenAiChatDecoder decoder;
    private final String deploymentId;
    private final String secret;
    private final ToolCallDeltaNormalizer toolCalls = new ToolCallDeltaNormalizer();
    private boolean sawFinishReason;
    /**
     * The running key scans of each choice's content, reasoning and tool-call arguments ({@link #channel}): a key cut
     * across one text's deltas is masked from its 8th character, whatever other texts' deltas come between.
     */
    private final KeyScrubber.Runs runs = textRuns();
    /** The decoded chunk's texts through {@link #runs} (the common way): one instance, not one per event. */
    private final Texts running = runs::next;
    private final boolean scrubsText;
    /** {@link OpenAiChatDecoder#usageMayRideTheFinish}, asked once per stream (Groq; false for everyone else). */
    private final boolean usageOnFinish;
    private OpenAiChunkScan scan;
    /** The id and served model went out with an earlier relayed event: later ones need not read them. */
    private boolean identified;
    private LazyChunk lazy;
    /** A choiceless, usage-less event's own fields (Azure's first: prompt_filter_results), for the next chunk out. */
    private com.fasterxml.jackson.databind.node.ObjectNode heldFields;

    OpenAiStream(HttpClientResponse upstream, OpenAiChatDecoder decoder, UpstreamHttp.Endpoint endpoint,
                 KeyScrubber scrubber, String deploymentId, String secret) {
        super(upstream, endpoint, scrubber);
        this.decoder = decoder;
        this.deploymentId = deploymentId;
        this.secret = secret;
        this.scrubsText = !scrubber.isEmpty();
        this.usageOnFinish = decoder.usageMayRideTheFinish();
    }

    @Override
    protected String relayDialect() { return RelayedEvent.OPENAI_CHAT; }

    @Override
    protected void onEvent(String event, byte[] data) {
        onEvent(event, data, 0, data.length);
    }

    /** An {@code {"error":…}} chunk in place of the first chunk: the attempt's failure. */
    @Override
    protected GatewayException firstEventError(String event, byte[] data) {
        com.fasterxml.jackson.databind.JsonNode n = dev.switchboard.provider.Json.readOrNull(data);
        return n != null && n.hasNonNull("error") ? OpenAiErrorDecoder.midStream(n.get("error"), deploymentId, secret) : null;
    }

    /**
     * A first event that is JSON but no chunk (neither {@code choices} nor {@code usage} nor {@code error}: a server
     * answering with Responses API or Anthropic events) fails the attempt before the stream starts, a 502 that is
     * retried and fallen back from; later such events fail the stream ({@link OpenAiChatDecoder#chunk}). One parse per
     * stream.
     */
    @Override
    protected String firstEventShape(String event, byte[] data, int offset, int length) {
        com.fasterxml.jackson.databind.JsonNode n;
        try {
            n = dev.switchboard.provider.Json.MAPPER.readTree(data, offset, length);
        } catch (Exception e) {
            return null; // [DONE], or bytes the stream itself refuses as not JSON
        }
        if (n == null || !n.isObject() || n.has("choices") || n.has("usage") || n.has("error")) return null;
        String type = n.path("type").isTextual() ? n.get("type").textValue() : null;
        return "a chunk with neither `choices` nor `usage`" + (type == null ? ""
                : " (an event of type `" + (type.length() > 40 ? type.substring(0, 40) + "…" : type) + "`: not a Chat Completions stream)");
    }

    /**
     * The failure a finish reason said ({@link FinishReasons.Failed}), held until the usage the server sends after it
     * (OpenAI's order: the finishing chunk, then the usage chunk): the provider bills the failed generation, so the call
     * is metered at its usage, not the gateway's estimate. Null while the stream goes well.
     */
    private GatewayException failedFinish;

    @Override
    protected void onEvent(String event, byte[] data, int offset, int length) {
        if (failedFinish != null) {
            usageAfterFailedFinish(data, offset, length);
            return;
        }
        if (isDone(data, offset, length)) {
            finish();
            return;
        }
        byte[] sent = unmasked();
        if (sent != null && scrubsText) {
            // the key scan masked some of this event: the running scan reads its texts as sent (a masked text would end
            // the run, and the key's next pieces pass); the chunk is decoded, its texts replaced by that scan's
            Scanned scanned = scannedSent(sent);
            if (scanned != null) {
                decodeAndEmit(data, offset, length, scanned);
                return;
            }
        }
        if (relaying() && heldFields == null) { // held fields go out on this chunk: decoded to add them
            if (scan == null) scan = new OpenAiChunkScan();
            scan.read(data, offset, length, !identified, true); // texts: the key-run scan and the request log read them
            // Groq's finishing chunk (and a choiceless one) may hold x_groq.usage, which the scan does not read: decoded
            if (scan.relayable && !(usageOnFinish && (scan.finishReason != null || scan.firstIndex < 0))) {
                Scanned scanned = scannedTexts(scan);
                if (scanned == null) {
                    relayAsSent(data, offset, length);
                    return;
                }
                // a key run that began in an earlier event reached this one: decoded, with the texts already masked
                // (the run scanner has moved on; scanning them again would not see the same run)
                decodeAndEmit(data, offset, length, scanned);
                return;
            }
        }
        decodeAndEmit(data, offset, length, running);
    }

    private void relayAsSent(byte[] data, int offset, int length) {
        OpenAiChunkScan s = scan;
        if (s.finishReason != null) sawFinishReason = true;
        if (!identified) unfinished.identify(s.id, s.model, System.currentTimeMillis() / 1000);
        unfinished.seen(Math.max(0, s.firstIndex), s.finishReason != null); // a chunk relayed as sent has one choice
        if (lazy == null) lazy = new LazyChunk();
        lazy.of(data, offset, length);
        RelayedEvent e = new RelayedEvent(RelayedEvent.OPENAI_CHAT, null, data, offset, length, s.id, s.model, s.finishReason,
                s.outputChars, s.usageNullFrom, s.usageNullTo, lazy, s.contents);
        identified = true;
        try {
            relay(e);
        } finally {
            lazy.of(null, 0, 0); // the event's bytes are the read's: nothing decodes them after the call
        }
    }

    /**
     * The relayed event's canonical chunk, decoded when a stage first asks ({@link RelayedEvent#chunk()}), once. One per
     * stream, re-aimed at each event: an event is valid during the call that hands it over only (every stage that asks,
     * asks then), so a lambda and its holder per event were garbage.
     */
    private final class LazyChunk implements java.util.function.Supplier<ChatChunk> {
        private byte[] data;
        private int offset;
        private int length;
        private ChatChunk decoded;

        void of(byte[] data, int offset, int length) {
            this.data = data;
            this.offset = offset;
            this.length = length;
            decoded = null;
        }

        @Override
        public ChatChunk get() {
            if (data == null) throw new IllegalStateException("a relayed event read after the call that handed it over");
            if (decoded == null) {
                try {
                    decoded = decoder.chunk(data, offset, length);
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex); // the scan read it whole: cannot happen
                }
            }
            return decoded;
        }
    }

    /**
     * The chunk read from its bytes when it is the usage chunk (it follows the finish reason, so nothing before the
     * finish is tried), or null: the decoder reads it, as it reads every other chunk it decodes.
     */
    private ChatChunk usageChunk(byte[] data, int offset, int length) {
        if (!decoder.usageIsPlain()) return null; // a service whose usage is not OpenAI's: the decoder reads it
        if (scan == null) scan = new OpenAiChunkScan();
        return scan.usageChunk(data, offset, length, decoder.fallbackModel());
    }

    /**
     * The texts of an event as the upstream sent it, each through its running scan, for the decoded (masked) event's
     * texts to become; null when it cannot be decoded (the masked event then fails as it would have) or has none.
     */
    private Scanned scannedSent(byte[] sent) {
        ChatChunk c;
        try {
            c = decoder.chunk(sent, 0, sent.length);
        } catch (Exception e) {
            return null;
        }
        Scanned out = new Scanned();
        scrubText(c, (channel, json, text) -> out.add(channel, runs.next(channel, json, text)));
        return out.count == 0 ? null : out;
    }

    /**
     * The texts a relayable chunk adds, each through its running scan; null when none changed (the common case: then
     * nothing is made).
     */
    private Scanned scannedTexts(OpenAiChunkScan s) {
        if (!scrubsText) return null;
        Scanned out = null;
        int contents = s.contents.size();
        for (int i = 0; i < contents + s.reasonings.size(); i++) {
            boolean content = i < contents;
            String t = content ? s.contents.get(i) : s.reasonings.get(i - contents);
            long channel = content ? channel(s.contentChoices[i], CONTENT) : channel(s.reasoningChoices[i - contents], REASONING);
            String m = runs.next(channel, false, t);
            if (m != t && out == null) {
                out = new Scanned();
                for (int j = 0; j < i; j++) { // those before went through their scans unchanged
                    out.add(j < contents ? channel(s.contentChoices[j], CONTENT) : channel(s.reasoningChoices[j - contents], REASONING),
                            j < contents ? s.contents.get(j) : s.reasonings.get(j - contents));
                }
            }
            if (out != null) out.add(channel, m);
        }
        return out;
    }

    /** The running scan of each choice's content, of its reasoning, and of each of its tool calls' arguments. */
    private static final int CONTENT = 0, REASONING = 1, TOOL_ARGUMENTS = 2;

    private static long channel(int choice, int kind) { return KeyScrubber.channel(choice, kind); }

    /** A tool call's arguments: JSON pieces, or a custom tool's free text (scanned as text). */
    private static long channel(int choice, ToolCallDelta call) {
        return channel(choice, TOOL_ARGUMENTS + 2 * Math.max(call.index(), 0) + (call.custom() ? 1 : 0));
    }

    /** How a decoded chunk's texts are masked: by the running scans ({@link #running}), or as they already did. */
    @FunctionalInterface
    private interface Texts {
        String mask(long channel, boolean json, String text);
    }

    /**
     * The texts of one event that the running scans already read (from the event as sent, or from the relay's scan), by
     * channel, each used once: what the decoded chunk's texts become (scanning them again would not see the same
     * runs: the scans have moved on). Made only when a scan masked something.
     */
    private final class Scanned implements Texts {
        private long[] channels = new long[2];
        private String[] texts = new String[2];
        private int count;

        String add(long channel, String text) {
            if (count == channels.length) {
                channels = java.util.Arrays.copyOf(channels, count * 2);
                texts = java.util.Arrays.copyOf(texts, count * 2);
            }
            channels[count] = channel;
            texts[count++] = text;
            return text;
        }

        @Override
        public String mask(long channel, boolean json, String text) {
            for (int i = 0; i < count; i++) {
                if (channels[i] == channel && texts[i] != null) {
                    String scanned = texts[i];
                    texts[i] = null;
                    return KeyScrubber.withMasks(text, scanned);
                }
            }
            return runs.next(channel, json, text);
        }
    }

    private void decodeAndEmit(byte[] data, int offset, int length, Texts mask) {
        ChatChunk chunk = sawFinishReason ? usageChunk(data, offset, length) : null;
        try {
            if (chunk == null) chunk = decoder.chunk(data, offset, length);
        } catch (OpenAiChatDecoder.ErrorEvent e) {
            fail(OpenAiErrorDecoder.midStream(e.error, deploymentId, secret));
            return;
        } catch (FinishReasons.Failed e) {
            // the server said the generation failed: an error event, never [DONE]; after its usage, when it sends one
            failedFinish = e.error(deploymentId);
            Usage onTheChunk = decoder.usageOf(data, offset, length); // Mistral's place
            if (onTheChunk != null) failWithUsage(onTheChunk);
            return;
        } catch (AnswerShape.Wrong e) {
            failShape(e.getMessage());
            return;
        } catch (Exception e) {
            fail(GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + deploymentId + " sent a stream event that is not JSON."));
            return;
        }
        // Azure's first event carries only prompt_filter_results (no choices, no usage, an empty id): as an event of its
        // own it breaks clients that read choices[0] and OpenAI's chunk schema, so its fields go out on the next chunk
        if (chunk.choices().isEmpty() && chunk.usage() == null) {
            if (chunk.extra() != null) {
                if (heldFields == null) heldFields = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                heldFields.setAll(chunk.extra());
            }
            return;
        }
        if (heldFields != null) {
            if (chunk.extra() != null) heldFields.setAll(chunk.extra()); // the chunk's own value wins
            chunk = new ChatChunk(chunk.id(), chunk.created(), chunk.model(), chunk.choices(), chunk.usage(),
                    chunk.systemFingerprint(), chunk.serviceTier(), chunk.raw(), heldFields);
            heldFields = null;
        }
        unfinished.identify(chunk.id(), chunk.model(), chunk.created());
        for (ChunkChoice c : chunk.choices()) {
            if (c.finishReason() != null) sawFinishReason = true;
            unfinished.seen(c.index(), c.finishReason() != null);
            if (c.delta() != null && !c.delta().toolCalls().isEmpty()) unfinished.sawToolCall = true;
        }
        if (chunk.choices().isEmpty() && !sawFinishReason) {
            // a usage chunk before any finish reason (a running count, or a server that never says why it stopped):
            // held, each replacing the last, and sent after the finish this stream's end says for it
            heldUsage = chunk;
            return;
        }
        if (chunk.usage() != null && !chunk.choices().isEmpty()) {
            // Mistral (and other servers) put the usage on the chunk that finishes; OpenAI's clients expect it on a
            // last chunk of its own with no choices, which is also the one the edge drops for clients that did not ask
            emit(toolCalls.normalize(scrubText(new ChatChunk(chunk.id(), chunk.created(), chunk.model(), chunk.choices(), null,
                    chunk.systemFingerprint(), chunk.serviceTier(), null, chunk.extra()), mask)));
            ChatChunk usage = new ChatChunk(chunk.id(), chunk.created(), chunk.model(), java.util.List.of(), chunk.usage(),
                    chunk.systemFingerprint(), chunk.serviceTier(), null); // the chunk's own fields went with its choices
            if (finishes(chunk) && !usageOnFinish) {
                heldUsage = null;
                emit(usage);
            } else {
                // a running count on a content chunk (Perplexity, vLLM's continuous_usage_stats): held, each replacing
                // the last, and sent once at the end, so the call is metered at the whole count (the first was) and a
                // client gets one usage chunk, as from OpenAI. Groq's x_groq.usage on its finish too: a top-level usage
                // chunk that follows it replaces it, so the client gets one either way
                heldUsage = usage;
            }
            return;
        }
        if (chunk.choices().isEmpty()) heldUsage = null; // a usage chunk of its own: the server's last word
        emit(toolCalls.normalize(scrubText(chunk, mask)));
    }

    /**
     * An event after a finish reason that said the generation failed: the usage chunk goes out (the ledger prices it),
     * then the failure; [DONE], or anything that is not a usage chunk, fails the stream at once.
     */
    private void usageAfterFailedFinish(byte[] data, int offset, int length) {
        Usage usage = isDone(data, offset, length) ? null : decoder.usageOf(data, offset, length);
        if (usage == null && heldUsage != null) usage = heldUsage.usage(); // a running count before the finish
        failWithUsage(usage);
    }

    /** Sends {@code usage} (when there is one) on a chunk of its own, then fails with the held failure. */
    private void failWithUsage(Usage usage) {
        GatewayException failure = failedFinish;
        if (usage != null) {
            heldUsage = null;
            // the failing chunk may be the first (no id or model seen yet): the deployment's model then, as finishIfUnsaid does
            emit(new ChatChunk(unfinished.id, unfinished.created != 0 ? unfinished.created : System.currentTimeMillis() / 1000,
                    unfinished.model != null ? unfinished.model : decoder.fallbackModel(), java.util.List.of(), usage, null, null, null));
        }
        fail(failure);
    }

    /** The running count held when no usage came with or after the finish reason: sent before the stream ends. */
    private ChatChunk heldUsage;

    @Override
    protected void beforeEnd() {
        if (failedFinish != null) { // the body ended after a failed finish without a usage chunk
            failWithUsage(heldUsage == null ? null : heldUsage.usage());
            return;
        }
        finishIfUnsaid();
        if (heldUsage == null) return;
        ChatChunk u = heldUsage;
        heldUsage = null;
        emit(u);
    }

    /** What a finish reason the upstream never sent is made from. */
    private final Unfinished unfinished = new Unfinished();

    private static final class Unfinished {
        String id;
        String model;
        long created;
        boolean sawToolCall;
        /** The choices that streamed something, and those that said why they stopped. */
        final java.util.BitSet seen = new java.util.BitSet(1);
        final java.util.BitSet finished = new java.util.BitSet(1);

        void seen(int index, boolean finishes) {
            if (index < 0 || index > 127) return; // n is at most 128
            seen.set(index);
            if (finishes) finished.set(index);
        }

        void identify(String id, String model, long created) {
            if (this.id == null && id != null) {
                this.id = id;
                this.created = created;
            }
            if (this.model == null && model != null) this.model = model;
        }
    }

    /**
     * A server that answered but never said why it stopped (some OpenAI-compatible servers end with [DONE] or a usage
     * chunk only): the finish reason is said for it, {@code tool_calls} after a tool call, else {@code stop}, on a chunk
     * of its own before the usage, as OpenAI orders them. Without it openai-node's {@code finalChatCompletion} throws and
     * a translated client gets no stop reason.
     */
    private void finishIfUnsaid() {
        if (unfinished.id == null) return;
        java.util.BitSet open = (java.util.BitSet) unfinished.seen.clone();
        open.andNot(unfinished.finished);
        if (open.isEmpty()) return;
        sawFinishReason = true;
        FinishReason why = unfinished.sawToolCall ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        String model = unfinished.model == null ? decoder.fallbackModel() : unfinished.model;
        for (int i = open.nextSetBit(0); i >= 0; i = open.nextSetBit(i + 1)) { // each choice that never said (n > 1)
            emit(new ChatChunk(unfinished.id, unfinished.created, model, List.of(new ChunkChoice(i, Delta.EMPTY, why, null)),
                    null, null, null));
        }
    }

    private static boolean finishes(ChatChunk c) {
        for (ChunkChoice ch : c.choices()) if (ch.finishReason() != null) return true;
        return false;
    }

    /**
     * The chunk with key runs that continue across deltas masked, in each choice's content, reasoning and tool-call
     * arguments, each text through its own scan (the same chunk when nothing changed).
     */
    private static ChatChunk scrubText(ChatChunk c, Texts mask) {
        List<ChunkChoice> out = null;
        for (int k = 0; k < c.choices().size(); k++) {
            ChunkChoice ch = c.choices().get(k);
            Delta d = ch.delta();
            int i = ch.index();
            String content = d.content() == null ? null : mask.mask(channel(i, CONTENT), false, d.content());
            String reasoning = d.reasoning() == null ? null : mask.mask(channel(i, REASONING), false, d.reasoning());
            List<ToolCallDelta> calls = d.toolCalls();
            for (int j = 0; j < d.toolCalls().size(); j++) {
                ToolCallDelta t = d.toolCalls().get(j);
                String args = t.argumentsFragment();
                if (args == null) continue;
                String masked = mask.mask(channel(i, t), !t.custom(), args);
                if (masked == args) continue;
                if (calls == d.toolCalls()) calls = new ArrayList<>(d.toolCalls());
                calls.set(j, new ToolCallDelta(t.index(), t.id(), t.name(), masked, t.custom()));
            }
            if (content == d.content() && reasoning == d.reasoning() && calls == d.toolCalls()) continue;
            if (out == null) out = new ArrayList<>(c.choices());
            out.set(k, ch.withDelta(new Delta(d.role(), content, reasoning, d.refusal(), calls, d.extra())));
        }
        return out == null ? c : c.withChoices(out);
    }

    private static boolean isDone(byte[] d, int off, int len) {
        int from = off, to = off + len;
        while (from < to && d[from] <= ' ') from++;
        while (to > from && d[to - 1] <= ' ') to--;
        return to - from == 6 && d[from] == '[' && d[from + 1] == 'D' && d[from + 2] == 'O' && d[from + 3] == 'N'
                && d[from + 4] == 'E' && d[from + 5] == ']';
    }

    @Override
    protected boolean completeAtEndOfBody() { return sawFinishReason || failedFinish != null; } // the latter fails in beforeEnd
}
