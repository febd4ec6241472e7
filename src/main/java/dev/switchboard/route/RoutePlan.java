package dev.switchboard.route;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The aliases one request may be served by, in order: its primary; then, when the primary's group fails, the
 * request's own {@code models} array (OpenRouter: tried in order after the primary, whatever the failure);
 * then the primary's configured fallbacks for the failure's reason. Each alias is visited at most once, so a
 * chain that names an alias twice (or the primary itself) cannot loop. Fallbacks are not followed
 * recursively: the lists of the primary alias decide, as in LiteLLM.
 */
final class RoutePlan {
    private final String primary;
    private final List<String> models;
    private final RouterSettings settings;
    private final List<String> requestFallbacks;
    private final boolean enabled;
    /** The aliases visited besides the primary; made at the first other one (most requests visit only the primary). */
    private Set<String> visited;
    /** The model_name of the group the primary name reached, when it is another name; else null. */
    private String servedBy;
    /** The other aliases this request has moved on to, against {@code max_fallbacks}. */
    private int taken;
    /** Whether the caller may use an alias: a fallback it may not is passed over, never a way around its allowlist. */
    private java.util.function.Predicate<String> allowed = a -> true;
    /** Why an alias cannot serve this call's mode ({@link ServingMode#mismatch}), null when it may: passed over too. */
    private java.util.function.Function<String, String> mismatch = a -> null;

    /** The next alias to try and why. */
    record Step(String alias, FallbackReason reason) {}

    /**
     * @param requestFallbacks the request's own {@code fallbacks} list replacing the configured error fallbacks,
     *                         or null for the configured ones
     * @param enabled          false when the request turned fallbacks off
     */
    RoutePlan(String primary, List<String> models, List<String> requestFallbacks, boolean enabled, RouterSettings settings) {
        this.primary = primary;
        this.models = models == null ? List.of() : models;
        this.requestFallbacks = requestFallbacks;
        this.enabled = enabled;
        this.settings = settings;
    }

    private boolean visited(String alias) {
        return java.util.Objects.equals(primary, alias) || visited != null && visited.contains(alias);
    }

    private void visit(String alias) {
        if (visited(alias)) return;
        if (visited == null) visited = new HashSet<>();
        visited.add(alias);
    }

    String primary() { return primary; }

    /** The other aliases this request has moved on to so far: LiteLLM's {@code x-litellm-attempted-fallbacks}. */
    int taken() { return taken; }

    /**
     * Only aliases the caller may use: a virtual key limited to {@code fb} is not served by {@code fb}'s fallback
     * {@code pricey}, nor by a {@code models} or {@code fallbacks} list in its request (LiteLLM checks fallbacks against
     * the key's models too). The primary was checked by the edge.
     */
    RoutePlan allowing(java.util.function.Predicate<String> allowed) {
        this.allowed = allowed;
        return this;
    }

    /**
     * Only aliases that can serve the call's mode: an embeddings call is not handed to a chat model's group, nor a chat
     * call to an embedding model's, when every deployment of it is known to serve another mode ({@link ServingMode}).
     * The primary is what the client asked for and is never judged.
     */
    RoutePlan serving(java.util.function.Function<String, String> mismatch) {
        this.mismatch = mismatch;
        return this;
    }

    /** Why {@code alias} is passed over for the call's mode; null when it may serve the call (or is passed over by the allowlist only). */
    String mismatch(String alias) { return mismatch.apply(alias); }

    private boolean usable(String alias) {
        return !visited(alias) && allowed.test(alias) && mismatch.apply(alias) == null;
    }

    /** The group the primary name reached is called {@code name} (a group alias or id reaches another group). */
    RoutePlan servedBy(String name) {
        this.servedBy = name;
        visit(name);
        return this;
    }

    /**
     * After {@link #next} found nothing for a failure of this reason: the aliases the allowlist (or the call's mode,
     * {@link #serving}: {@link #mismatch} says which) alone kept the chain from taking, in the order they would have been taken and no more than {@code max_fallbacks} still allows; empty when
     * the chain ended for another reason (fallbacks off, {@code max_fallbacks} used up, the lists exhausted). The engine
     * logs and counts them, so a fallback that did not happen because of an allowlist is not a silent one. It was asked
     * before {@link #next} (2026-12-07) and so also named barred aliases when an allowed one after them then served the
     * request, and aliases beyond {@code max_fallbacks} (review).
     */
    List<String> barredAtEnd(FallbackReason reason) {
        int room = enabled ? settings.maxFallbacks() - taken : 0;
        if (room <= 0) return List.of();
        List<String> out = null;
        List<String> configured = reason == FallbackReason.ERROR && requestFallbacks != null
                ? requestFallbacks : configuredFor(reason);
        for (List<String> list : List.of(models, configured)) {
            for (String a : list) {
                if (visited(a) || allowed.test(a) && mismatch.apply(a) == null || out != null && out.contains(a)) continue;
                if (out == null) out = new java.util.ArrayList<>();
                out.add(a);
                if (out.size() == room) return out;
            }
        }
        return out == null ? List.of() : out;
    }

    /** Takes the next alias for a failure of this reason; null when the chain is exhausted. */
    Step next(FallbackReason reason) {
        Step s = peek(reason);
        if (s != null) {
            visit(s.alias());
            taken++;
        }
        return s;
    }

    /** Whether {@link #next} would find an alias, without taking it. */
    boolean hasNext(FallbackReason reason) { return peek(reason) != null; }

    /**
     * The configured list of the name the client asked for; when it has none and that name is another name of a
     * group (a {@code model_group_alias}, a deployment id), the list of the group's model_name.
     */
    private List<String> configuredFor(FallbackReason reason) {
        return settings.fallbacksFor(reason, primary, servedBy);
    }

    private Step peek(FallbackReason reason) {
        if (!enabled || taken >= settings.maxFallbacks()) return null;
        for (String m : models) if (usable(m)) return new Step(m, FallbackReason.MODELS_ARRAY);
        List<String> configured = reason == FallbackReason.ERROR && requestFallbacks != null
                ? requestFallbacks : configuredFor(reason);
        for (String a : configured) if (usable(a)) return new Step(a, reason);
        return null;
    }
}
