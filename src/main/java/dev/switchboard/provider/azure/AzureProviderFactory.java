package dev.switchboard.provider.azure;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.Secret;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderContext;
import dev.switchboard.provider.ProviderFactory;
import dev.switchboard.provider.openai.OpenAiWire;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code azure/<deployment>} (Azure OpenAI) and {@code azure_ai/<model>} (Azure AI Foundry models), with the
 * parameters and variables LiteLLM reads for them: {@code api_base} / AZURE_API_BASE, {@code api_version} /
 * AZURE_API_VERSION, {@code api_key} / AZURE_API_KEY (AZURE_AI_API_KEY, AZURE_AI_API_BASE for {@code azure_ai/}),
 * {@code azure_ad_token} / AZURE_AD_TOKEN, and {@code tenant_id} + {@code client_id} + {@code client_secret}
 * (+ {@code azure_scope}, {@code azure_authority_host} / AZURE_AUTHORITY_HOST). A key in the config wins over an
 * Entra ID credential, as in LiteLLM.
 */
public final class AzureProviderFactory implements ProviderFactory {
    @Override
    public Set<String> prefixes() { return Set.of("azure", "azure_ai"); }

    @Override
    public String keyEnv(String prefix) { return prefix.equals("azure_ai") ? "AZURE_AI_API_KEY" : "AZURE_API_KEY"; }

    /** The key, else a fixed Entra token: what the requests carry when it never changes. */
    @Override
    public Secret key(Deployment d, Function<String, String> env) {
        // api_key: "" is no key (LiteLLM's falsy ""): the variable, else the Entra token, as AzureSettings reads them
        Secret k = d.apiKey() != null && !d.apiKey().reveal().isBlank() ? d.apiKey() : envKey(d, env);
        if (k != null) return k;
        String token = d.stringParam("azure_ad_token");
        if (token == null && d.provider().equals("azure")) token = env.apply("AZURE_AD_TOKEN");
        return token == null || token.isBlank() ? null : new Secret(token);
    }

    private Secret envKey(Deployment d, Function<String, String> env) {
        String value = env.apply(keyEnv(d.provider()));
        return value == null || value.isBlank() ? null : new Secret(value);
    }

    /** An Entra ID service principal, when no key nor fixed token goes: check shows it rather than "no key". */
    @Override
    public dev.switchboard.provider.SignIn signIn(Deployment d, Function<String, String> env) {
        if (key(d, env) != null) return null; // api_key or azure_ad_token: the key column says which
        String tenant = d.stringParam("tenant_id"), client = d.stringParam("client_id");
        if (tenant == null || client == null || tenant.isBlank() || client.isBlank()) return null; // create() refuses it
        return dev.switchboard.provider.SignIn.of("Entra ID service principal " + client + " (tenant " + tenant + "), client secret "
                        + new Secret(String.valueOf(d.stringParam("client_secret"))).masked(),
                "tenant_id, client_id, client_secret" + dev.switchboard.provider.SignIn.lines(d, "tenant_id", "client_id", "client_secret"));
    }

    /** The key or token, and the client secret a service principal signs in with (as written and form-encoded). */
    @Override
    public List<Secret> secrets(Deployment d, Function<String, String> env) {
        List<Secret> out = new ArrayList<>(ProviderFactory.super.secrets(d, env));
        String clientSecret = d.stringParam("client_secret");
        if (clientSecret != null && !clientSecret.isBlank()) {
            for (String form : EntraTokens.secretForms(clientSecret)) out.add(new Secret(form));
        }
        return out;
    }

    /** {@link #create}'s settings and URL (the deployment name in its path), without a token source. */
    @Override
    public void check(Deployment d, java.util.function.Function<String, String> env) {
        AzureUrls.of(d, AzureSettings.from(d, env));
    }

    @Override
    public Provider create(Deployment d, ProviderContext ctx) {
        AzureSettings s = AzureSettings.from(d, ctx.env());
        AzureUrls urls = AzureUrls.of(d, s);
        boolean foundry = d.provider().equals("azure_ai");
        AzureAuth auth;
        if (s.apiKey() != null) {
            // Azure OpenAI and Foundry resources take the key as api-key; serverless endpoints as a bearer token
            auth = !foundry || AzureUrls.modelsApi(s) ? AzureAuth.fixed("api-key", s.apiKey())
                    : AzureAuth.fixed("authorization", "Bearer " + s.apiKey());
        } else if (s.adToken() != null) {
            auth = AzureAuth.fixed("authorization", "Bearer " + s.adToken());
        } else {
            auth = new EntraTokens(ctx.vertx(), EntraTokens.clientSecret(s, ctx.env()), s.scope(), d.id(), s.clientSecret(),
                    Clock.systemUTC(), ctx.http().secrets());
        }
        // Azure OpenAI serves OpenAI's own models (max_completion_tokens and all) from 2024-09-01-preview on; an older
        // dated api-version refuses stream_options and max_completion_tokens (AzureApiVersions). Foundry's catalogue is
        // any model.
        OpenAiWire wire = foundry ? new OpenAiWire(d, "openai_compatible")
                : AzureApiVersions.takesCurrentFields(s.apiVersion(), urls.v1()) ? new OpenAiWire(d, "openai")
                : OpenAiWire.beforeStreamOptions(d);
        return new AzureProvider(d, urls, auth, wire, ctx.http());
    }
}
