package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import dev.switchboard.provider.Provider;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the router needs to serve wildcard {@code model_name}s: the wildcard entries of the model list, a way to
 * make the provider of one concrete model (the registry's), and who to tell about each new deployment (its price
 * is looked up then, since the model id is known only when a request names it) and about each one let go.
 *
 * @param templates the model_list entries whose model_name has a {@code *}
 * @param providers makes a concrete deployment's provider; throws IllegalArgumentException when it cannot (an
 *                  unknown provider prefix)
 * @param onNew     told of each deployment made for a requested name, before it serves
 * @param check     refuses, as {@code providers} would, a concrete deployment that cannot be served, making nothing
 *                  (no provider, no credentials): the check-only path of {@link ModelRouter#nameRefusal}
 * @param onGone    told of each deployment {@code onNew} was told of once the router lets its name's group go (the
 *                  least recently used of more than {@link ModelNames#MAX_SERVED} names), so what was kept for it can go too
 */
public record WildcardTargets(List<Deployment> templates, Function<Deployment, Provider> providers, Consumer<Target> onNew,
                              Consumer<Deployment> check, Consumer<Target> onGone) {
    public static final WildcardTargets NONE = new WildcardTargets(List.of(), d -> {
        throw new IllegalArgumentException("no wildcard routes");
    }, t -> { });

    /** Without a check of its own (every name a template makes passes it) and nothing told when a name goes. */
    public WildcardTargets(List<Deployment> templates, Function<Deployment, Provider> providers, Consumer<Target> onNew) {
        this(templates, providers, onNew, d -> { }, t -> { });
    }
}
