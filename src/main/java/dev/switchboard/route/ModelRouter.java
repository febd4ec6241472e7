package dev.switchboard.route;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.EmbeddingProvider;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Alias → model group → one deployment → its provider. For now a group's deployment is picked at random;
 * routing strategies, retries, cooldowns and fallbacks (the routing issue) replace {@link #pick} and wrap
 * the call, and every answer already says which deployment served and by which route.
 */
public final class ModelRouter {
    public static final String PRIMARY = "primary";

    private final Map<String, List<Target>> groups;

    public ModelRouter(List<Target> targets) {
        Map<String, List<Target>> g = new LinkedHashMap<>();
        for (Target t : targets) g.computeIfAbsent(t.deployment().alias(), k -> new java.util.ArrayList<>()).add(t);
        g.replaceAll((k, v) -> List.copyOf(v));
        this.groups = g;
    }

    public java.util.Set<String> aliases() { return groups.keySet(); }

    public List<Target> group(String alias) { return groups.getOrDefault(alias, List.of()); }

    public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request) {
        return call(request.model(), t -> t.provider().chat(request, CallOptions.DEFAULT));
    }

    public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
        return call(request.model(), t -> t.provider().stream(request, CallOptions.DEFAULT));
    }

    public Future<Answer<EmbeddingResponse>> embed(CallContext ctx, EmbeddingRequest request) {
        return call(request.model(), t -> {
            if (t.provider() instanceof EmbeddingProvider e) return e.embed(request, CallOptions.DEFAULT);
            return Future.failedFuture(GatewayException.badRequest("Model '" + request.model() + "' ("
                    + t.deployment().id() + ") does not support embeddings.", "model"));
        });
    }

    private <T> Future<Answer<T>> call(String alias, Function<Target, Future<T>> op) {
        Target t;
        try {
            t = pick(alias);
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
        String id = t.deployment().id();
        return op.apply(t).map(body -> new Answer<>(body, id, PRIMARY, "miss"));
    }

    private Target pick(String alias) {
        List<Target> group = groups.get(alias);
        if (group == null) {
            throw new GatewayException(ErrorKind.NOT_FOUND, 404, "The model '" + alias + "' does not exist on this "
                    + "gateway. Known models: " + String.join(", ", groups.keySet()) + ".", "model",
                    "model_not_found", null, null);
        }
        return group.size() == 1 ? group.get(0) : group.get(ThreadLocalRandom.current().nextInt(group.size()));
    }
}
