package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.util.Set;

/**
 * A 404 that says the upstream has no such endpoint (a web server's "404 page not found", OpenAI's "Invalid URL",
 * FastAPI's {"detail":"Not Found"}, Anthropic's bare "Not Found"), as opposed to a model the provider does not know
 * (whose message names the model). The first is almost always an {@code api_base} of the wrong form, so the client
 * and the log get that said, with the path that was called, instead of a bare 404. A 404 of the Responses API's path
 * is most often a server without that API (chat completions only), said as such with the prefixes that translate.
 */
final class WrongAddress {
    private static final Set<String> BARE = Set.of("not found", "404 page not found", "404 not found", "http 404", "");

    private WrongAddress() {}

    /** {@code decoded} as it is, or, for a no-such-endpoint 404, the same status with a message that explains it. */
    static GatewayException explain(HttpClientResponse resp, Buffer body, UpstreamHttp.Endpoint endpoint, GatewayException decoded) {
        if (resp.statusCode() != 404 || !noSuchEndpoint(body)) return decoded;
        String path = resp.request() == null ? "" : resp.request().path();
        int q = path.indexOf('?');
        if (q >= 0) path = path.substring(0, q); // a query may hold a credential
        String prefix = endpoint.pathPrefix();
        int pq = prefix.indexOf('?');
        if (pq >= 0) prefix = prefix.substring(0, pq);
        String added = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
        if (added.equals("/responses") || added.startsWith("/responses/")) {
            // an openai/ deployment is sent a Responses API call as is: a server with chat completions only (most local
            // ones) has no such path, and its api_base may well be right (chat works on it)
            return new GatewayException(decoded.kind(), decoded.status(), "Upstream " + endpoint.name() + " has no endpoint "
                    + path + " (HTTP 404: " + decoded.getMessage() + "): the server has no OpenAI Responses API, to which an"
                    + " openai/ deployment's Responses calls go as they are. If chat completions work on the same api_base,"
                    + " give the deployment the hosted_vllm/ or openai_compatible/ prefix instead: the gateway then translates"
                    + " Responses calls to /chat/completions. Otherwise its api_base may be of the wrong form (an"
                    + " OpenAI-compatible server's usually ends in /v1).", decoded.param(), "upstream_endpoint_not_found",
                    decoded.upstreamType(), decoded.retryAfterSeconds());
        }
        return new GatewayException(decoded.kind(), decoded.status(), "Upstream " + endpoint.name() + " has no endpoint "
                + path + " (HTTP 404: " + decoded.getMessage() + "). Its litellm_params.api_base is probably of the wrong form:"
                + " the gateway adds " + added + " to it. An OpenAI-compatible server's api_base usually ends in /v1"
                + " (http://host:8000/v1); Ollama's is the server root (http://localhost:11434); Anthropic's is"
                + " https://api.anthropic.com. See the README's Providers table.", decoded.param(), "upstream_endpoint_not_found",
                decoded.upstreamType(), decoded.retryAfterSeconds());
    }

    static boolean noSuchEndpoint(Buffer body) {
        JsonNode n;
        try {
            n = Json.unlisted(Json.read(body)); // a streamed Vertex 404 comes as [{"error":…}]
        } catch (Exception notJson) {
            return true; // an HTML or plain-text 404 page: a web server's, not an API's
        }
        String message = null;
        JsonNode e = n.get("error");
        if (e != null && e.isObject()) message = Json.text(e, "message");
        else if (e != null && e.isTextual()) message = e.textValue();
        else if (n.has("detail")) message = Json.text(n, "detail");
        else if (n.has("message")) message = Json.text(n, "message");
        if (message == null) return true;
        String m = message.trim().toLowerCase(java.util.Locale.ROOT);
        return BARE.contains(m) || m.startsWith("invalid url");
    }
}
