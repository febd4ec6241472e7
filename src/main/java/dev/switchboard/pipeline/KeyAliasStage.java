package dev.switchboard.pipeline;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A virtual key's own model aliases (LiteLLM's per-key {@code aliases}): the request's {@code model} becomes the model
 * the key maps it to, before any other stage reads it — so the allowlist, the budget's worst case, the cache's key,
 * routing, the ledger and the trace all see the model the call really goes to, as in LiteLLM, where the rewrite comes
 * before the pre-call hooks. The request's {@code models} and {@code fallbacks} lists are mapped the same way (a fallback in either of
 * its forms: ChatRequest.fallbackName). The
 * outermost stage; a key without aliases costs one empty-map check.
 */
final class KeyAliasStage implements Stage {
    @Override
    public ChatHandler wrap(ChatHandler next) {
        return new ChatHandler() {
            @Override
            public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request) {
                return next.chat(ctx, aliased(ctx, request));
            }

            @Override
            public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
                return next.stream(ctx, aliased(ctx, request));
            }
        };
    }

    static ChatRequest aliased(CallContext ctx, ChatRequest request) {
        var caller = ctx.caller();
        if (caller.modelAliases().isEmpty()) return request;
        String to = caller.modelFor(request.model());
        ChatRequest out = request;
        if (to != request.model()) {
            ctx.attach(CallContext.ASKED_MODEL, request.model()); // the trace names what was asked as well as the target
            out = request.withModel(to);
        }
        // the request's own model lists (LiteLLM's models and fallbacks) name models the same way: the same names go
        // to the same targets, so an alias is no way around the key's choice when the first model fails
        var extra = request.extra();
        JsonNode models = aliasedList(caller, extra.get("models"), false);
        JsonNode fallbacks = aliasedList(caller, extra.get("fallbacks"), true);
        if (models == null && fallbacks == null) return out;
        Map<String, JsonNode> newExtra = new LinkedHashMap<>(extra);
        if (models != null) newExtra.put("models", models);
        if (fallbacks != null) newExtra.put("fallbacks", fallbacks);
        return out.withExtra(newExtra);
    }

    /**
     * {@code list} with each name the caller's key aliases replaced, or null when it names none of them (or is no list).
     * A {@code fallbacks} entry in LiteLLM's object form ({@code {"model": "gpt"}}) keeps its form with its model
     * replaced (it was passed through untranslated: review, 2026-12-07).
     */
    private static JsonNode aliasedList(dev.switchboard.model.Caller caller, JsonNode list, boolean fallbacks) {
        if (list == null || !list.isArray()) return null;
        ArrayNode out = null;
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            String name = fallbacks ? ChatRequest.fallbackName(e) : e.isTextual() ? e.textValue() : null;
            String to = name == null ? null : caller.modelFor(name);
            if (to == null || to == name) continue;
            if (out == null) out = ((ArrayNode) list).deepCopy();
            if (e.isObject()) ((ObjectNode) out.get(i)).put("model", to);
            else out.set(i, TextNode.valueOf(to));
        }
        return out;
    }
}
