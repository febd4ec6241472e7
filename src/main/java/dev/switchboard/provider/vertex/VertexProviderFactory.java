package dev.switchboard.provider.vertex;

import dev.switchboard.config.Deployment;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderContext;
import dev.switchboard.provider.ProviderFactory;
import dev.switchboard.provider.SignIn;
import dev.switchboard.provider.UpstreamHttp;
import dev.switchboard.provider.anthropic.AnthropicProviderFactory;
import dev.switchboard.provider.anthropic.AnthropicTarget;
import dev.switchboard.provider.gemini.GeminiProviderFactory;
import dev.switchboard.provider.gemini.GeminiTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code vertex_ai/<model>}: Google Cloud's Vertex AI. Gemini models go through the Gemini provider's translation and
 * Claude models through the Anthropic provider's, each pointed at Vertex's URLs with bearer tokens from the
 * deployment's Google credentials ({@link AccessTokens}); text-embedding models are served by {@link VertexEmbeddings}.
 * Deployments that use the same credentials share one token cache.
 */
public final class VertexProviderFactory implements ProviderFactory {
    /** What Vertex expects in the body of a Claude request (the URL names the model, so the body has none). */
    static final String ANTHROPIC_VERSION = "vertex-2023-10-16";

    private final Map<String, AccessTokens> tokensBySource = new ConcurrentHashMap<>();

    @Override
    public Set<String> prefixes() { return Set.of("vertex_ai"); }

    @Override
    public String defaultBaseUrl(Deployment d) {
        try {
            return VertexUrls.host(VertexSettings.from(d, System::getenv).location());
        } catch (IllegalArgumentException invalid) {
            return null; // create() reports it with its line
        }
    }

    /**
     * The Google credentials the deployment's tokens come from, as check shows them: the service account of
     * vertex_credentials or of GOOGLE_APPLICATION_CREDENTIALS' file, else gcloud's application-default file; with none
     * of these, a warning as for another provider's missing key (only on Google Cloud would the metadata server give a
     * token, which check does not probe: it sends nothing).
     */
    @Override
    public SignIn signIn(Deployment d, Function<String, String> env) {
        VertexSettings s;
        VertexCredentials c;
        try {
            s = VertexSettings.from(d, env);
            c = VertexCredentials.resolve(d, s.credentials(), env);
        } catch (IllegalArgumentException invalid) {
            return null; // create() reports it with its line
        }
        if (s.credentials() != null) {
            String key = d.stringParam("vertex_credentials") != null ? "vertex_credentials" : "vertex_ai_credentials";
            return SignIn.of(c.description(), key + SignIn.lines(d, key));
        }
        String adc = env.apply(VertexCredentials.ADC_ENV);
        if (adc != null && !adc.isBlank()) return SignIn.of(c.description(), "environment " + VertexCredentials.ADC_ENV);
        Path wellKnown = VertexCredentials.wellKnownFile(env);
        if (wellKnown != null && Files.isRegularFile(wellKnown)) {
            return SignIn.of("application-default credentials (gcloud auth application-default login)", "file " + wellKnown);
        }
        return new SignIn("none found", "no vertex_credentials, no " + VertexCredentials.ADC_ENV + ", no " + wellKnown,
                d.where() + ": model_list entry '" + d.alias() + "' (" + d.id() + ") has no Google credentials: no "
                        + "vertex_credentials, " + VertexCredentials.ADC_ENV + " is not set and gcloud's application-default file ("
                        + wellKnown + ") does not exist, so its requests will fail (502) unless the gateway runs on Google Cloud, "
                        + "whose metadata server gives the tokens. Fix: set vertex_credentials to a service-account JSON file (or "
                        + "os.environ/ a variable holding the JSON), export " + VertexCredentials.ADC_ENV + ", or run `gcloud auth "
                        + "application-default login`.");
    }

    /** {@link #create}'s checks of the entry's settings and the model id, without the credentials (no file read). */
    @Override
    public void check(Deployment d, java.util.function.Function<String, String> env) {
        VertexSettings.from(d, env);
        dev.switchboard.provider.ModelIds.requireUrlSafe(d, d.model(), "Vertex AI");
        dev.switchboard.provider.ModelIds.require(d, d.model(), VertexPublisher.of(d) == VertexPublisher.ANTHROPIC
                ? dev.switchboard.provider.ModelIds.VERTEX_CLAUDE : dev.switchboard.provider.ModelIds.GOOGLE);
    }

    @Override
    public Provider create(Deployment d, ProviderContext ctx) {
        VertexSettings settings = VertexSettings.from(d, ctx.env());
        // the model may be a caller's text (a vertex_ai/* wildcard): nothing that changes the URL, then the publisher's id syntax
        dev.switchboard.provider.ModelIds.requireUrlSafe(d, d.model(), "Vertex AI");
        VertexPublisher publisher = VertexPublisher.of(d);
        String segment = dev.switchboard.provider.ModelIds.pathSegment(d, d.model(), publisher == VertexPublisher.ANTHROPIC
                ? dev.switchboard.provider.ModelIds.VERTEX_CLAUDE : dev.switchboard.provider.ModelIds.GOOGLE);
        VertexCredentials credentials = VertexCredentials.resolve(d, settings.credentials(), ctx.env());
        String project = settings.project() != null ? settings.project() : credentials.projectId();
        if (project == null) {
            throw VertexSettings.problem(d, "vertex_project", true, "no Google Cloud project: neither vertex_project, " + VertexSettings.PROJECT_ENV
                    + " nor the credentials name one", "add vertex_project: <your project id> to litellm_params");
        }
        // shared by the deployments with these credentials; a failure is told as this deployment's
        var tokens = tokensBySource.computeIfAbsent(sourceKey(settings, ctx),
                k -> new AccessTokens(ctx.vertx(), credentials, d.id(), System::currentTimeMillis, ctx.http().secrets()))
                .forDeployment(d.id());
        UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse(
                d.apiBase() != null ? d.apiBase() : VertexUrls.host(settings.location()), d.id());
        String model = endpoint.pathFor(VertexUrls.modelPath(project, settings.location(), publisher.path, segment));
        // Only the deployment's extra_headers and the content type: the token is added per request.
        var headers = UpstreamHttp.baseHeaders(d.headers(), "authorization", null);
        if (publisher == VertexPublisher.ANTHROPIC) {
            return AnthropicProviderFactory.onTarget(d, new AnthropicTarget(endpoint, model + ":rawPredict", model + ":streamRawPredict",
                    headers, tokens, null, body -> {
                        body.remove("model");
                        body.put("anthropic_version", ANTHROPIC_VERSION);
                        // Vertex refuses Anthropic's automatic caching (a top-level cache_control): its marker goes on the last block
                        dev.switchboard.provider.anthropic.AnthropicAutomaticCache.ontoLastBlock(body);
                        return body;
                    }, VertexErrors.forClaude(d.id()),
                    // Claude's count-tokens on Vertex: one publisher-level path, the model named in the body
                    endpoint.pathFor(VertexUrls.modelPath(project, settings.location(), publisher.path, "count-tokens")) + ":rawPredict",
                    VertexClaudeBetas::kept),
                    ctx.http());
        }
        Provider gemini = GeminiProviderFactory.onTarget(d, new GeminiTarget(endpoint, model + ":generateContent",
                model + ":streamGenerateContent?alt=sse", headers, tokens, null), ctx.http());
        return new VertexGoogleModel(gemini, new VertexEmbeddings(d, endpoint, model + ":predict", headers, tokens, ctx.http()));
    }

    /** One token cache per credentials: the vertex_credentials value, or the application-default file (or lookup). */
    private static String sourceKey(VertexSettings s, ProviderContext ctx) {
        if (s.credentials() != null) return "value:" + s.credentials();
        String adc = ctx.env().apply(VertexCredentials.ADC_ENV);
        return adc == null || adc.isBlank() ? "adc" : "adc:" + adc.trim();
    }
}
