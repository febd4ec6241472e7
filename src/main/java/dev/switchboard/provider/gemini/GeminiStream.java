package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.SseRelay;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.http.HttpClientResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gemini's {@code streamGenerateContent?alt=sse}: each event is a partial GenerateContentResponse; there is
 * no end marker, so the stream is complete when the body ends after every candidate carried a finishReason (or
 * after the single event of a blocked prompt, which has promptFeedback.blockReason and no candidates).
 * Function calls arrive whole, so each becomes one tool-call delta with id, name and all its arguments.
 *
 * <p>With {@code n} > 1 ({@code candidateCount}) an event carries parts of several candidates, each with its
 * {@code index}: every candidate is its own choice (its text, tool calls and finish reason under its index), and the
 * usage chunk, whose counts cover all candidates, follows once each has finished.
 */
final class GeminiStream extends SseRelay {
    private final String fallbackModel;
    private final String deploymentId;
    private final String secret;
    /** How many candidates the request asked for: the usage chunk goes out when that many have finished. */
    private final int asked;
    private boolean started;
    /** The usage chunk went out (or a blocked prompt's finish): nothing more is emitted. */
    private boolean done;
    private String id;
    private String model;
    private volatile JsonNode lastUsage;
    private final long created = System.currentTimeMillis() / 1000;
    private final Map<Integer, Candidate> candidates = new TreeMap<>();

    /**
     * One candidate's progress: its tool calls so far, whether it finished, its own key-run scans of its text and of its
     * thoughts (each its own text: a thought part between two of a key's pieces does not end its run). Function-call
     * arguments come whole, one part each: the event scan sees them.
     */
    private final class Candidate {
        final KeyScrubber.Run textRun = textRun();
        final KeyScrubber.Run thoughtRun = textRun();
        int toolIndex;
        /** Images streamed so far: each one's {@code index} in {@code delta.images}. */
        int imageIndex;
        boolean finished;
    }

    GeminiStream(HttpClientResponse upstream, UpstreamHttp.Endpoint endpoint, KeyScrubber scrubber, String deploymentId,
                 String fallbackModel, String secret, int asked) {
        super(upstream, endpoint, scrubber);
        this.deploymentId = deploymentId;
        this.fallbackModel = fallbackModel;
        this.secret = secret;
        this.asked = Math.max(1, asked);
    }

    /**
     * An {@code {"error":…}} chunk (UNAVAILABLE, RESOURCE_EXHAUSTED, …) in place of the first candidate: the attempt's
     * failure. So is a first candidate that finished {@code MALFORMED_FUNCTION_CALL}: the non-stream answer with it is a
     * 502 that is retried and fallen back from (GeminiAnswerShape), and the stream has sent its client nothing yet, so it
     * fails the same way (it was a 200 holding a role chunk and an error event, never retried).
     */
    @Override
    protected dev.switchboard.model.GatewayException firstEventError(String event, byte[] data) {
        JsonNode n = dev.switchboard.provider.Json.readOrNull(data);
        if (n == null) return null;
        if (n.has("error")) return GeminiErrorDecoder.inStream(n, deploymentId, secret);
        for (JsonNode c : n.path("candidates")) {
            if (GeminiResponseDecoder.MALFORMED.equals(Json.text(c, "finishReason"))) {
                return shapeError(GeminiResponseDecoder.malformed(c));
            }
        }
        return null;
    }

    private static final byte[] MALFORMED_BYTES = GeminiResponseDecoder.MALFORMED.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    protected byte[] firstEventFailureWord() { return MALFORMED_BYTES; }

    @Override
    protected void onEvent(String event, byte[] data) {
        JsonNode n = json(data);
        if (n == null) return;
        if (n.has("error")) {
            fail(GeminiErrorDecoder.inStream(n, deploymentId, secret));
            return;
        }
        String problem = GeminiAnswerShape.event(n);
        if (problem != null) {
            failShape(problem);
            return;
        }
        // no responseId: one made up for the whole stream, so its tool-call ids differ from every other answer's
        if (id == null) id = GeminiResponseDecoder.answerId(Json.text(n, "responseId"));
        model = Json.text(n, "modelVersion") == null ? fallbackModel : Json.text(n, "modelVersion");
        if (n.hasNonNull("usageMetadata")) lastUsage = n.get("usageMetadata");
        if (!started) {
            started = true;
            candidate(0); // the role chunk of choice 0 at once, whatever comes (a blocked prompt has no candidate)
        }
        if (done) return;
        if (n.path("candidates").isEmpty() && GeminiResponseDecoder.promptBlocked(n)) {
            // the one event of a blocked prompt: a complete, filtered stream
            candidates.get(0).finished = true;
            emit(chunk(0, Delta.EMPTY, FinishReason.CONTENT_FILTER));
            done = true;
            return;
        }
        // the key scan masked some of this event: the running scans read the texts as sent (a masked text would end a
        // run, and a key's next pieces pass); nothing else is read from these bytes
        JsonNode sent = sent();
        int position = 0;
        for (JsonNode c : n.path("candidates")) {
            JsonNode sentCandidate = sent == null ? null : sent.path("candidates").path(position);
            // Google's JSON leaves out an index of 0 (proto3), so a missing one is the candidate's place, as non-stream
            if (!onCandidate(c.path("index").asInt(position++), c, sentCandidate)) return;
        }
        if (finishedCount() >= asked) done = true; // the usage goes out when the body ends: a later event may carry it
    }

    /** This event as the upstream sent it, when the key scan masked some of it; else null. */
    private JsonNode sent() {
        byte[] b = unmasked();
        if (b == null) return null;
        try {
            return Json.read(b);
        } catch (Exception e) {
            return null;
        }
    }

    /** A candidate's answer text (its text parts that are not thoughts), or its thoughts, as {@link #onCandidate} gathers them. */
    private static String partsText(JsonNode candidate, boolean thoughts) {
        StringBuilder text = new StringBuilder();
        for (JsonNode p : candidate.path("content").path("parts")) {
            if (!p.has("functionCall") && p.path("thought").asBoolean(false) == thoughts && p.has("text")) text.append(p.get("text").asText());
        }
        return text.toString();
    }

    /**
     * One candidate's part of an event as a chunk of its choice; false when the stream failed. {@code sent}: the same
     * candidate as the upstream sent it, when the key scan masked some of the event (its text is what the running
     * scan reads), else null.
     */
    private boolean onCandidate(int index, JsonNode candidate, JsonNode sent) {
        Candidate state = candidate(index);
        if (state.finished) return true;
        StringBuilder text = new StringBuilder();
        StringBuilder thought = new StringBuilder();
        List<ToolCallDelta> calls = new ArrayList<>();
        com.fasterxml.jackson.databind.node.ArrayNode images = null;
        for (JsonNode p : candidate.path("content").path("parts")) {
            if (p.has("functionCall")) {
                JsonNode fc = p.get("functionCall");
                calls.add(new ToolCallDelta(state.toolIndex, GeminiResponseDecoder.callId(p, id, index, state.toolIndex),
                        fc.path("name").asText(), fc.has("args") ? fc.get("args").toString() : "{}"));
                state.toolIndex++;
            } else if (p.path("thought").asBoolean(false)) {
                thought.append(p.path("text").asText());
            } else if (p.has("text")) {
                text.append(p.get("text").asText());
            } else if (GeminiResponseDecoder.isImage(p)) {
                if (images == null) images = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
                images.add(GeminiResponseDecoder.image(p, state.imageIndex++));
            }
        }
        if (text.length() > 0 || thought.length() > 0 || !calls.isEmpty() || images != null) {
            emit(chunk(index, new Delta(null, text.length() > 0
                    ? state.textRun.next(sent != null && sent.isObject() ? partsText(sent, false) : text.toString()) : null,
                    thought.length() > 0
                    ? state.thoughtRun.next(sent != null && sent.isObject() ? partsText(sent, true) : thought.toString()) : null, null, calls,
                    images == null ? null : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().set("images", images)), null));
        }
        if (GeminiResponseDecoder.MALFORMED.equals(Json.text(candidate, "finishReason"))) {
            failShape(GeminiResponseDecoder.malformed(candidate)); // an error event, never a clean empty finish
            return false;
        }
        FinishReason finish = GeminiResponseDecoder.finishReason(Json.text(candidate, "finishReason"));
        if (finish != null) {
            state.finished = true;
            emit(chunk(index, Delta.EMPTY, state.toolIndex > 0 ? FinishReason.TOOL_CALLS : finish));
        }
        return true;
    }

    /** The candidate of this index, met now for the first time: its choice's role chunk goes out first. */
    private Candidate candidate(int index) {
        Candidate c = candidates.get(index);
        if (c == null) {
            c = new Candidate();
            candidates.put(index, c);
            // content null, not "": the turn may be only tool calls, whose content OpenAI leaves null
            emit(chunk(index, new Delta(Role.ASSISTANT, null, null, null, null), null));
        }
        return c;
    }

    private int finishedCount() {
        int count = 0;
        for (Candidate c : candidates.values()) if (c.finished) count++;
        return count;
    }

    /** Gemini's counts so far (each chunk's usageMetadata covers the prompt and what was generated until then). */
    @Override
    public Usage usageSoFar() {
        JsonNode last = lastUsage;
        return last == null ? null : GeminiResponseDecoder.usage(last);
    }

    /**
     * The usage chunk (the last usageMetadata: Gemini's counts so far, for all candidates), sent when the body ends: Vertex
     * and AI Studio may send the whole count in an event of its own after the one that finishes, which sending it at
     * the finish missed (the call was metered at the count so far).
     */
    private void usageChunk() {
        done = true;
        Usage usage = GeminiResponseDecoder.usage(lastUsage);
        if (usage != null) emit(new ChatChunk(id, created, model, List.of(), usage, null, null));
    }

    private ChatChunk chunk(int index, Delta d, FinishReason finish) {
        return new ChatChunk(id, created, model, List.of(new ChunkChoice(index, d, finish, null)), null, null, null);
    }

    /**
     * Complete when every candidate that came has finished: fewer than asked (Gemini gave fewer) is still a whole
     * answer, whose usage chunk goes out here, after the last finish.
     */
    @Override
    protected boolean completeAtEndOfBody() {
        if (!done && (candidates.isEmpty() || finishedCount() < candidates.size())) return false;
        usageChunk();
        return true;
    }
}
