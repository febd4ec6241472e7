package dev.switchboard.model;

import java.util.function.Supplier;

/**
 * One upstream stream event passed to a client of the provider's own dialect as the upstream sent it (its key runs
 * already masked), instead of a {@link ChatChunk} decoded and encoded again. It carries the few facts the stages read
 * from a chunk on its way (the output it adds, its finish reason, the answer's id and served model on the first
 * event), so they need no decode; a stage that needs the whole chunk (the response cache recording a miss, a request
 * log keeping the completion, a client of another dialect) asks {@link #chunk()}, which decodes it then, once.
 *
 * <p>Only events that are already in the dialect's exact shape travel this way: a usage event (priced on its way,
 * dropped for a client that did not ask for usage), an error, a tool-call piece (normalised), an event that lacks a
 * field the dialect requires or whose text a key run crossing events reached — those go as canonical chunks.
 *
 * <p>The bytes are valid only during the call that hands the event over: they are written (copied) or dropped there.
 *
 * @param dialect      which dialect the bytes are in ({@link #OPENAI_CHAT}, {@link RawJson#ANTHROPIC})
 * @param event        the SSE event name to write ({@code event:} line), or null for a data-only event
 * @param data         the event's data field; bytes {@code [offset, offset + length)}
 * @param id           the answer's id, on the stream's first relayed event only (else null)
 * @param model        the model that served, on the stream's first relayed event only (else null)
 * @param finishReason the finish reason this event carries in the dialect's words, or null
 * @param outputChars  characters of answer text (content and reasoning) this event adds
 * @param usageNullFrom where OpenAI's {@code "usage":null} member (with its comma) begins in {@code data}, or -1: the
 *                      gateway always asks the upstream for usage, and OpenAI writes this member only for clients that
 *                      asked for it, so the encoder of a client that did not leaves these bytes out
 * @param usageNullTo   where that member ends (exclusive), or -1
 * @param texts        the answer text (content, not reasoning) this event adds, in order, as the provider's scan read
 *                     it; null when it was not read (then {@link #chunk()} has it). A request log that keeps the
 *                     completion reads these instead of decoding every event: with the default log policy (content kept,
 *                     truncated) that decode was most of what the relay was meant to save. Valid during the call only.
 */
public record RelayedEvent(String dialect, String event, byte[] data, int offset, int length, String id, String model,
                           String finishReason, int outputChars, int usageNullFrom, int usageNullTo,
                           Supplier<ChatChunk> canonical, java.util.List<String> texts) {
    /** OpenAI's chat-completion chunks ({@code data: {...}} events). */
    public static final String OPENAI_CHAT = "openai-chat";

    /** An event whose texts were not read. */
    public RelayedEvent(String dialect, String event, byte[] data, int offset, int length, String id, String model,
                        String finishReason, int outputChars, int usageNullFrom, int usageNullTo, Supplier<ChatChunk> canonical) {
        this(dialect, event, data, offset, length, id, model, finishReason, outputChars, usageNullFrom, usageNullTo, canonical, null);
    }

    /** The event as a canonical chunk, decoded now (for stages and clients that need all of it). */
    public ChatChunk chunk() { return canonical.get(); }
}
