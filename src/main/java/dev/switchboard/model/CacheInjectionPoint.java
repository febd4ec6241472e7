package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a deployment's {@code cache_control_injection_points} (LiteLLM's syntax, {@code location: message}):
 * every message of a {@code role}, or the message at {@code index} (negative counts from the end), gets a
 * prompt-cache breakpoint on its last text or image part.
 *
 * <p>{@link #apply} is the one implementation on canonical requests, used both by the Anthropic provider for
 * translated requests and by the prompt-cache lint, so for those the lint sees the breakpoints the provider will
 * send. (A raw Anthropic-dialect body is injected in its own JSON by the provider's AnthropicCacheInjector.)
 * As in LiteLLM, indexes count every message of the OpenAI-format list, system messages included.
 */
public record CacheInjectionPoint(String role, Integer index) {
    /** Anthropic accepts at most four breakpoints per request; the client's own count first. */
    public static final int MAX_BREAKPOINTS = 4;
    private static final JsonNode EPHEMERAL = JsonNodeFactory.instance.objectNode().put("type", "ephemeral");

    /**
     * The request with the breakpoints these points ask for added; the same instance when none is added. A
     * message that already has a breakpoint is left alone, and the total never exceeds {@link #MAX_BREAKPOINTS}.
     */
    public static ChatRequest apply(List<CacheInjectionPoint> points, ChatRequest request) {
        if (points.isEmpty()) return request;
        List<Message> messages = new ArrayList<>(request.messages());
        int used = countBreakpoints(request);
        boolean changed = false;
        for (CacheInjectionPoint p : points) {
            for (int i : p.targets(messages)) {
                if (used >= MAX_BREAKPOINTS) break;
                Message marked = marked(messages.get(i));
                if (marked == null) continue;
                messages.set(i, marked);
                used++;
                changed = true;
            }
        }
        return changed ? request.withMessages(messages) : request;
    }

    /**
     * Anthropic's automatic caching, an Anthropic-dialect request's top-level {@code cache_control} ("automatically
     * applies a cache_control marker to the last cacheable block in the request", the SDKs' {@code MessageCreateParams}),
     * on the canonical messages, for a provider that has no such field (Claude on Bedrock: Converse's {@code cachePoint}):
     * the last text or image part of the last message that has one gets the marker (its {@code ttl} kept), unless that
     * part is marked already. The same instance when the request has no such field. Applied by the provider only, so the
     * gateway's own readers of breakpoints (affinity, the lint) see the request as before: a marker that moves to each
     * turn's last message would give every turn another affinity prefix.
     */
    public static ChatRequest automatic(ChatRequest request) {
        JsonNode control = automaticControl(request);
        if (control == null) return request;
        List<Message> messages = new ArrayList<>(request.messages());
        markLastBlock(messages, control);
        return request.withMessages(messages);
    }

    /**
     * The automatic-caching control a request carries, the one reading of it (the providers, the budget's worst case, the
     * Anthropic response's cache split): an Anthropic-dialect body's top-level {@code cache_control}, or the same field an
     * OpenAI-dialect client sent (kept in {@code extra}, as LiteLLM forwards it); null without one.
     */
    public static JsonNode automaticControl(ChatRequest request) {
        JsonNode control = null;
        if (request.raw() != null && request.raw().is(RawJson.ANTHROPIC) && request.raw().body() != null) {
            control = request.raw().body().get("cache_control");
        }
        if (control == null) control = request.extra().get("cache_control");
        return control != null && control.isObject() ? control : null;
    }

    /** A cache_control's lifetime, Anthropic's default ("5m") when it names none. */
    public static String ttl(JsonNode cacheControl) {
        JsonNode t = cacheControl == null ? null : cacheControl.get("ttl");
        return t == null || t.isNull() ? "5m" : t.asText();
    }

    /**
     * A {@code cache_control} object as Anthropic checks it, in its (pydantic) wording: {@code type} "ephemeral",
     * {@code ttl} absent, "5m" or "1h", and no other key. {@code at} is the field's path ("cache_control", …).
     */
    public static void checkControl(JsonNode cc, String at) {
        if (cc == null || cc.isNull()) return;
        if (!cc.isObject()) throw GatewayException.badRequest(at + ": Input should be a valid dictionary", at);
        if (!"ephemeral".equals(cc.path("type").textValue())) {
            throw GatewayException.badRequest(cc.has("type") ? at + ".type: Input should be 'ephemeral'" : at + ".type: Field required",
                    at + ".type");
        }
        JsonNode ttl = cc.get("ttl");
        if (ttl != null && !ttl.isNull() && !"5m".equals(ttl.textValue()) && !"1h".equals(ttl.textValue())) {
            throw GatewayException.badRequest(at + ".ttl: Input should be '5m' or '1h'", at + ".ttl");
        }
        for (java.util.Iterator<String> keys = cc.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals("type") && !key.equals("ttl")) {
                throw GatewayException.badRequest(at + "." + key + ": Extra inputs are not permitted", at + "." + key);
            }
        }
    }

    /**
     * The block of an Anthropic {@code messages} array that automatic caching marks: the last one of the last message that
     * has one, walking back past thinking blocks and empty text; a string content is returned as its text node (it can
     * carry no marker of its own). Null when there is none.
     */
    public static JsonNode lastCacheableBlock(JsonNode messages) {
        if (messages == null || !messages.isArray()) return null;
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode content = messages.get(i).get("content");
            if (content == null) continue;
            if (content.isTextual()) {
                if (content.asText().isBlank()) continue;
                return content;
            }
            if (!content.isArray()) continue;
            for (int j = content.size() - 1; j >= 0; j--) {
                JsonNode block = content.get(j);
                if (block.isObject() && cacheable(block)) return block;
            }
        }
        return null;
    }

    private static boolean cacheable(JsonNode block) {
        String type = block.path("type").asText();
        if (type.equals("thinking") || type.equals("redacted_thinking")) return false;
        return !type.equals("text") || !block.path("text").asText().isBlank();
    }

    /** The block-level {@code cache_control} markers of an Anthropic body (tools, system, messages; the top-level field not). */
    public static int explicitBreakpoints(JsonNode body) {
        return markers(body.get("tools")) + markers(body.get("system")) + markers(body.get("messages"));
    }

    private static int markers(JsonNode n) {
        if (n == null) return 0;
        int c = 0;
        if (n.isObject() && n.get("cache_control") != null && !n.get("cache_control").isNull()) c++;
        if (n.isContainerNode()) for (JsonNode child : n) c += markers(child);
        return c;
    }

    /**
     * Anthropic's refusals of automatic caching (its prompt-caching docs, "Edge cases"), so every host of Claude answers
     * as Anthropic's API does: the last cacheable block already marked with another lifetime (an absent ttl is "5m"), or
     * that block unmarked while four block-level breakpoints leave automatic caching no slot. A last block marked with
     * the same lifetime is fine: the top-level field then adds nothing.
     */
    public static void checkAutomatic(JsonNode body) {
        JsonNode control = body.get("cache_control");
        if (control == null || !control.isObject()) return;
        JsonNode last = lastCacheableBlock(body.get("messages"));
        JsonNode own = last != null && last.isObject() ? last.get("cache_control") : null;
        refuse(control, own, explicitBreakpoints(body));
    }

    /**
     * {@link #checkAutomatic(JsonNode)} on a canonical request, for an OpenAI-dialect client's top-level field (kept in
     * {@code extra}): the last cacheable part of the last non-system message (blank text passed over; a tool result, and an
     * assistant turn ending in tool calls, are one block), and the request's markers on tools and parts.
     */
    public static void checkAutomatic(ChatRequest r) {
        JsonNode control = r.extra().get("cache_control");
        if (control == null || !control.isObject()) return;
        JsonNode own = null;
        scan:
        for (int i = r.messages().size() - 1; i >= 0; i--) {
            Message m = r.messages().get(i);
            if (m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER) continue;
            if (m.role() == Role.TOOL) {
                for (ContentPart p : m.content()) if (p.cacheControl() != null) own = p.cacheControl();
                break;
            }
            if (!m.toolCalls().isEmpty()) break;
            for (int j = m.content().size() - 1; j >= 0; j--) {
                ContentPart p = m.content().get(j);
                if (p instanceof ContentPart.Text t && t.text().isBlank() && p.cacheControl() == null) continue;
                own = p.cacheControl();
                break scan;
            }
        }
        refuse(control, own, countBreakpoints(r));
    }

    private static void refuse(JsonNode control, JsonNode own, int explicit) {
        if (own != null && !own.isNull()) {
            if (!ttl(own).equals(ttl(control))) {
                throw GatewayException.badRequest("cache_control: the top-level cache_control (ttl '" + ttl(control)
                        + "') applies to the last cacheable block, which already has cache_control with ttl '" + ttl(own)
                        + "': use the same ttl on both, or leave one out", "cache_control");
            }
            return;
        }
        if (explicit >= MAX_BREAKPOINTS) {
            throw GatewayException.badRequest("A maximum of 4 blocks with cache_control may be provided. Found " + (explicit + 1)
                    + ". (The top-level cache_control needs a slot of its own for the last cacheable block.)", "cache_control");
        }
    }

    /**
     * Marks the last part that can carry a marker, walking back over the messages: a part marked already (of any kind)
     * ends the walk, the prompt already ending at a breakpoint; a tool result is marked as a whole (Converse's
     * {@code cachePoint} goes after the {@code toolResult}), so a result with no text part gets an empty one to carry it;
     * blank text is passed over, as Converse drops it and its marker.
     */
    private static void markLastBlock(List<Message> messages, JsonNode control) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m.role() == Role.TOOL) {
                if (hasBreakpoint(m)) return;
                List<ContentPart> parts = new ArrayList<>(m.content());
                int j = parts.size() - 1;
                while (j >= 0 && !(parts.get(j) instanceof ContentPart.Text) && !(parts.get(j) instanceof ContentPart.Image)) j--;
                if (j < 0) parts.add(new ContentPart.Text("", control, null));
                else parts.set(j, parts.get(j) instanceof ContentPart.Text t ? t.withCacheControl(control)
                        : ((ContentPart.Image) parts.get(j)).withCacheControl(control));
                messages.set(i, new Message(m.role(), parts, m.name(), m.toolCalls(), m.toolCallId(), m.reasoning(), m.refusal(), m.extra()));
                return;
            }
            for (int j = m.content().size() - 1; j >= 0; j--) {
                ContentPart p = m.content().get(j);
                if (p.cacheControl() != null && !p.cacheControl().isNull()) return; // the prompt already ends at a breakpoint
                ContentPart marked = switch (p) {
                    case ContentPart.Text t when !t.text().isBlank() -> t.withCacheControl(control);
                    case ContentPart.Image img -> img.withCacheControl(control);
                    default -> null;
                };
                if (marked == null) continue;
                List<ContentPart> parts = new ArrayList<>(m.content());
                parts.set(j, marked);
                messages.set(i, new Message(m.role(), parts, m.name(), m.toolCalls(), m.toolCallId(), m.reasoning(), m.refusal(), m.extra()));
                return;
            }
        }
    }

    private List<Integer> targets(List<Message> messages) {
        if (index != null) {
            int i = index < 0 ? messages.size() + index : index;
            return i >= 0 && i < messages.size() ? List.of(i) : List.of();
        }
        List<Integer> out = new ArrayList<>();
        if (role == null) return out;
        for (int i = 0; i < messages.size(); i++) if (role.equals(messages.get(i).role().wire())) out.add(i);
        return out;
    }

    /** The message with its last text or image part marked, or null when it has one marked already or none to mark. */
    private static Message marked(Message m) {
        if (m.content().isEmpty() || hasBreakpoint(m)) return null;
        List<ContentPart> parts = new ArrayList<>(m.content());
        ContentPart last = parts.get(parts.size() - 1);
        switch (last) {
            case ContentPart.Text t -> parts.set(parts.size() - 1, t.withCacheControl(EPHEMERAL));
            case ContentPart.Image img -> parts.set(parts.size() - 1, img.withCacheControl(EPHEMERAL));
            case ContentPart.File f -> { return null; } // parts in the client's raw shape are not rewritten
            case ContentPart.Audio a -> { return null; }
            case ContentPart.Other o -> { return null; }
        }
        return new Message(m.role(), parts, m.name(), m.toolCalls(), m.toolCallId(), m.reasoning(), m.refusal(), m.extra());
    }

    private static boolean hasBreakpoint(Message m) {
        for (ContentPart p : m.content()) if (p.cacheControl() != null) return true;
        return false;
    }

    private static int countBreakpoints(ChatRequest r) {
        int n = 0;
        for (Tool t : r.tools()) if (t.cacheControl() != null) n++;
        for (Message m : r.messages()) {
            for (ContentPart p : m.content()) if (p.cacheControl() != null) n++;
        }
        return n;
    }
}
