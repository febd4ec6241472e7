package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.config.Secret;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.ProviderContext;
import dev.switchboard.provider.RetryAfter;
import dev.switchboard.provider.UpstreamAnswers;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Bedrock's ApplyGuardrail ({@code POST /guardrail/{id}/version/{version}/apply} on the runtime endpoint), for LiteLLM's
 * {@code guardrail: bedrock}. It signs and sends exactly as {@link BedrockProvider} does (the same region and credential
 * rules, the same SigV4 signer, a Bedrock API key as a bearer token), because a guardrail's {@code litellm_params} carry
 * the same {@code aws_*} keys as a bedrock/ deployment's: the guardrail is read as a deployment of its own.
 */
public final class BedrockGuardrailApi {
    private final BedrockAuth auth;
    private final BedrockCredentials credentials;
    private final UpstreamHttp http;
    private final UpstreamHttp.Endpoint endpoint;
    private final String path;
    private final String id;
    private final String secret;

    private BedrockGuardrailApi(Deployment d, BedrockAuth auth, ProviderContext ctx, String identifier, String version) {
        this.auth = auth;
        this.id = d.id();
        this.credentials = auth.credentials(ctx.vertx(), d.id(), ctx.http().secrets());
        this.http = ctx.http();
        this.endpoint = UpstreamHttp.Endpoint.parse(auth.endpoint(d), d.id());
        this.path = "/guardrail/" + SdkHttpUtils.urlEncode(identifier) + "/version/" + SdkHttpUtils.urlEncode(version) + "/apply";
        this.secret = auth.secretKey() == null ? null : auth.secretKey().reveal();
    }

    /**
     * @param guardrailName the guardrail's name, for messages
     * @param params        its litellm_params as a deployment's ({@code aws_*}, {@code api_key} as a Bedrock API key)
     */
    public static BedrockGuardrailApi create(String guardrailName, String apiBase, Secret apiKey, Map<String, Object> params,
                                             ProviderContext ctx, String identifier, String version) {
        Deployment d = new Deployment("guardrail " + guardrailName, "bedrock", "guardrail/" + identifier, apiBase, apiKey,
                null, null, null, Map.of(), params, Map.of(), 0);
        return new BedrockGuardrailApi(d, BedrockAuth.of(d, ctx.env()), ctx, identifier, version);
    }

    /** The secrets this guardrail sends (for the gateway's key scrubber), none when it signs with the credential chain. */
    public List<String> secrets() { return secret == null ? List.of() : List.of(secret); }

    /**
     * Calls ApplyGuardrail with {@code body} ({@code source}, {@code content}) and completes with its JSON answer. A non-2xx
     * answer fails with Bedrock's own status and message (as LiteLLM raises it); a network failure or timeout fails too.
     */
    public Future<JsonNode> apply(ObjectNode body, Duration timeout, CallOptions options) {
        Buffer buf;
        try {
            buf = Buffer.buffer(Json.MAPPER.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Future.failedFuture(new IllegalStateException(e));
        }
        Map<String, String> signed = new LinkedHashMap<>();
        signed.put("content-type", "application/json");
        signed.put("accept", "application/json");
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        signed.forEach(headers::set);
        headers.set("user-agent", "switchboard/0.1");
        String wire = endpoint.pathFor(path);
        Future<io.vertx.core.http.HttpClientResponse> sent;
        if (auth.bearerToken() != null) {
            headers.set("authorization", "Bearer " + auth.bearerToken());
            sent = http.send(endpoint, wire, headers, buf, timeout, options);
        } else {
            sent = credentials.current().compose(identity -> {
                BedrockSigner.sign(headers, identity, auth.region(), endpoint.ssl(), endpoint.host(), endpoint.port(), wire, signed,
                        buf.getBytes());
                return http.send(endpoint, wire, headers, buf, timeout, options);
            });
        }
        return sent.compose(resp -> UpstreamAnswers.read(resp, endpoint, http.buffers(),
                (r, b) -> BedrockErrorDecoder.decode(r.statusCode(), r.getHeader("x-amzn-ErrorType"), b, RetryAfter.of(r), id, secret),
                http.scrubber(), b -> Json.read(b)));
    }

    /** For messages: which endpoint the guardrail calls. */
    public String display() { return endpoint.display(); }
}
