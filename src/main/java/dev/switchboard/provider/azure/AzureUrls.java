package dev.switchboard.provider.azure;

import dev.switchboard.config.Deployment;
import dev.switchboard.provider.UpstreamHttp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a deployment's calls go. Azure OpenAI has two URL schemes: the dated one
 * ({@code {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=2024-10-21}, the deployment in the
 * path) and the v1 API ({@code {endpoint}/openai/v1/chat/completions}, the deployment as {@code model}, no dated
 * version), chosen by {@code api_version: v1} (or {@code latest} / {@code preview}, LiteLLM's spellings) or by an
 * {@code api_base} that already ends in {@code /openai/v1}. An {@code api_base} that already names the deployment
 * ({@code …/openai/deployments/x}) is used as it is. Azure AI Foundry's model inference API is
 * {@code {endpoint}/models/chat/completions?api-version=…}; any other {@code azure_ai/} base is OpenAI-compatible
 * ({@code …/openai/v1}, serverless {@code …/v1}) and gets the path appended.
 *
 * @param chat       path and query of chat completions
 * @param embeddings path and query of embeddings
 */
record AzureUrls(UpstreamHttp.Endpoint endpoint, String chat, String embeddings) {

    static AzureUrls of(Deployment d, AzureSettings s) {
        UpstreamHttp.Endpoint ep = UpstreamHttp.Endpoint.parse(s.apiBase(), d.id());
        String path = ep.pathPrefix();
        if (path.contains("?")) {
            throw new dev.switchboard.provider.ProviderRefusal.Setting("api_base", false, AzureSettings.at(d) + "has a query in api_base. Fix: give the endpoint "
                    + "alone and the version as api_version.");
        }
        if (d.provider().equals("azure_ai")) return foundry(ep, path, s.apiVersion());
        String version = s.apiVersion();
        if (path.endsWith("/openai/v1") || version != null && (version.equals("v1") || version.equals("latest") || version.equals("preview"))) {
            String base = path.endsWith("/openai/v1") ? path : path + "/openai/v1";
            // v1 GA takes no api-version; preview features are asked for with api-version=preview
            String q = "preview".equals(version) ? "?api-version=preview" : "";
            return new AzureUrls(ep, base + "/chat/completions" + q, base + "/embeddings" + q);
        }
        String q = "?api-version=" + enc(version == null ? AzureSettings.DEFAULT_OPENAI_VERSION : version);
        // azure/o_series/x is deployment x; the name may be a caller's text (an azure/* wildcard): a plain deployment
        // name, as one segment
        String base = path.contains("/openai/deployments/") ? path : path + "/openai/deployments/"
                + dev.switchboard.provider.ModelIds.pathSegment(d, dev.switchboard.provider.openai.ReasoningModels.wireName(d),
                        dev.switchboard.provider.ModelIds.AZURE_DEPLOYMENT);
        return new AzureUrls(ep, base + "/chat/completions" + q, base + "/embeddings" + q);
    }

    private static AzureUrls foundry(UpstreamHttp.Endpoint ep, String path, String version) {
        if (path.endsWith("/models")) {
            String q = "?api-version=" + enc(version == null ? AzureSettings.DEFAULT_MODELS_VERSION : version);
            return new AzureUrls(ep, path + "/chat/completions" + q, path + "/embeddings" + q);
        }
        String q = version == null ? "" : "?api-version=" + enc(version);
        return new AzureUrls(ep, path + "/chat/completions" + q, path + "/embeddings" + q);
    }

    /** Whether calls go to the v1 API ({@code /openai/v1/…}), which has no dated contract and takes OpenAI's fields. */
    boolean v1() { return chat.contains("/openai/v1/"); }

    /** Whether the deployment speaks the model inference API (and so, like LiteLLM, sends its key as api-key). */
    static boolean modelsApi(AzureSettings s) {
        String b = s.apiBase();
        return b.endsWith("/models") || b.contains(".services.ai.azure.com") || b.contains(".openai.azure.com")
                || b.contains(".cognitiveservices.azure.com");
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); }
}
