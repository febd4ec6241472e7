package dev.switchboard.provider.azure;

import dev.switchboard.config.Deployment;
import java.util.function.Function;

/**
 * What an {@code azure/} or {@code azure_ai/} deployment says about where and how to call, read once from its
 * {@code litellm_params} and the environment as LiteLLM reads them: a value in the config wins over its variable.
 *
 * @param apiBase       the resource endpoint ({@code api_base}, else AZURE_API_BASE / AZURE_AI_API_BASE), no trailing /
 * @param apiVersion    {@code api_version}, else AZURE_API_VERSION, else the default of the API the base points at
 * @param apiKey        the key sent as {@code api-key}, or null
 * @param adToken       a fixed Entra ID access token ({@code azure_ad_token} / AZURE_AD_TOKEN), or null
 * @param tenantId      with {@code clientId} and {@code clientSecret}: Entra client credentials, or null
 * @param scope         the scope Entra tokens are asked for ({@code azure_scope}, AZURE_SCOPE)
 * @param authorityHost the Entra authority ({@code azure_authority_host}, AZURE_AUTHORITY_HOST), null for Azure's public cloud
 */
record AzureSettings(String apiBase, String apiVersion, String apiKey, String adToken, String tenantId, String clientId,
                     String clientSecret, String scope, String authorityHost) {

    /** Azure OpenAI's latest GA data-plane version, used when neither the config nor AZURE_API_VERSION names one. */
    static final String DEFAULT_OPENAI_VERSION = "2024-10-21";
    /** The Azure AI model inference API's version, as LiteLLM sends it to {@code /models}. */
    static final String DEFAULT_MODELS_VERSION = "2024-05-01-preview";
    static final String DEFAULT_SCOPE = "https://cognitiveservices.azure.com/.default";

    static AzureSettings from(Deployment d, Function<String, String> env) {
        boolean foundry = d.provider().equals("azure_ai");
        String base = d.apiBase() != null ? d.apiBase() : env(env, foundry ? "AZURE_AI_API_BASE" : "AZURE_API_BASE");
        if (base == null) {
            throw new dev.switchboard.provider.ProviderRefusal.MissingApiBase(at(d) + "has no api_base. Fix: set litellm_params.api_base to the resource "
                    + "endpoint (" + (foundry ? "https://<resource>.services.ai.azure.com/models" : "https://<resource>.openai.azure.com")
                    + "), or export " + (foundry ? "AZURE_AI_API_BASE" : "AZURE_API_BASE") + ".");
        }
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        // a number or a YAML date when written unquoted (api_version: 2024-10-21): its text is what Azure wants
        Object v = d.params().get("api_version");
        String version = v == null || v.toString().isBlank() ? null : v.toString();
        if (version == null && !foundry) version = env(env, "AZURE_API_VERSION");
        // api_key: "" is no key, as in LiteLLM (an empty string is falsy there): the variable, else azure_ad_token,
        // else client credentials; sent as it was, it went as an empty api-key header and the token was dropped
        String key = d.apiKey() != null && !d.apiKey().reveal().isBlank() ? d.apiKey().reveal()
                : env(env, foundry ? "AZURE_AI_API_KEY" : "AZURE_API_KEY");
        String adToken = param(d, "azure_ad_token");
        if (adToken == null && key == null) adToken = env(env, "AZURE_AD_TOKEN");
        String tenant = param(d, "tenant_id"), client = param(d, "client_id"), secret = param(d, "client_secret");
        int given = (tenant != null ? 1 : 0) + (client != null ? 1 : 0) + (secret != null ? 1 : 0);
        if (given > 0 && given < 3) {
            throw new dev.switchboard.provider.ProviderRefusal.Setting("tenant_id / client_id / client_secret", true,
                    dev.switchboard.provider.ProviderRefusal.Setting.Fix.ALL_OR_NONE, at(d)
                    + "Entra ID client credentials need all of tenant_id, client_id and "
                    + "client_secret. Fix: set the missing one(s), e.g. client_secret: os.environ/AZURE_CLIENT_SECRET.");
        }
        if (param(d, "azure_username") != null || param(d, "azure_password") != null) {
            throw new dev.switchboard.provider.ProviderRefusal.Setting("azure_username / azure_password", false,
                    dev.switchboard.provider.ProviderRefusal.Setting.Fix.REMOVE, at(d)
                    + "azure_username / azure_password (Entra's username-password flow) "
                    + "is not supported: Microsoft is retiring it and it cannot pass multi-factor authentication. Fix: use a "
                    + "service principal (tenant_id, client_id, client_secret), azure_ad_token, or api_key.");
        }
        if (key == null && adToken == null && tenant == null) {
            throw new dev.switchboard.provider.ProviderRefusal.Setting("api_key", true, at(d) + "has no credential. Fix: set api_key (or export "
                    + (foundry ? "AZURE_AI_API_KEY" : "AZURE_API_KEY") + "), azure_ad_token, or tenant_id + client_id + "
                    + "client_secret for Entra ID.");
        }
        String scope = param(d, "azure_scope");
        if (scope == null) scope = env(env, "AZURE_SCOPE");
        String authority = param(d, "azure_authority_host");
        if (authority == null) authority = env(env, "AZURE_AUTHORITY_HOST");
        return new AzureSettings(base, version, key, adToken, tenant, client, secret, scope == null ? DEFAULT_SCOPE : scope,
                authority);
    }

    boolean clientCredentials() { return tenantId != null; }

    private static String param(Deployment d, String name) {
        String v = d.stringParam(name);
        return v == null || v.isBlank() ? null : v;
    }

    private static String env(Function<String, String> env, String name) {
        String v = env.apply(name);
        return v == null || v.isBlank() ? null : v;
    }

    static String at(Deployment d) {
        return d.where() + ": model_list entry '" + d.alias() + "' (" + d.id() + ") ";
    }
}
