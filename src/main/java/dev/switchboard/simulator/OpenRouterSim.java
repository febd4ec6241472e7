package dev.switchboard.simulator;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenRouter serving Claude with reasoning on ({@code /quirks/openrouter}): the answer carries the thinking as
 * {@code reasoning} and as {@code reasoning_details} with Claude's signature (format {@code anthropic-claude-v1}); a
 * stream sends the text in pieces and the signature in a piece of its own, then {@code "reasoning_details": []} on its
 * content chunks, as OpenRouter's live streams do. A tool
 * loop's last assistant turn must give that signed block back in its {@code reasoning_details}, else Claude's 400,
 * which OpenRouter relays in its error's {@code metadata.raw}.
 *
 * <p>Two more shapes. A prompt holding Anthropic's test string for redacted thinking ({@link #REDACT}) gets Claude's
 * encrypted block first ({@code reasoning.encrypted}, index 0) and then the signed text (index 1), streamed as one piece
 * holding both. An OpenAI reasoning model ({@code openai/gpt-5…}, {@code openai/o…}) thinks too, in OpenAI's format
 * ({@code openai-responses-v1}): a {@code reasoning.summary} (its text also the plain {@code reasoning}) and a
 * {@code reasoning.encrypted} with OpenAI's encrypted content, which mean nothing to Claude.
 */
final class OpenRouterSim {
    private OpenRouterSim() {}

    static final String FORMAT = "anthropic-claude-v1";
    /** OpenRouter's name of OpenAI's reasoning format. */
    static final String OPENAI_FORMAT = "openai-responses-v1";
    /** Anthropic's documented test string: a prompt holding it gets redacted thinking. */
    static final String REDACT = "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253";
    /** The redacted block's data the simulated Claude gives. */
    static final String REDACTED = "EmwKAhgBEgy3sim_redacted";
    /** An OpenAI reasoning model's summary and encrypted content. */
    static final String SUMMARY = "**Checking the question** I looked at what was asked.";
    static final String ENCRYPTED = "gAAAAABsim_openai_encrypted";

    private static boolean claude(JsonObject req) { return String.valueOf(req.getValue("model")).contains("claude"); }

    private static boolean openAiReasoner(JsonObject req) {
        String m = String.valueOf(req.getValue("model"));
        return m.startsWith("openai/gpt-5") || m.startsWith("openai/o");
    }

    private static boolean redacts(JsonObject req) {
        JsonArray messages = req.getJsonArray("messages");
        return messages != null && messages.encode().contains(REDACT);
    }

    /**
     * A Claude model asked to reason ({@code reasoning} enabled, with an effort other than none, or a budget; or the
     * top-level {@code reasoning_effort}, which OpenRouter's API reference calls a shorthand for {@code reasoning.effort}:
     * what the gateway sends for an OpenAI or Responses client's effort).
     */
    static boolean thinks(JsonObject req) {
        if (!claude(req) && !openAiReasoner(req)) return false;
        if (req.getValue("reasoning_effort") instanceof String effort && !effort.equals("none")) return true;
        if (!(req.getValue("reasoning") instanceof JsonObject r)) return false;
        if (Boolean.FALSE.equals(r.getValue("enabled")) || "none".equals(r.getValue("effort"))) return false;
        return Boolean.TRUE.equals(r.getValue("enabled")) || r.getValue("effort") != null || r.getValue("max_tokens") != null;
    }

    /**
     * Whether the top-level {@code reasoning_effort} and the {@code reasoning} object are both given and say different
     * things (another effort; reasoning off in one and on in the other): OpenRouter's docs say the two cannot be used
     * together then, and its API refuses the request.
     */
    static boolean conflicting(JsonObject req) {
        if (!(req.getValue("reasoning_effort") instanceof String effort) || !(req.getValue("reasoning") instanceof JsonObject r)) return false;
        if (r.getValue("effort") instanceof String e) return !e.equals(effort);
        boolean off = Boolean.FALSE.equals(r.getValue("enabled"));
        return off != effort.equals("none");
    }

    /** @return true when the request was refused (and answered) as OpenRouter, or Claude behind it, refuses it */
    static boolean refused(JsonObject req, HttpServerResponse resp) {
        if (conflicting(req)) {
            resp.setStatusCode(400).putHeader("content-type", "application/json").end(new JsonObject().put("error", new JsonObject()
                    .put("message", "reasoning_effort and reasoning cannot be used together when they differ: give one of them")
                    .put("code", 400)).toBuffer());
            return true;
        }
        if (!thinks(req) || !claude(req)) return false;
        JsonArray messages = req.getJsonArray("messages");
        if (messages == null) return false;
        int last = messages.size() - 1;
        while (last >= 0 && "tool".equals(messages.getJsonObject(last).getString("role"))) last--;
        if (last < 0 || last == messages.size() - 1) return false; // not in a tool loop
        JsonObject turn = messages.getJsonObject(last);
        if (!"assistant".equals(turn.getString("role")) || turn.getJsonArray("tool_calls") == null) return false;
        JsonArray details = turn.getJsonArray("reasoning_details");
        JsonObject first = details == null || details.isEmpty() ? null : details.getJsonObject(0);
        String message = null;
        if (first == null) {
            message = "messages." + last + ".content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. "
                    + "When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the "
                    + "lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from "
                    + "previous turns. To avoid this requirement, disable `thinking`.";
        } else {
            // Claude checks each thinking block's signature against that block's own text: a text cut short, joined with
            // another block's or repeated does not verify (its own thought's signature, or a canned block's of its text)
            for (int i = 0; i < details.size(); i++) {
                JsonObject d = details.getJsonObject(i);
                if ("reasoning.text".equals(d.getString("type"))
                        && !AnthropicSim.signatureOf(d.getString("text")).equals(d.getString("signature"))) {
                    message = "messages." + last + ".content." + i + ": Invalid `signature` in `thinking` block";
                    break;
                }
            }
        }
        if (message == null) return false;
        String raw = new JsonObject().put("type", "error").put("error", new JsonObject().put("type", "invalid_request_error")
                .put("message", message)).encode();
        resp.setStatusCode(400).putHeader("content-type", "application/json").end(new JsonObject().put("error", new JsonObject()
                .put("message", "Provider returned error").put("code", 400)
                .put("metadata", new JsonObject().put("raw", raw).put("provider_name", "Anthropic"))).toBuffer());
        return true;
    }

    /** The whole answer's message with its signed reasoning (Claude's, or an OpenAI reasoning model's summary). */
    static void addTo(JsonObject message, JsonObject req) {
        if (!claude(req)) {
            message.put("reasoning", SUMMARY).put("reasoning_details", new JsonArray()
                    .add(new JsonObject().put("type", "reasoning.summary").put("summary", SUMMARY).put("id", "rs_sim1")
                            .put("format", OPENAI_FORMAT).put("index", 0))
                    .add(new JsonObject().put("type", "reasoning.encrypted").put("data", ENCRYPTED).put("id", "rs_sim1")
                            .put("format", OPENAI_FORMAT).put("index", 1)));
            return;
        }
        JsonArray details = new JsonArray();
        if (redacts(req)) details.add(new JsonObject().put("type", "reasoning.encrypted").put("data", REDACTED).put("format", FORMAT).put("index", 0));
        details.add(new JsonObject().put("type", "reasoning.text").put("text", AnthropicSim.THOUGHT).put("signature", AnthropicSim.SIGNATURE)
                .put("format", FORMAT).put("index", details.size()));
        message.put("reasoning", AnthropicSim.THOUGHT).put("reasoning_details", details);
    }

    /**
     * The stream's events after the reasoning's pieces, which come first: its text in two pieces (with the plain
     * {@code reasoning} beside each), then its signature in a piece of its own ({@code reasoning: null}), as OpenRouter's
     * live streams do; every later chunk's delta (the content's, the finish's) carries {@code "reasoning": null} and
     * {@code "reasoning_details": []}, as OpenRouter's do, so a recorder that keeps the last value loses the signature.
     * Redacted thinking: one piece with the encrypted block and the whole signed text (the plain reasoning beside it).
     * An OpenAI reasoning model: its summary in two pieces, then its encrypted content in a piece of its own.
     */
    static List<String> streamed(List<String> events, JsonObject req) {
        if (events.isEmpty() || !events.get(0).startsWith("{")) return events;
        List<String> out = new ArrayList<>(events.size() + 3);
        boolean claude = claude(req);
        String thought = claude ? AnthropicSim.THOUGHT : SUMMARY;
        if (claude && redacts(req)) {
            out.add(piece(events.get(0), new JsonObject().put("reasoning", thought).put("reasoning_details", new JsonArray()
                    .add(new JsonObject().put("type", "reasoning.encrypted").put("data", REDACTED).put("format", FORMAT).put("index", 0))
                    .add(new JsonObject().put("type", "reasoning.text").put("text", thought).put("signature", AnthropicSim.SIGNATURE)
                            .put("format", FORMAT).put("index", 1)))));
            for (String e : events) out.add(withEmptyDetails(e));
            return out;
        }
        int cut = thought.indexOf(' ', thought.length() / 2) + 1;
        for (String text : new String[] {thought.substring(0, cut), thought.substring(cut)}) {
            JsonObject detail = claude ? new JsonObject().put("type", "reasoning.text").put("text", text).put("format", FORMAT).put("index", 0)
                    : new JsonObject().put("type", "reasoning.summary").put("summary", text).put("id", "rs_sim1").put("format", OPENAI_FORMAT).put("index", 0);
            out.add(piece(events.get(0), new JsonObject().put("reasoning", text).put("reasoning_details", new JsonArray().add(detail))));
        }
        JsonObject last = claude
                ? new JsonObject().put("type", "reasoning.text").put("signature", AnthropicSim.SIGNATURE).put("format", FORMAT).put("index", 0)
                : new JsonObject().put("type", "reasoning.encrypted").put("data", ENCRYPTED).put("id", "rs_sim1").put("format", OPENAI_FORMAT).put("index", 1);
        out.add(piece(events.get(0), new JsonObject().putNull("reasoning").put("reasoning_details", new JsonArray().add(last))));
        for (String e : events) out.add(withEmptyDetails(e));
        return out;
    }

    /** A later chunk as OpenRouter sends it: its delta with {@code "reasoning": null} and {@code "reasoning_details": []}. */
    private static String withEmptyDetails(String event) {
        if (!event.startsWith("{")) return event;
        JsonObject c = new JsonObject(event);
        JsonArray choices = c.getJsonArray("choices");
        if (choices == null || choices.isEmpty() || !(choices.getJsonObject(0).getValue("delta") instanceof JsonObject delta)) return event;
        delta.putNull("reasoning").put("reasoning_details", new JsonArray());
        return c.encode();
    }

    private static String piece(String first, JsonObject delta) {
        JsonObject c = new JsonObject(first);
        JsonArray choices = c.getJsonArray("choices");
        if (choices == null || choices.isEmpty()) return first;
        choices.getJsonObject(0).put("delta", delta.put("content", "").put("role", "assistant")).putNull("finish_reason");
        return c.encode();
    }
}
