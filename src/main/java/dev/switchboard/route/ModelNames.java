package dev.switchboard.route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.GatewayException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Which model group a requested name reaches, in LiteLLM's order: a deployment's {@code model_info.id} (that one
 * deployment), then a {@code model_group_alias}, then a {@code model_name}, then the most specific wildcard pattern
 * that matches the whole name. A name a wildcard serves gets its own group, made at its first request and kept
 * (at most {@link #MAX_SERVED} names, least recently used out), so its deployments keep their breakers and
 * latency between requests.
 */
final class ModelNames {
    /** Names served through wildcards kept at once: bounds what a client inventing model names can make us hold. */
    static final int MAX_SERVED = 1_000;

    private final Map<String, ModelGroup> exact;
    private final Map<String, ModelGroup> byId;
    private final Map<String, GroupAlias> groupAliases;
    private final List<WildcardRoute> wildcards;
    private final WildcardTargets source;
    private final BiFunction<String, List<DeploymentState>, ModelGroup> newGroup;
    /** A deployment's breaker; the flag: it is the only entry of its wildcard pattern (LiteLLM's single-deployment group). */
    private final BiFunction<Deployment, Boolean, CircuitBreaker> newBreaker;
    /** One usage window per wildcard entry, shared by every model it serves. */
    private final Map<Deployment, UsageWindow> windows = new java.util.IdentityHashMap<>();
    /** One set of parallel slots per wildcard entry, shared by every model it serves. */
    private final Map<Deployment, ParallelSlots> slots = new java.util.IdentityHashMap<>();
    /**
     * The groups made for names wildcards serve. Evicted on the caller's thread ({@code executor(Runnable::run)}: no
     * task for the common pool a request must wait on), and each evicted group's deployments are told to
     * {@link WildcardTargets#onGone}, so their prices go with them (they were kept for ever: a client inventing names
     * grew the heap by a price entry per name). An eviction listener, not a removal listener: it runs inside the map's
     * atomic operation for that name, so a request making the name again meanwhile waits for it, and its group's
     * {@code onNew} never comes before the old group's {@code onGone}. Every group in the map was told to
     * {@code onNew} once per member ({@link #materialise}) and is told to {@code onGone} once per member: the two
     * balance, which the prices' count of holders per id relies on.
     */
    private final Cache<String, ModelGroup> served;

    ModelNames(Map<String, ModelGroup> exact, Map<String, GroupAlias> groupAliases, WildcardTargets source,
               BiFunction<String, List<DeploymentState>, ModelGroup> newGroup, java.util.function.Function<Deployment, CircuitBreaker> newBreaker) {
        this(exact, groupAliases, source, newGroup, (d, alone) -> newBreaker.apply(d), d -> ParallelSlots.NONE);
    }

    /** @param newSlots a wildcard entry's max_parallel_requests, shared (like its rpm/tpm) by every model it serves */
    ModelNames(Map<String, ModelGroup> exact, Map<String, GroupAlias> groupAliases, WildcardTargets source,
               BiFunction<String, List<DeploymentState>, ModelGroup> newGroup, BiFunction<Deployment, Boolean, CircuitBreaker> newBreaker,
               java.util.function.Function<Deployment, ParallelSlots> newSlots) {
        this.exact = exact;
        this.groupAliases = groupAliases;
        this.source = source;
        this.newGroup = newGroup;
        this.newBreaker = newBreaker;
        this.served = Caffeine.newBuilder().maximumSize(MAX_SERVED).executor(Runnable::run)
                .<String, ModelGroup>evictionListener((name, group, cause) -> {
                    if (group == null || !cause.wasEvicted()) return;
                    for (DeploymentState m : group.members) source.onGone().accept(m.target);
                }).build();
        Map<String, ModelGroup> ids = new LinkedHashMap<>();
        for (ModelGroup g : exact.values()) {
            for (DeploymentState m : g.members) {
                String id = deploymentId(m.target.deployment());
                if (id != null) ids.putIfAbsent(id, newGroup.apply(id, List.of(m)));
            }
        }
        this.byId = Collections.unmodifiableMap(ids);
        Map<String, List<Deployment>> byPattern = new LinkedHashMap<>();
        for (Deployment d : source.templates()) {
            byPattern.computeIfAbsent(d.alias(), k -> new ArrayList<>()).add(d);
            windows.put(d, new UsageWindow());
            slots.put(d, newSlots.apply(d));
        }
        List<WildcardRoute> routes = new ArrayList<>();
        byPattern.forEach((p, ds) -> routes.add(new WildcardRoute(p, ds)));
        routes.sort(WildcardRoute.MOST_SPECIFIC_FIRST);
        this.wildcards = List.copyOf(routes);
    }

    /** {@code model_info.id} of a deployment, or null. */
    static String deploymentId(Deployment d) {
        Object id = d.modelInfo().get("id");
        return id == null || id.toString().isBlank() ? null : id.toString();
    }

    /**
     * The group that serves {@code name}, or null when nothing does.
     *
     * @throws GatewayException 400 when a wildcard matches but the model it names has no provider here
     */
    ModelGroup resolve(String name) {
        return walk(name, true);
    }

    /**
     * The group a request for {@code name} would reach, when it exists already: {@link #resolve}'s order, but a name a
     * wildcard serves only when a call made its group and it is still kept. Makes nothing and refuses nothing (a name
     * a call would refuse has no group): for {@code count_tokens}, which a client may ask about invented names.
     */
    ModelGroup existing(String name) {
        return walk(name, false);
    }

    /**
     * {@link #resolve}'s and {@link #existing}'s one walk: the deployment id, then a group alias's target, then the name
     * itself (each: the id, the model_name, a wildcard's group still kept). The two differed only in the last step, so
     * it is a flag, not a function (no capturing lambda per call): {@code make} makes a wildcard's group for a name
     * none kept ({@link #resolve}), else there is none ({@link #existing}). Before (thirtieth session, D7), two
     * near-copies of the walk.
     */
    private ModelGroup walk(String name, boolean make) {
        if (name == null) return null;
        ModelGroup g = byId.get(name);
        if (g != null) return g;
        GroupAlias alias = groupAliases.get(name);
        if (alias != null && !alias.target().equals(name)) {
            ModelGroup target = withoutAlias(alias.target(), make);
            if (target != null) return target;
        }
        return withoutAlias(name, make);
    }

    /**
     * The config entry that serves {@code name}, by its model_name (a wildcard entry by its pattern), in
     * {@link #resolve}'s order; null when nothing does. Makes no group: the cache and check ask it.
     */
    String entryOf(String name) {
        if (name == null) return null;
        ModelGroup g = byId.get(name);
        if (g != null) return g.members.get(0).target.deployment().alias();
        GroupAlias alias = groupAliases.get(name);
        if (alias != null && !alias.target().equals(name)) {
            String target = entryWithoutAlias(alias.target());
            if (target != null) return target;
        }
        return entryWithoutAlias(name);
    }

    private String entryWithoutAlias(String name) {
        ModelGroup g = byId.get(name);
        if (g != null) return g.members.get(0).target.deployment().alias();
        if (exact.containsKey(name)) return name;
        WildcardRoute route = matching(name);
        return route == null ? null : route.pattern;
    }

    /** Whether a request for {@code name} would find a group (without making one). */
    boolean serves(String name) {
        if (name == null) return false;
        if (byId.containsKey(name) || exact.containsKey(name) || served.getIfPresent(name) != null) return true;
        GroupAlias alias = groupAliases.get(name);
        if (alias != null && (byId.containsKey(alias.target()) || exact.containsKey(alias.target()) || matching(alias.target()) != null)) return true;
        return matching(name) != null;
    }

    /**
     * What a call for {@code name} would meet before any deployment is tried, found without making anything: no group,
     * no provider, no credentials, nothing told to {@link WildcardTargets#onNew} (so a name only asked about leaves
     * nothing behind). {@link #resolve}'s order and refusals: a configured name passes; a wildcard's name is refused as
     * its first call would be (no model family for a bare {@code *}, no provider here, not a plain model id there).
     *
     * @return the refusal (null when a call would go on) and the deployments a wildcard serves the name with (empty for
     *         a configured name or one nothing serves), for the checks that depend on them (a price under a budget)
     */
    ModelRouter.NameCheck check(String name) {
        if (name == null || byId.containsKey(name)) return ModelRouter.NameCheck.NONE;
        GroupAlias alias = groupAliases.get(name);
        if (alias != null && !alias.target().equals(name)) {
            if (byId.containsKey(alias.target()) || exact.containsKey(alias.target())) return ModelRouter.NameCheck.NONE;
            ModelRouter.NameCheck target = checkWithoutAlias(alias.target());
            if (target != null) return target;
        }
        ModelRouter.NameCheck c = checkWithoutAlias(name);
        return c == null ? ModelRouter.NameCheck.NONE : c;
    }

    private ModelRouter.NameCheck checkWithoutAlias(String name) {
        if (byId.containsKey(name) || exact.containsKey(name)) return ModelRouter.NameCheck.NONE;
        ModelGroup g = served.getIfPresent(name);
        if (g != null) {
            List<Deployment> made = new ArrayList<>(g.members.size());
            for (DeploymentState m : g.members) made.add(m.target.deployment());
            return new ModelRouter.NameCheck(null, made);
        }
        WildcardRoute route = matching(name);
        if (route == null) return null;
        List<String> segments = route.match(name);
        List<Deployment> made = new ArrayList<>(route.templates.size());
        try {
            for (Deployment t : route.templates) {
                String full = WildcardRoute.substitute(templateModel(t), segments, name);
                Deployment concrete = served(t, name, full);
                checkProvider(route, t, name, full, concrete, source.check());
                made.add(concrete);
            }
        } catch (GatewayException e) {
            return new ModelRouter.NameCheck(e, List.of());
        }
        return new ModelRouter.NameCheck(null, made);
    }

    /**
     * {@code how} applied to the deployment a wildcard made for {@code name}, its refusal turned into the call's 400: not a plain
     * model id for the provider's URL, or no provider here.
     */
    private static void checkProvider(WildcardRoute route, Deployment t, String name, String full, Deployment concrete,
                                      java.util.function.Consumer<Deployment> how) {
        try {
            how.accept(concrete);
        } catch (dev.switchboard.provider.ModelIds.Invalid e) {
            throw invalidName(name, e);
        } catch (IllegalArgumentException e) {
            throw noProvider(route, t, name, full, concrete, e);
        }
    }

    /**
     * The call's 400 for a deployment a wildcard made that no provider here can serve: a prefix it has no provider for,
     * or a provider that needs an {@code api_base} the wildcard entry does not set (hosted_vllm/, openai_compatible/,
     * azure/ through a bare {@code *}), said as such (it is a provider, and the entry lacks its address). The entry's
     * own settings are not put in the text: the caller is not its operator.
     */
    private static GatewayException noProvider(WildcardRoute route, Deployment t, String name, String full, Deployment concrete,
                                               IllegalArgumentException why) {
        if (why instanceof dev.switchboard.provider.ProviderRefusal.MissingApiBase) {
            return GatewayException.badRequest("The model '" + name + "' matches the wildcard '" + route.pattern
                    + "' (" + t.where() + "), which would send it to '" + full + "', but '" + concrete.provider()
                    + "/' has no default address and that wildcard entry sets no api_base. Ask for a model of a provider "
                    + "with a default address, e.g. openai/… or anthropic/…, or have the operator set litellm_params.api_base "
                    + "on the entry (" + t.where() + ").", "model");
        }
        String at = "The model '" + name + "' matches the wildcard '" + route.pattern + "' (" + t.where()
                + "), which would send it to '" + full + "', but ";
        if (why instanceof dev.switchboard.provider.ProviderRefusal.Setting s) {
            // a provider this gateway has: the setting's name only (its value, and the operator's message, may be secret)
            return GatewayException.badRequest(at + settingRefused(concrete, s) + ". Ask for a model of another provider, or "
                    + operatorFix(s) + " (" + t.where() + ").", "model");
        }
        if (why instanceof dev.switchboard.provider.ProviderRefusal.UnknownProvider) {
            return GatewayException.badRequest(at + "'" + concrete.provider() + "' is not a provider this gateway has. Ask for a "
                    + "model of a provider it has, e.g. openai/… or anthropic/….", "model");
        }
        // the provider refuses the model itself (a Vertex partner model, say)
        return GatewayException.badRequest(at + "'" + concrete.provider() + "/' cannot serve that model. Ask for another model.",
                "model");
    }

    /**
     * What a caller is told of a setting refusal: the wildcard entry lacks it, sets it to what the provider cannot use,
     * sets what the provider does not support, gives only some of settings that go together; or the gateway's
     * environment variable (not the entry's) is what the provider cannot use.
     */
    private static String settingRefused(Deployment concrete, dev.switchboard.provider.ProviderRefusal.Setting s) {
        String p = "'" + concrete.provider() + "/'";
        return switch (s.fix()) {
            case REMOVE -> "that wildcard entry sets " + s.setting() + ", which " + p + " does not support";
            case ALL_OR_NONE -> "that wildcard entry sets only " + (pair(s) ? "one" : "some") + " of " + s.setting() + ", which "
                    + p + " takes " + (pair(s) ? "both or neither" : "all or none");
            case ENVIRONMENT -> "the gateway's environment sets " + s.setting() + " to what " + p + " cannot use";
            case SET -> s.missing() ? "that wildcard entry does not set " + s.setting() + ", which " + p + " needs"
                    : "that wildcard entry sets " + s.setting() + " to what " + p + " cannot use";
        };
    }

    /** Two settings that go together ("a / b"), said "both or neither"; three, "all or none". */
    private static boolean pair(dev.switchboard.provider.ProviderRefusal.Setting s) {
        int i = s.setting().indexOf(" / ");
        return i >= 0 && s.setting().indexOf(" / ", i + 1) < 0;
    }

    /** What the operator would do about a setting refusal, by its {@link dev.switchboard.provider.ProviderRefusal.Setting#fix}. */
    private static String operatorFix(dev.switchboard.provider.ProviderRefusal.Setting s) {
        return switch (s.fix()) {
            case REMOVE -> "have the operator remove litellm_params." + s.setting() + " from the entry";
            case ALL_OR_NONE -> "have the operator set " + (pair(s) ? "both or neither" : "all or none") + " of "
                    + s.setting() + " on the entry";
            case ENVIRONMENT -> "have the operator fix " + s.setting() + " in the gateway's environment (or set the "
                    + "credentials on the entry)";
            case SET -> "have the operator set litellm_params." + s.setting() + " on the entry";
        };
    }

    private ModelGroup withoutAlias(String name, boolean make) {
        ModelGroup g = byId.get(name);
        if (g == null) g = exact.get(name);
        if (g != null) return g;
        g = served.getIfPresent(name);
        if (g != null || !make) return g;
        WildcardRoute route = matching(name);
        if (route == null) return null;
        return served.get(name, n -> materialise(route, n));
    }

    /** The most specific wildcard that matches the whole name, or null. */
    WildcardRoute matching(String name) {
        for (WildcardRoute r : wildcards) if (r.match(name) != null) return r;
        return null;
    }

    private ModelGroup materialise(WildcardRoute route, String name) {
        List<String> segments = route.match(name);
        List<DeploymentState> members = new ArrayList<>();
        for (Deployment t : route.templates) {
            String full = WildcardRoute.substitute(templateModel(t), segments, name);
            Deployment concrete = served(t, name, full);
            dev.switchboard.provider.Provider p;
            try {
                p = source.providers().apply(concrete);
            } catch (dev.switchboard.provider.ModelIds.Invalid e) {
                throw invalidName(name, e);
            } catch (IllegalArgumentException e) {
                throw noProvider(route, t, name, full, concrete, e);
            }
            Target target = new Target(concrete, p);
            members.add(new DeploymentState(target, newBreaker.apply(concrete, route.templates.size() == 1), windows.get(t), slots.get(t)));
        }
        ModelGroup group = newGroup.apply(name, members);
        // told only once every entry took the name: a later entry refusing it (claude-* over anthropic/* and vertex_ai/*
        // for claude-x?y) throws before any price is kept for a group that will never be cached, nor let go
        // and a member refused by onNew itself gives back the ones told before it: each onNew is balanced by an onGone
        for (int i = 0; i < members.size(); i++) {
            try {
                source.onNew().accept(members.get(i).target);
            } catch (RuntimeException e) {
                for (int j = 0; j < i; j++) source.onGone().accept(members.get(j).target);
                throw e;
            }
        }
        return group;
    }

    /**
     * What a health check of wildcard entry {@code entry} calls: the entry with its model replaced by {@code model}
     * ({@code model_info.health_check_model}, a {@code litellm_params.model} as LiteLLM reads it: {@code openai/gpt-4o-mini},
     * or a bare name whose provider is inferred), whichever other entry a request for that name would reach.
     *
     * @throws GatewayException when no provider here serves it
     */
    Target wildcardTarget(Deployment entry, String model) {
        Deployment concrete = served(entry, model, model);
        dev.switchboard.provider.Provider p;
        try {
            p = source.providers().apply(concrete);
        } catch (dev.switchboard.provider.ModelIds.Invalid e) {
            throw invalidName(model, e);
        } catch (dev.switchboard.provider.ProviderRefusal.MissingApiBase e) {
            throw GatewayException.badRequest("'" + model + "' would go to '" + concrete.id() + "', whose provider has no default "
                    + "address, and the wildcard entry (" + entry.where() + ") sets no api_base.", "model");
        } catch (dev.switchboard.provider.ProviderRefusal.Setting e) {
            throw GatewayException.badRequest("'" + model + "' would go to '" + concrete.id() + "', but "
                    + settingRefused(concrete, e).replace("that wildcard entry", "the wildcard entry (" + entry.where() + ")")
                    + ".", "model");
        } catch (dev.switchboard.provider.ProviderRefusal.UnknownProvider e) {
            throw GatewayException.badRequest("'" + model + "' would go to '" + concrete.id() + "', which no provider here serves.", "model");
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("'" + model + "' would go to '" + concrete.id() + "', which its provider cannot serve.",
                    "model");
        }
        Target t = new Target(concrete, p);
        source.onNew().accept(t); // priced like the deployments it serves
        return t;
    }

    /**
     * A requested name whose model id would go into the provider's URL and is not a plain id there (a '.' or '..'
     * segment, '?', '#', '%', a control character, white space, or not of the provider's id syntax): a 400 naming the
     * rule, and nothing is sent, so no such name can reach another model or another route of the provider.
     */
    private static GatewayException invalidName(String requested, dev.switchboard.provider.ModelIds.Invalid e) {
        return GatewayException.badRequest("The model name '" + dev.switchboard.provider.ModelIds.printable(requested)
                + "' is not valid: '" + dev.switchboard.provider.ModelIds.printable(e.model()) + "' is not a plain " + e.reason()
                + ". Ask for the model by its plain id.", "model");
    }

    /** A wildcard entry's {@code model} as written: {@code openai/*}, or a bare {@code *} (no provider yet). */
    static String templateModel(Deployment t) {
        return t.provider().isEmpty() ? t.model() : t.provider() + "/" + t.model();
    }

    /**
     * The wildcard entry with its model replaced: alias = the requested name; provider = the prefix of {@code full}
     * when it has one, else the family the name belongs to, found as the loader finds it for a model without a prefix
     * ({@code config.ProviderInference}, LiteLLM's get_llm_provider order), and a 400 for a name of no known family.
     */
    static Deployment served(Deployment template, String requested, String full) {
        int slash = full.indexOf('/');
        String provider = slash > 0 ? full.substring(0, slash) : dev.switchboard.config.ProviderInference.familyOf(full);
        if (provider == null) {
            throw GatewayException.badRequest("The model '" + requested + "' matches the wildcard '" + template.alias() + "' ("
                    + template.where() + "), whose model is a bare *, but '" + full + "' is of no model family a provider can be "
                    + "told from (LiteLLM: \"LLM Provider NOT provided\"). Ask for provider/model, e.g. openai/" + full + ".", "model");
        }
        String model = slash > 0 ? full.substring(slash + 1) : full;
        // a bare * without api_base: the base variable of the provider the name brings (OPENAI_API_BASE, …), as a named
        // entry of that provider takes it, captured at load (config.DeploymentReader); the entry's sources kept
        String base = template.apiBase();
        Map<String, String> sources = new java.util.LinkedHashMap<>();
        template.sources().forEach((k, v) -> { if (!k.startsWith(Deployment.ENVIRONMENT_BASE)) sources.put(k, v); });
        String[] env = base == null ? template.environmentBase(provider) : null;
        if (env != null) {
            base = env[1];
            sources.put("api_base", Deployment.environmentBaseSource(env[0], provider));
        }
        return new Deployment(requested, provider, model, base, template.apiKey(), template.timeout(),
                template.streamTimeout(), template.maxTokens(), template.headers(), template.params(), template.modelInfo(),
                template.line(), Map.copyOf(sources));
    }

    /** The names {@code /v1/models} lists: model_names, visible group aliases, wildcard patterns; config order. */
    Set<String> listed() {
        Set<String> out = new LinkedHashSet<>(exact.keySet());
        groupAliases.forEach((n, a) -> { if (!a.hidden()) out.add(n); });
        for (Deployment t : source.templates()) out.add(t.alias());
        return out;
    }

    /** How many {@code model_group_alias} names stand for another name (hidden ones too; one that is a model_name is that name). */
    int groupAliasCount() {
        return (int) groupAliases.keySet().stream().filter(n -> !exact.containsKey(n)).count();
    }

    /** The {@code model_group_alias} names that are not hidden, each with the model_name it names; config order. */
    Map<String, String> shownGroupAliases() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        groupAliases.forEach((n, a) -> { if (!a.hidden() && !n.equals(a.target())) out.put(n, a.target()); });
        return out;
    }

    /** How many names served through wildcards have a group now (at most {@link #MAX_SERVED}). */
    long servedNames() {
        served.cleanUp();
        return served.estimatedSize();
    }

    /** Every group configured at start (model_names and deployment ids), for the deployments' live state. */
    Map<String, ModelGroup> exact() { return exact; }

    List<WildcardRoute> wildcards() { return wildcards; }
}
