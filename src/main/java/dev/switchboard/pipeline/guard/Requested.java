package dev.switchboard.pipeline.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GatewayException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The guardrails a request asks for, read where LiteLLM reads them: the body's {@code guardrails} (which LiteLLM moves
 * into metadata) and {@code metadata.guardrails}. Each is a list of names, of {@code {name: {extra_body: …}}} objects, or
 * one such object; a name counts as asked for whatever its value (LiteLLM's check is "is the name in it"). A name no
 * guardrail has is refused (400): a typo must not quietly skip a check the client wanted.
 */
final class Requested {
    static final String FIELD = "guardrails";

    private Requested() {}

    /**
     * One request's parse, kept on its {@link dev.switchboard.model.CallContext}: the spend stage's worst case
     * ({@link Guardrails#preCallRuns}) and the guardrail stage's plan read the same request's {@code guardrails}, now
     * parsed once (twice before 2026-12-07). Tied to the fields it was read from (the same instances) and the names it
     * was judged against, so another request on the same context is parsed anew.
     */
    record Parsed(Object extra, Object metadata, Object raw, Collection<String> configured, Set<String> asked,
                          GatewayException refusal) {
        boolean of(ChatRequest r, Collection<String> names) {
            return extra == r.extra() && metadata == r.metadata() && raw == r.raw() && (configured == names || configured.equals(names));
        }
    }

    static final dev.switchboard.model.CallContext.Key<Parsed> PARSED = new dev.switchboard.model.CallContext.Key<>(Parsed.class);

    /**
     * {@link #of(ChatRequest, Collection)}, parsed once per request and context (see {@link Parsed}); ctx may be null. A
     * request asking for none (most) is answered at once, nothing allocated nor kept: this runs on every request.
     */
    static Set<String> of(dev.switchboard.model.CallContext ctx, ChatRequest r, Collection<String> configured) {
        if (asksNone(r)) return Set.of();
        Parsed p = ctx == null ? null : ctx.attached(PARSED);
        if (p == null || !p.of(r, configured)) {
            Set<String> asked = null;
            GatewayException refusal = null;
            try {
                asked = of(r, configured);
            } catch (GatewayException e) {
                refusal = e;
            }
            p = new Parsed(r.extra(), r.metadata(), r.raw(), configured, asked, refusal);
            if (ctx != null) ctx.attach(PARSED, p);
        }
        if (p.refusal() != null) throw p.refusal();
        return p.asked();
    }

    /** No {@code guardrails} in the body, its metadata or the raw body's metadata; allocation-free (path's MissingNode is shared). */
    static boolean asksNone(ChatRequest r) {
        return r.extra().get(FIELD) == null && r.metadata().get(FIELD) == null
                && (r.raw() == null || !r.raw().body().path("metadata").has(FIELD));
    }

    static Set<String> of(ChatRequest r, Collection<String> configured) {
        JsonNode body = r.extra().get(FIELD);
        String meta = r.metadata().get(FIELD);
        if (meta == null && r.raw() != null && r.raw().body().path("metadata").has(FIELD)) {
            meta = r.raw().body().path("metadata").get(FIELD).toString(); // a raw dialect's metadata (Anthropic's)
        }
        if (body == null && meta == null) return Set.of(); // most requests ask for none
        Set<String> out = new LinkedHashSet<>();
        if (body != null) add(body, out, FIELD);
        if (meta != null) {
            JsonNode n;
            try {
                n = Blocks.JSON.readTree(meta);
            } catch (Exception e) {
                n = Blocks.JSON.getNodeFactory().textNode(meta);
            }
            add(n, out, "metadata." + FIELD);
        }
        for (String name : out) {
            if (!configured.contains(name)) {
                throw GatewayException.badRequest("Guardrail '" + name + "' is not configured on this gateway. Configured guardrails: "
                        + (configured.isEmpty() ? "none" : String.join(", ", configured)) + ".", FIELD);
            }
        }
        return out;
    }

    /**
     * The request without {@code metadata.guardrails} in its raw body: Anthropic's API refuses metadata fields other
     * than user_id, and the raw body is what an Anthropic provider is sent.
     */
    static ChatRequest stripped(ChatRequest r) {
        if (r.raw() == null || !(r.raw().body() instanceof com.fasterxml.jackson.databind.node.ObjectNode body)
                || !(body.get("metadata") instanceof com.fasterxml.jackson.databind.node.ObjectNode m) || !m.has(FIELD)) return r;
        com.fasterxml.jackson.databind.node.ObjectNode copy = body.deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode meta = (com.fasterxml.jackson.databind.node.ObjectNode) copy.get("metadata");
        meta.remove(FIELD);
        if (meta.isEmpty()) copy.remove("metadata");
        return new ChatRequest(r.model(), r.messages(), r.tools(), r.toolChoice(), r.parallelToolCalls(), r.responseFormat(),
                r.temperature(), r.topP(), r.maxTokens(), r.maxCompletionTokens(), r.stop(), r.seed(), r.user(), r.metadata(),
                r.stream(), r.includeUsage(), r.extra(), new dev.switchboard.model.RawJson(r.raw().dialect(), copy, r.raw().headers()));
    }

    private static void add(JsonNode n, Set<String> out, String param) {
        if (n == null || n.isNull()) return;
        if (n.isTextual()) out.add(n.textValue());
        else if (n.isObject()) n.fieldNames().forEachRemaining(out::add);
        else if (n.isArray()) {
            for (JsonNode item : n) {
                if (item.isTextual()) out.add(item.textValue());
                else if (item.isObject()) item.fieldNames().forEachRemaining(out::add);
                else throw GatewayException.badRequest("'" + param + "' must list guardrail names.", param);
            }
        } else throw GatewayException.badRequest("'" + param + "' must be a list of guardrail names.", param);
    }
}
