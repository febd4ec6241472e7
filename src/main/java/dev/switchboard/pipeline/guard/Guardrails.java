package dev.switchboard.pipeline.guard;

import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.provider.ProviderContext;
import dev.switchboard.provider.bedrock.BedrockGuardrailApi;
import java.util.ArrayList;
import java.util.List;

/** Builds the configured guardrails (one registry line per kind) and the stage that runs them. */
public final class Guardrails {
    private final List<Guardrail> built;
    private final List<String> secrets;
    private final io.vertx.core.Vertx vertx;

    private Guardrails(List<Guardrail> built, List<String> secrets, io.vertx.core.Vertx vertx) {
        this.built = built;
        this.secrets = secrets;
        this.vertx = vertx;
    }

    public static Guardrails build(List<GuardrailConfig> configs, ProviderContext ctx) {
        List<Guardrail> out = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        for (GuardrailConfig c : configs) {
            if (c.apiKey() != null) secrets.add(c.apiKey().reveal());
            out.add(switch (c.kind()) {
                case "tool_permission" -> new ToolPermissionGuardrail(c);
                case "litellm_content_filter" -> new ContentFilterGuardrail(c);
                case "bedrock" -> {
                    BedrockGuardrailApi api = BedrockGuardrailApi.create(c.name(), c.apiBase(), c.apiKey(), c.params(), ctx,
                            c.stringParam("guardrailIdentifier"), c.stringParam("guardrailVersion"));
                    secrets.addAll(api.secrets());
                    yield new BedrockGuardrail(c, api);
                }
                case "aporia" -> new AporiaGuardrail(c, ctx.http());
                case "lakera_v2" -> {
                    String envKey = ctx.env().apply("LAKERA_API_KEY");
                    if (c.apiKey() == null && envKey != null) secrets.add(envKey);
                    yield new LakeraGuardrail(c, ctx.http(), ctx.env());
                }
                default -> throw new IllegalArgumentException(c.where() + ": guardrail kind " + c.kind() + " is not built");
            });
        }
        return new Guardrails(out, List.copyOf(secrets), ctx.vertx());
    }

    /**
     * The secrets the configured guardrails will send, known before anything is built (the gateway's key scrubber is
     * made first): their api_key, AWS secret keys, and the environment keys a kind falls back to.
     */
    public static List<String> secrets(List<GuardrailConfig> configs, java.util.function.Function<String, String> env) {
        List<String> out = new ArrayList<>();
        for (GuardrailConfig c : configs) {
            if (c.apiKey() != null) out.add(c.apiKey().reveal());
            for (String k : List.of("aws_secret_access_key", "aws_session_token")) if (c.stringParam(k) != null) out.add(c.stringParam(k));
            List<String> envKeys = switch (c.kind()) {
                case "lakera_v2" -> List.of("LAKERA_API_KEY");
                case "bedrock" -> List.of("AWS_BEARER_TOKEN_BEDROCK", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
                default -> List.of();
            };
            for (String e : envKeys) if (env.apply(e) != null && !env.apply(e).isBlank()) out.add(env.apply(e));
        }
        return out;
    }

    /**
     * Whether a pre_call guardrail runs on a request (default_on, or asked for by it): such a guardrail may rewrite the
     * request before the router sees it (tool_permission's rewrite removes tools and the choice among them, Bedrock's
     * masks text), so a budget's worst case, judged outside the guardrail stage, must not pass over a fallback that would
     * refuse the request as it arrived (RequestWorstCase). Built once; per request a list scan, and a read of the
     * request's {@code guardrails} only when a pre_call guardrail is not default_on, kept on the request's context for
     * the guardrail stage's plan (parsed once). A request naming an unknown guardrail counts as guarded (the guardrail
     * stage refuses it).
     */
    public static java.util.function.BiPredicate<dev.switchboard.model.CallContext, dev.switchboard.model.ChatRequest> preCallRuns(
            List<GuardrailConfig> configs) {
        List<String> pre = new ArrayList<>();
        for (GuardrailConfig c : configs) {
            if (!c.runsOn(GuardrailConfig.PRE_CALL)) continue;
            if (c.defaultOn()) return (ctx, r) -> true;
            pre.add(c.name());
        }
        if (pre.isEmpty()) return (ctx, r) -> false;
        java.util.Set<String> names = new java.util.LinkedHashSet<>(configs.stream().map(GuardrailConfig::name).toList());
        return (ctx, r) -> {
            try {
                java.util.Set<String> asked = Requested.of(ctx, r, names);
                for (String n : pre) if (asked.contains(n)) return true;
                return false;
            } catch (dev.switchboard.model.GatewayException e) {
                return true;
            }
        };
    }

    public boolean isEmpty() { return built.isEmpty(); }

    /** The keys the guardrails send, so the gateway's scrubber removes them from anything an upstream echoes. */
    public List<String> secrets() { return secrets; }

    public GuardrailStage stage() { return new GuardrailStage(built, vertx); }
}
