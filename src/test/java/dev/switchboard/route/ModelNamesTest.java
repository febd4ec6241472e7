package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.GatewayException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Which group a requested name reaches: ids, group aliases, model_names, wildcards by specificity. */
class ModelNamesTest {
    private final List<Target> made = new ArrayList<>();

    private static Deployment entry(String alias, String provider, String model, Map<String, Object> info) {
        return new Deployment(alias, provider, model, null, null, null, null, null, Map.of(), Map.of(), info, 1);
    }

    private ModelNames names(List<Deployment> exact, List<Deployment> wildcards, Map<String, GroupAlias> aliases) {
        RoutingStrategy strategy = RoutingStrategy.named("simple-shuffle");
        Random random = new Random(1);
        Map<String, List<DeploymentState>> byAlias = new LinkedHashMap<>();
        for (Deployment d : exact) {
            byAlias.computeIfAbsent(d.alias(), k -> new ArrayList<>())
                    .add(new DeploymentState(new FakeProvider(d).target(), new CircuitBreaker(3, 1_000_000_000L)));
        }
        Map<String, ModelGroup> groups = new LinkedHashMap<>();
        byAlias.forEach((a, m) -> groups.put(a, new ModelGroup(a, m, strategy, null, random::nextLong)));
        return new ModelNames(groups, aliases, new WildcardTargets(wildcards, d -> {
            if (d.provider().equals("nosuch")) throw new dev.switchboard.provider.ProviderRefusal.UnknownProvider("unknown provider");
            return new FakeProvider(d);
        }, made::add), (a, m) -> new ModelGroup(a, m, strategy, null, random::nextLong), d -> new CircuitBreaker(3, 1_000_000_000L));
    }

    private static String servedModel(ModelGroup g) { return g.members.get(0).target.deployment().id(); }

    @Test
    void exactNamesWinOverPatternsAndLongerPatternsOverShorter() {
        ModelNames n = names(List.of(entry("claude-exact", "anthropic", "claude-opus-4-1", Map.of())),
                List.of(entry("*", "openai", "*", Map.of()), entry("claude-*", "anthropic", "claude-*", Map.of()),
                        entry("claude-sonnet-*", "anthropic", "sonnet-pinned", Map.of())),
                Map.of());
        assertThat(servedModel(n.resolve("claude-exact"))).isEqualTo("anthropic/claude-opus-4-1");
        assertThat(servedModel(n.resolve("claude-haiku-4-5"))).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(servedModel(n.resolve("claude-sonnet-4-5"))).as("the longer pattern; a model without * is used as it is")
                .isEqualTo("anthropic/sonnet-pinned");
        assertThat(servedModel(n.resolve("gpt-4o"))).isEqualTo("openai/gpt-4o");
        assertThat(n.resolve("claude-haiku-4-5").alias).as("the group is named as requested").isEqualTo("claude-haiku-4-5");
        assertThat(n.resolve("claude-haiku-4-5")).as("made once, then kept").isSameAs(n.resolve("claude-haiku-4-5"));
        assertThat(made).extracting(t -> t.deployment().id())
                .containsExactly("anthropic/claude-haiku-4-5", "anthropic/sonnet-pinned", "openai/gpt-4o");
    }

    /**
     * A bare {@code *} has no provider when the config is read, so LiteLLM's base variable of the provider a requested
     * name brings (OPENAI_API_BASE, …) is chosen then, from the environment as it was at load: a request for gpt-4o
     * through {@code *} went to api.openai.com while a named openai/ entry went to the company proxy.
     */
    @Test
    void aBareStarTakesTheBaseVariableOfTheRequestedNamesProvider() {
        var cfg = new dev.switchboard.config.ConfigLoader(Map.of("OPENAI_API_KEY", "sk-test-abcdefghijklmnop")::get).parse("""
                model_list:
                  - model_name: "*"
                    litellm_params: { model: "*" }
                  - model_name: "set/*"
                    litellm_params: { model: "*", api_base: http://written.test/v1 }
                environment_variables:
                  OPENAI_API_BASE: https://proxy.corp/v1
                  OPENROUTER_API_BASE: https://or-proxy.corp/api/v1
                """);
        ModelNames n = names(List.of(), cfg.deployments(), Map.of());
        Deployment gpt = n.resolve("gpt-4o").members.get(0).target.deployment();
        assertThat(gpt.apiBase()).isEqualTo("https://proxy.corp/v1");
        assertThat(gpt.sources().get("api_base")).startsWith("environment OPENAI_API_BASE");
        assertThat(gpt.apiBaseVariable()).isEqualTo("OPENAI_API_BASE");
        assertThat(n.resolve("openrouter/meta/llama-3").members.get(0).target.deployment().apiBase())
                .isEqualTo("https://or-proxy.corp/api/v1");
        assertThat(n.resolve("claude-haiku-4-5").members.get(0).target.deployment().apiBase()).as("no variable: the default").isNull();
        assertThat(n.resolve("set/gpt-4o").members.get(0).target.deployment().apiBase()).as("a written base wins")
                .isEqualTo("http://written.test/v1");
    }

    @Test
    void providerWildcardsAndBareStarsTakeTheProviderFromTheName() {
        ModelNames n = names(List.of(), List.of(entry("anthropic/*", "anthropic", "*", Map.of()), entry("*", "", "*", Map.of())), Map.of());
        assertThat(servedModel(n.resolve("anthropic/claude-haiku-4-5"))).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(servedModel(n.resolve("gemini/gemini-2.5-flash"))).isEqualTo("gemini/gemini-2.5-flash");
        assertThat(servedModel(n.resolve("claude-opus-4-1"))).as("a bare claude name is Anthropic's").isEqualTo("anthropic/claude-opus-4-1");
        assertThat(servedModel(n.resolve("gpt-4o-mini"))).isEqualTo("openai/gpt-4o-mini");
        assertThatThrownBy(() -> n.resolve("nosuch/model")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("matches the wildcard '*'").hasMessageContaining("'nosuch' is not a provider");
        // the loader's inference (LiteLLM's get_llm_provider), not a guess: gemini-* is Vertex AI, Bedrock ids are Bedrock,
        // and a name of no family is refused rather than sent to OpenAI
        assertThat(servedModel(n.resolve("gemini-2.5-pro"))).isEqualTo("vertex_ai/gemini-2.5-pro");
        assertThat(servedModel(n.resolve("us.anthropic.claude-sonnet-4-5-v1:0"))).isEqualTo("bedrock/us.anthropic.claude-sonnet-4-5-v1:0");
        assertThat(servedModel(n.resolve("mistral-large-latest"))).isEqualTo("mistral/mistral-large-latest");
        assertThatThrownBy(() -> n.resolve("my-llama")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("LLM Provider NOT provided").hasMessageContaining("openai/my-llama");
    }

    @Test
    void theEntryServingANameIsItsModelNameOrPattern() {
        Deployment a = entry("gpt", "openai", "gpt-4o", Map.of("id", "gpt-east"));
        ModelNames n = names(List.of(a), List.of(entry("claude-*", "anthropic", "claude-*", Map.of())),
                Map.of("smart", new GroupAlias("gpt", false), "sonnet", new GroupAlias("claude-sonnet-4-5", true)));
        assertThat(n.entryOf("gpt")).isEqualTo("gpt");
        assertThat(n.entryOf("gpt-east")).isEqualTo("gpt");
        assertThat(n.entryOf("smart")).isEqualTo("gpt");
        assertThat(n.entryOf("claude-haiku-4-5")).isEqualTo("claude-*");
        assertThat(n.entryOf("sonnet")).isEqualTo("claude-*");
        assertThat(n.entryOf("mistral")).isNull();
    }

    @Test
    void noWildcardMeansUnknownNamesAreNotServed() {
        ModelNames n = names(List.of(entry("gpt", "openai", "gpt-4o", Map.of())), List.of(entry("claude-*", "anthropic", "claude-*", Map.of())), Map.of());
        assertThat(n.resolve("gpt-4o")).isNull();
        assertThat(n.resolve("xclaude-3")).as("a pattern matches the whole name, from its start").isNull();
        assertThat(n.serves("claude-3")).isTrue();
        assertThat(n.serves("mistral")).isFalse();
    }

    @Test
    void idsAndGroupAliasesComeFirst() {
        Deployment a = entry("gpt", "openai", "gpt-4o", Map.of("id", "gpt-east"));
        Deployment b = entry("gpt", "openai", "gpt-4o-mini", Map.of("id", "gpt-west"));
        ModelNames n = names(List.of(a, b, entry("cheap", "openai", "gpt-4o-mini", Map.of())), List.of(entry("*", "openai", "*", Map.of())),
                Map.of("gpt-4", new GroupAlias("gpt", false), "secret", new GroupAlias("cheap", true),
                        "cheap", new GroupAlias("gpt", false), "pinned", new GroupAlias("gpt-west", false)));
        assertThat(n.resolve("gpt").members).hasSize(2);
        assertThat(n.resolve("gpt-east").members).extracting(m -> m.target.deployment().model()).containsExactly("gpt-4o");
        assertThat(n.resolve("gpt-west").members).extracting(m -> m.target.deployment().model()).containsExactly("gpt-4o-mini");
        assertThat(n.resolve("gpt-east").members.get(0)).as("the id's group shares the deployment's state")
                .isSameAs(n.resolve("gpt").members.get(0));
        assertThat(n.resolve("gpt-4")).isSameAs(n.resolve("gpt"));
        assertThat(n.resolve("cheap")).as("an alias is looked up before a model_name, as in LiteLLM").isSameAs(n.resolve("gpt"));
        assertThat(n.resolve("pinned")).isSameAs(n.resolve("gpt-west"));
        assertThat(n.listed()).containsExactlyInAnyOrder("gpt", "cheap", "gpt-4", "pinned", "*").doesNotContain("secret", "gpt-east");
    }

    @Test
    void specificityFollowsLiteLlmsEscapedRegexLength() {
        assertThat(WildcardRoute.pythonRegex("claude-*")).isEqualTo("claude\\-(.*)");
        assertThat(WildcardRoute.pythonRegex("anthropic/*")).isEqualTo("anthropic/(.*)");
        List<WildcardRoute> routes = new ArrayList<>(List.of(new WildcardRoute("*", List.of()), new WildcardRoute("gpt-*", List.of()),
                new WildcardRoute("openai/*", List.of()), new WildcardRoute("gpt-4o-*", List.of())));
        routes.sort(WildcardRoute.MOST_SPECIFIC_FIRST);
        assertThat(routes).extracting(r -> r.pattern).containsExactly("gpt-4o-*", "openai/*", "gpt-*", "*");
    }

    @Test
    void substitutionFillsEachStarInTurn() {
        assertThat(WildcardRoute.substitute("openai/*", List.of("gpt-4o"), "gpt-4o")).isEqualTo("openai/gpt-4o");
        assertThat(WildcardRoute.substitute("openai/fo::*::static::*", List.of("hi", "there"), "x")).isEqualTo("openai/fo::hi::static::there");
        assertThat(WildcardRoute.substitute("bedrock/meta.llama3*", List.of("a", "b"), "a-meta.llama3-b"))
                .as("more segments than stars: the requested name itself, LiteLLM's rule").isEqualTo("a-meta.llama3-b");
        assertThat(WildcardRoute.substitute("anthropic/claude-opus-4-1", List.of("x"), "x")).isEqualTo("anthropic/claude-opus-4-1");
        assertThat(new WildcardRoute("llmengine/fo::*::static::*", List.of()).match("llmengine/fo::a::static::b")).containsExactly("a", "b");
    }

    /**
     * {@code claude-*} over {@code anthropic/*} and a second provider that refuses the name ({@code claude-x?y} is no
     * plain model id there): no group is made, so nothing may have been told to onNew, whose prices would never be
     * told gone (a price entry leaked per invented name).
     */
    @Test
    void aNameALaterEntryRefusesIsToldToNobody() {
        List<Target> gone = new ArrayList<>();
        RoutingStrategy strategy = RoutingStrategy.named("simple-shuffle");
        Random random = new Random(1);
        ModelNames n = new ModelNames(Map.of(), Map.of(), new WildcardTargets(
                List.of(entry("claude-*", "anthropic", "*", Map.of()), entry("claude-*", "vertex_ai", "*", Map.of())), d -> {
                    if (d.provider().equals("vertex_ai") && d.model().contains("?")) throw new IllegalArgumentException("not a plain id");
                    return new FakeProvider(d);
                }, made::add, d -> { }, gone::add),
                (a, m) -> new ModelGroup(a, m, strategy, null, random::nextLong), d -> new CircuitBreaker(3, 1_000_000_000L));
        for (int i = 0; i < 20; i++) {
            String name = "claude-x" + i + "?y";
            assertThatThrownBy(() -> n.resolve(name)).isInstanceOf(GatewayException.class);
        }
        assertThat(made).as("told of deployments whose group was never made").isEmpty();
        assertThat(n.servedNames()).isZero();
        assertThat(n.resolve("claude-haiku-4-5").members).hasSize(2);
        assertThat(made).extracting(t -> t.deployment().id()).containsExactly("anthropic/haiku-4-5", "vertex_ai/haiku-4-5");
    }

    /**
     * Every group the router keeps was told to onNew once per member, and is told to onGone once per member when it is
     * let go, so a count of holders per id (the prices') balances; a count-only read ({@code existing}) makes nothing.
     */
    @Test
    void everyGroupLetGoIsToldGoneOnceAndALookUpOnlyMakesNothing() {
        List<Target> gone = new ArrayList<>();
        RoutingStrategy strategy = RoutingStrategy.named("simple-shuffle");
        Random random = new Random(1);
        ModelNames n = new ModelNames(Map.of(), Map.of(), new WildcardTargets(List.of(entry("*", "", "*", Map.of())),
                FakeProvider::new, made::add, d -> { }, gone::add),
                (a, m) -> new ModelGroup(a, m, strategy, null, random::nextLong), d -> new CircuitBreaker(3, 1_000_000_000L));
        assertThat(n.existing("gpt-4o")).isNull();
        assertThat(made).isEmpty();
        ModelGroup g = n.resolve("gpt-4o");
        assertThat(n.existing("gpt-4o")).isSameAs(g);
        for (int i = 0; i < ModelNames.MAX_SERVED + 200; i++) n.resolve("gpt-4o-n" + i);
        assertThat(n.servedNames()).isLessThanOrEqualTo(ModelNames.MAX_SERVED);
        assertThat(made.size() - gone.size()).as("held = made - gone").isEqualTo((int) n.servedNames());
        assertThat(n.existing("no-family-name?")).isNull();
    }

    /**
     * Thirtieth session (D7): {@code resolve} and {@code existing} are one walk whose last step differs; through a group
     * alias to a name a wildcard serves, {@code existing} finds nothing until {@code resolve} made the group, then that
     * group, and never makes one itself.
     */
    @Test
    void existingWalksResolvesOrderThroughAnAliasButMakesNothing() {
        RoutingStrategy strategy = RoutingStrategy.named("simple-shuffle");
        Random random = new Random(1);
        ModelNames n = new ModelNames(Map.of(), Map.of("fast", new GroupAlias("gpt-4o-mini", false)),
                new WildcardTargets(List.of(entry("*", "", "*", Map.of())), FakeProvider::new, made::add, d -> { }, d -> { }),
                (a, m) -> new ModelGroup(a, m, strategy, null, random::nextLong), d -> new CircuitBreaker(3, 1_000_000_000L));
        assertThat(n.existing("fast")).as("no group made yet").isNull();
        assertThat(n.existing("gpt-4o-mini")).isNull();
        assertThat(made).as("a lookup makes nothing").isEmpty();
        ModelGroup g = n.resolve("fast");
        assertThat(g).as("the alias's target, made by the wildcard").isNotNull();
        assertThat(made).hasSize(1);
        assertThat(n.existing("fast")).as("the alias reaches the kept group").isSameAs(g);
        assertThat(n.existing("gpt-4o-mini")).isSameAs(g);
        assertThat(n.resolve("gpt-4o-mini")).isSameAs(g);
        assertThat(made).as("nothing made again").hasSize(1);
    }

    /** onNew refusing the second member (no group is cached): the first member it was told of is told gone again. */
    @Test
    void aMemberOnNewRefusesGivesBackTheOnesToldBefore() {
        List<Target> gone = new ArrayList<>();
        RoutingStrategy strategy = RoutingStrategy.named("simple-shuffle");
        Random random = new Random(1);
        ModelNames n = new ModelNames(Map.of(), Map.of(), new WildcardTargets(
                List.of(entry("claude-*", "anthropic", "*", Map.of()), entry("claude-*", "vertex_ai", "*", Map.of())),
                FakeProvider::new, t -> {
                    if (t.deployment().provider().equals("vertex_ai")) throw new IllegalStateException("refused");
                    made.add(t);
                }, d -> { }, gone::add),
                (a, m) -> new ModelGroup(a, m, strategy, null, random::nextLong), d -> new CircuitBreaker(3, 1_000_000_000L));
        assertThatThrownBy(() -> n.resolve("claude-haiku-4-5")).hasMessageContaining("refused");
        assertThat(made).extracting(t -> t.deployment().id()).containsExactly("anthropic/haiku-4-5");
        assertThat(gone).as("the +1 told before is given back").containsExactlyElementsOf(made);
        assertThat(n.servedNames()).isZero();
    }

    /**
     * A bare {@code *} entry without an api_base, asked for a provider that needs one (hosted_vllm/, openai_compatible/):
     * the refusal names the missing api_base, not "not a provider" (it is one), on a call and on a look-up; a prefix no
     * provider here has is still "not a provider". The real registry decides which.
     */
    @Test
    void aProviderNeedingAnApiBaseTheEntryLacksIsSaidSo() {
        var registry = dev.switchboard.provider.ProviderRegistry.standard();
        RoutingStrategy strategy = RoutingStrategy.named("simple-shuffle");
        Random random = new Random(1);
        Deployment bare = entry("*", "", "*", Map.of());
        ModelNames n = new ModelNames(Map.of(), Map.of(), new WildcardTargets(List.of(bare), d -> {
            registry.check(d, k -> null);
            return new FakeProvider(d);
        }, made::add, d -> registry.check(d, k -> null), t -> { }),
                (a, m) -> new ModelGroup(a, m, strategy, null, random::nextLong), d -> new CircuitBreaker(3, 1_000_000_000L));
        for (String name : List.of("hosted_vllm/llama-3.1-8b", "openai_compatible/llama3")) {
            assertThatThrownBy(() -> n.resolve(name)).isInstanceOf(GatewayException.class)
                    .hasMessageContaining("sets no api_base").hasMessageNotContaining("is not a provider");
            assertThat(n.check(name).refusal()).isNotNull();
            assertThat(n.check(name).refusal().getMessage()).contains("sets no api_base").doesNotContain("is not a provider");
        }
        assertThatThrownBy(() -> n.resolve("nosuch/model")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("'nosuch' is not a provider");
        // the entry's health check target (model_info.health_check_model) says the same
        assertThatThrownBy(() -> n.wildcardTarget(bare, "hosted_vllm/llama-3.1-8b")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("sets no api_base").hasMessageNotContaining("no provider here serves");
        assertThatThrownBy(() -> n.wildcardTarget(bare, "nosuch/model")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("which no provider here serves");
        assertThat(made).isEmpty();
    }

    /** A wildcard entry of an include:d file: the caller's 400 names that file with the line, as the config's messages do. */
    @Test
    void aWildcardEntryOfAnIncludedFileIsNamedWithItsFile() {
        var registry = dev.switchboard.provider.ProviderRegistry.standard();
        RoutingStrategy strategy = RoutingStrategy.named("simple-shuffle");
        Random random = new Random(1);
        Deployment bare = new Deployment("*", "", "*", "https://r.example.com", null, null, null, null, Map.of(),
                Map.of("vertex_project", "p-1", "vertex_location", "secret-place/9"), Map.of(), 4,
                Map.of(Deployment.INCLUDED_FROM, "models/wild.yaml"));
        ModelNames n = new ModelNames(Map.of(), Map.of(), new WildcardTargets(List.of(bare), d -> {
            registry.check(d, k -> null);
            return new FakeProvider(d);
        }, made::add, d -> registry.check(d, k -> null), t -> { }),
                (a, m) -> new ModelGroup(a, m, strategy, null, random::nextLong), d -> new CircuitBreaker(3, 1_000_000_000L));
        assertThatThrownBy(() -> n.resolve("vertex_ai/gemini-2.5-flash")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("matches the wildcard '*' (line 4 of models/wild.yaml)")
                .hasMessageContaining("litellm_params.vertex_location on the entry (line 4 of models/wild.yaml)");
        assertThatThrownBy(() -> n.wildcardTarget(bare, "azure/gpt4o")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("the wildcard entry (line 4 of models/wild.yaml) does not set api_key");
        assertThatThrownBy(() -> n.resolve("llama-3-8b")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("matches the wildcard '*' (line 4 of models/wild.yaml), whose model is a bare *");
        assertThat(made).isEmpty();
    }

    /**
     * A provider this gateway has refusing one of the wildcard entry's settings (a bare {@code *} sending
     * {@code vertex_ai/…} to an entry whose vertex_location is no location, {@code azure/…} with no credential) is said
     * as that setting, on a call and on the health check's target, never "not a provider"; the setting's value is not
     * in the caller's text.
     */
    @Test
    void aProviderRefusingASettingOfTheEntryNamesTheSetting() {
        var registry = dev.switchboard.provider.ProviderRegistry.standard();
        RoutingStrategy strategy = RoutingStrategy.named("simple-shuffle");
        Random random = new Random(1);
        Deployment bare = new Deployment("*", "", "*", "https://r.example.com", null, null, null, null, Map.of(),
                Map.of("vertex_project", "p-1", "vertex_location", "secret-place/9"), Map.of(), 4);
        ModelNames n = new ModelNames(Map.of(), Map.of(), new WildcardTargets(List.of(bare), d -> {
            registry.check(d, k -> null);
            return new FakeProvider(d);
        }, made::add, d -> registry.check(d, k -> null), t -> { }),
                (a, m) -> new ModelGroup(a, m, strategy, null, random::nextLong), d -> new CircuitBreaker(3, 1_000_000_000L));
        assertThatThrownBy(() -> n.resolve("vertex_ai/gemini-2.5-flash")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("sets vertex_location to what 'vertex_ai/' cannot use")
                .hasMessageContaining("litellm_params.vertex_location on the entry (line 4)")
                .hasMessageNotContaining("is not a provider").hasMessageNotContaining("secret-place");
        assertThatThrownBy(() -> n.resolve("azure/gpt4o")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("does not set api_key, which 'azure/' needs").hasMessageNotContaining("is not a provider");
        assertThatThrownBy(() -> n.wildcardTarget(bare, "azure/gpt4o")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("the wildcard entry (line 4) does not set api_key").hasMessageNotContaining("no provider here serves");
        assertThat(made).isEmpty();
    }

    /**
     * The fix a caller is told follows the refusal: a setting the provider does not support is to be removed (not set),
     * a half-given key pair is set both or neither, GOOGLE_APPLICATION_CREDENTIALS is the gateway's environment.
     */
    @Test
    void aRefusedSettingIsToldWithItsOwnFix() {
        var registry = dev.switchboard.provider.ProviderRegistry.standard();
        RoutingStrategy strategy = RoutingStrategy.named("simple-shuffle");
        Random random = new Random(1);
        java.util.function.Function<String, String> env = k -> k.equals("GOOGLE_APPLICATION_CREDENTIALS") ? "/nonexistent/adc.json" : null;
        Deployment bare = new Deployment("*", "", "*", "https://r.example.com", null, null, null, null, Map.of(),
                Map.of("vertex_project", "p-1", "aws_role_name", "r", "aws_region_name", "us-east-1"), Map.of(), 4);
        Deployment keys = new Deployment("*", "", "*", null, null, null, null, null, Map.of(),
                Map.of("aws_access_key_id", "AKIA", "aws_region_name", "us-east-1"), Map.of(), 5);
        java.util.function.Function<Deployment, ModelNames> names = w -> new ModelNames(Map.of(), Map.of(),
                new WildcardTargets(List.of(w), d -> {
                    registry.create(d, new dev.switchboard.provider.ProviderContext(null, null, env));
                    return new FakeProvider(d);
                }, made::add, d -> registry.check(d, env), t -> { }),
                (a, m) -> new ModelGroup(a, m, strategy, null, random::nextLong), d -> new CircuitBreaker(3, 1_000_000_000L));
        assertThatThrownBy(() -> names.apply(bare).resolve("bedrock/anthropic.claude-3-haiku-20240307-v1:0"))
                .hasMessageContaining("sets aws_role_name, which 'bedrock/' does not support")
                .hasMessageContaining("have the operator remove litellm_params.aws_role_name from the entry (line 4)")
                .hasMessageNotContaining("operator set");
        assertThatThrownBy(() -> names.apply(keys).resolve("bedrock/anthropic.claude-3-haiku-20240307-v1:0"))
                .hasMessageContaining("sets only one of aws_access_key_id / aws_secret_access_key, which 'bedrock/' takes both or neither")
                .hasMessageContaining("have the operator set both or neither of aws_access_key_id / aws_secret_access_key on the entry (line 5)")
                .hasMessageNotContaining("AKIA");
        assertThatThrownBy(() -> names.apply(bare).resolve("vertex_ai/gemini-2.5-flash"))
                .hasMessageContaining("the gateway's environment sets GOOGLE_APPLICATION_CREDENTIALS to what 'vertex_ai/' cannot use")
                .hasMessageNotContaining("litellm_params.GOOGLE").hasMessageNotContaining("/nonexistent");
        assertThat(made).isEmpty();
    }
}
