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
        if (request.raw() == null || !request.raw().is(RawJson.ANTHROPIC) || request.raw().body() == null) return request;
        JsonNode control = request.raw().body().get("cache_control");
        if (control == null || !control.isObject()) return request;
        List<Message> messages = new ArrayList<>(request.messages());
        markLastBlock(messages, control);
        return request.withMessages(messages);
    }

    private static void markLastBlock(List<Message> messages, JsonNode control) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            for (int j = m.content().size() - 1; j >= 0; j--) {
                ContentPart p = m.content().get(j);
                ContentPart marked = switch (p) {
                    case ContentPart.Text t when !t.text().isEmpty() -> t.withCacheControl(control);
                    case ContentPart.Image img -> img.withCacheControl(control);
                    default -> null;
                };
                if (marked == null) continue;
                if (p.cacheControl() != null && !p.cacheControl().isNull()) return; // the prompt already ends at a breakpoint
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
