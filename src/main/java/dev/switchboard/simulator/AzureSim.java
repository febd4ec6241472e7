package dev.switchboard.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Azure OpenAI and Azure AI Foundry as the gateway sees them: the dated URLs
 * ({@code /openai/deployments/{deployment}/chat/completions?api-version=…}, also {@code /embeddings}), the v1 API
 * ({@code /openai/v1/chat/completions}, the deployment as {@code model}) and Foundry's model inference API
 * ({@code /models/chat/completions?api-version=…}). Like Azure it wants a credential ({@code api-key}, or
 * {@code Authorization: Bearer} with an Entra token it issued or was told to accept; {@code /models} also takes the
 * key as a bearer token), a known {@code api-version} on the dated and Foundry paths (missing: 404 "Resource not
 * found"; unknown: 400 "API version not supported"), a chat body its dated api-version knows (before 2024-09-01-preview,
 * {@code stream_options} and {@code max_completion_tokens} are 400 "Unrecognized request argument supplied"), and a
 * deployment that exists ({@code missing-deployment}
 * does not: 404 {@code DeploymentNotFound}). Answers are OpenAI's plus Azure's content-filter annotations
 * ({@code prompt_filter_results}, each choice's {@code content_filter_results}); a stream begins with Azure's
 * choice-less event that carries only the prompt's filter results. {@link SimBehaviour#promptBlocked} plays a prompt
 * the filter refuses (400 {@code content_filter} with {@code innererror.content_filter_result}),
 * {@link SimBehaviour#completionFiltered()} a completion it stops ({@code finish_reason: content_filter}).
 */
public final class AzureSim {
    static final String COMPLETION_FILTERED = "AZURE_COMPLETION_FILTERED";
    static final Set<String> OPENAI_VERSIONS = Set.of("2022-12-01", "2023-05-15", "2024-02-01", "2024-06-01", "2024-10-21",
            "2023-03-15-preview", "2023-06-01-preview", "2023-07-01-preview", "2023-08-01-preview", "2023-09-01-preview",
            "2023-12-01-preview", "2024-02-15-preview", "2024-03-01-preview", "2024-04-01-preview", "2024-05-01-preview",
            "2024-07-01-preview", "2024-08-01-preview", "2024-09-01-preview", "2024-10-01-preview", "2024-12-01-preview",
            "2025-01-01-preview", "2025-02-01-preview", "2025-03-01-preview", "2025-04-01-preview");
    static final Set<String> MODELS_VERSIONS = Set.of("2024-05-01-preview", "2025-04-01", "2025-05-01", "2025-05-15-preview");
    static final String MISSING_DEPLOYMENT = "missing-deployment";
    /** The first api-version whose chat request has {@code stream_options} and {@code max_completion_tokens}. */
    static final String FIRST_WITH_STREAM_OPTIONS = "2024-09-01-preview";

    private final Vertx vertx;
    private final AtomicInteger cancelled;
    private final AtomicInteger completed;
    private final BiConsumer<HttpServerResponse, JsonObject> embeddings;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private volatile String requiredKey;
    private final List<EntraSim> entras = new ArrayList<>();

    AzureSim(Vertx vertx, AtomicInteger cancelled, AtomicInteger completed, BiConsumer<HttpServerResponse, JsonObject> embeddings) {
        this.vertx = vertx;
        this.cancelled = cancelled;
        this.completed = completed;
        this.embeddings = embeddings;
    }

    static boolean owns(String path) { return path.startsWith("/openai/") || path.startsWith("/models/"); }

    /** Only this key is accepted in {@code api-key} (else any non-empty key is). */
    public void requireKey(String key) { requiredKey = key; }

    /** Accept this Entra access token (as if Entra had issued it), e.g. one configured as {@code azure_ad_token}. */
    public void acceptToken(String token) { tokens.add(token); }

    /** An Entra token endpoint for this service principal; the tokens it issues are accepted here. */
    public synchronized Future<EntraSim> startEntra(String tenant, String clientId, String clientSecret) {
        return EntraSim.start(vertx, tenant, clientId, clientSecret, tokens::add).onSuccess(entras::add);
    }

    void reset() {
        requiredKey = null;
        tokens.clear();
    }

    /** The request's JSON body when it passes Azure's checks (credential, path, api-version, deployment), else null (answered). */
    JsonObject admit(HttpServerRequest req, io.vertx.core.buffer.Buffer body, String simulatorKey) {
        HttpServerResponse resp = req.response();
        String path = req.path();
        boolean models = path.startsWith("/models/");
        if (!authorized(req, models, requiredKey != null ? requiredKey : simulatorKey)) return null;
        String version = req.getParam("api-version");
        Route r = Route.of(path);
        if (r == null) {
            error(resp, 404, "404", "Resource not found");
            return null;
        }
        if (r.v1) {
            if (version != null && !version.equals("preview") && !version.equals("latest")) {
                error(resp, 400, "BadRequest", "API version not supported");
                return null;
            }
        } else if (version == null) {
            error(resp, 404, "404", "Resource not found");
            return null;
        } else if (!(models ? MODELS_VERSIONS : OPENAI_VERSIONS).contains(version)) {
            error(resp, 400, "BadRequest", "API version not supported");
            return null;
        }
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (RuntimeException e) {
            ProviderSimulator.error(resp, 400, "We could not parse the JSON body of your request.", "invalid_request_error", null, null);
            return null;
        }
        String deployment = r.deployment != null ? r.deployment : json.getString("model");
        if (MISSING_DEPLOYMENT.equals(deployment) || deployment == null && !models) {
            error(resp, 404, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the "
                    + "deployment within the last 5 minutes, please wait a moment and try again.");
            return null;
        }
        String unknown = r.v1 || models || !path.endsWith("/chat/completions") ? null : unknownToVersion(json, version);
        if (unknown != null) {
            // what Azure answers a field its dated contract predates (openai/openai-python#1469)
            ProviderSimulator.error(resp, 400, "Unrecognized request argument supplied: " + unknown, "invalid_request_error", null, null);
            return null;
        }
        if (r.deployment != null) json.put("model", r.deployment); // Azure serves the deployment of the path
        return json;
    }

    /**
     * A chat field the dated api-version does not know, or null: {@code stream_options} and {@code max_completion_tokens}
     * came with 2024-09-01-preview (2024-07-01-preview briefly listed stream_options, then had it removed), so older
     * versions refuse them.
     */
    static String unknownToVersion(JsonObject json, String version) {
        if (version.compareTo(FIRST_WITH_STREAM_OPTIONS) >= 0) return null;
        if (json.containsKey("stream_options")) return "stream_options";
        if (json.containsKey("max_completion_tokens")) return "max_completion_tokens";
        return null;
    }

    private boolean authorized(HttpServerRequest req, boolean models, String requiredKey) {
        String key = req.getHeader("api-key");
        String auth = req.getHeader("authorization");
        if (key != null && !key.isEmpty()) {
            if (requiredKey == null || requiredKey.equals(key)) return true;
        } else if (auth != null && auth.startsWith("Bearer ") && auth.length() > 7) {
            String token = auth.substring(7);
            if (tokens.contains(token) || models && (requiredKey == null || requiredKey.equals(token))) return true;
            error(req.response(), 401, "401", "Unauthorized. Access token is missing, invalid, audience is incorrect "
                    + "(https://cognitiveservices.azure.com), or have expired.");
            return false;
        }
        error(req.response(), 401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
                + "provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
        return false;
    }

    void serve(HttpServerRequest req, JsonObject json, SimBehaviour behaviour) {
        HttpServerResponse resp = req.response();
        if (behaviour.status() != 0) {
            fault(resp, behaviour, req.getParam("api-version"));
            return;
        }
        if (req.path().endsWith("/embeddings")) {
            embeddings.accept(resp, json);
            return;
        }
        if (behaviour.blockReason() != null && !COMPLETION_FILTERED.equals(behaviour.blockReason())) {
            promptFiltered(resp);
            return;
        }
        String invalid = SimValidation.chat(json);
        if (invalid != null) {
            ProviderSimulator.error(resp, 400, invalid, "invalid_request_error", SimValidation.param(invalid), SimValidation.code(invalid));
            return;
        }
        boolean filtered = COMPLETION_FILTERED.equals(behaviour.blockReason());
        SimReply reply = SimReply.to(json, behaviour.streamRepeat());
        String id = "chatcmpl-azsim" + Long.toHexString(System.nanoTime());
        long created = System.currentTimeMillis() / 1000;
        String model = ProviderSimulator.servedModel(json.getString("model") == null ? "gpt-4o-mini" : json.getString("model"));
        if (Boolean.TRUE.equals(json.getBoolean("stream"))) {
            boolean usage = json.getJsonObject("stream_options") != null
                    && Boolean.TRUE.equals(json.getJsonObject("stream_options").getBoolean("include_usage"));
            new SimStream(vertx, resp, SimStream.dataFrames(streamEvents(reply, id, created, model, usage, filtered)), behaviour,
                    cancelled, completed).start();
            return;
        }
        JsonObject message = new JsonObject().put("role", "assistant").put("content", reply.text()).putNull("refusal");
        if (reply.toolName() != null) message.put("tool_calls", new JsonArray().add(SimChunks.toolCall(reply, "call_azsim01")));
        String finish = filtered ? "content_filter" : reply.toolName() != null ? "tool_calls" : reply.truncated() ? "length" : "stop";
        resp.putHeader("content-type", "application/json").end(new JsonObject()
                .put("id", id).put("object", "chat.completion").put("created", created).put("model", model)
                .put("prompt_filter_results", promptFilterResults())
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
                        .putNull("logprobs").put("finish_reason", finish)
                        .put("content_filter_results", filtered ? filterResults("violence") : filterResults(null))))
                .put("usage", SimChunks.usage(reply, 0, false))
                .put("system_fingerprint", "fp_azsim01").toBuffer());
    }

    /** OpenAI's events with Azure's additions: the prompt's filter results first, each choice's on every chunk. */
    private static List<String> streamEvents(SimReply reply, String id, long created, String model, boolean usage, boolean filtered) {
        List<String> out = new ArrayList<>();
        out.add(new JsonObject().put("choices", new JsonArray()).put("created", 0).put("id", "").put("model", "")
                .put("object", "").put("prompt_filter_results", promptFilterResults()).encode());
        for (String e : SimChunks.of(reply, id, created, model, usage, 0, false)) {
            if (e.equals("[DONE]")) {
                out.add(e);
                continue;
            }
            JsonObject c = new JsonObject(e);
            c.remove("service_tier");
            for (Object o : c.getJsonArray("choices")) {
                JsonObject choice = (JsonObject) o;
                boolean last = choice.getString("finish_reason") != null;
                if (last && filtered) choice.put("finish_reason", "content_filter");
                choice.put("content_filter_results", last && filtered ? filterResults("violence")
                        : choice.getJsonObject("delta").isEmpty() ? new JsonObject() : filterResults(null));
            }
            out.add(c.encode());
        }
        return out;
    }

    private static JsonArray promptFilterResults() {
        return new JsonArray().add(new JsonObject().put("prompt_index", 0).put("content_filter_results", filterResults(null)
                .put("jailbreak", new JsonObject().put("filtered", false).put("detected", false))));
    }

    /** The four harm categories, all safe but {@code filteredCategory} (high, filtered), when not null. */
    private static JsonObject filterResults(String filteredCategory) {
        JsonObject r = new JsonObject();
        for (String c : List.of("hate", "self_harm", "sexual", "violence")) {
            boolean hit = c.equals(filteredCategory);
            r.put(c, new JsonObject().put("filtered", hit).put("severity", hit ? "high" : "safe"));
        }
        return r;
    }

    /** A prompt the content filter refused, as Azure answers it. */
    private static void promptFiltered(HttpServerResponse resp) {
        resp.setStatusCode(400).putHeader("content-type", "application/json").end(new JsonObject().put("error", new JsonObject()
                .put("message", "The response was filtered due to the prompt triggering Azure OpenAI's content management "
                        + "policy. Please modify your prompt and retry. To learn more about our content filtering policies "
                        + "please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766")
                .put("type", null).put("param", "prompt").put("code", "content_filter").put("status", 400)
                .put("innererror", new JsonObject().put("code", "ResponsibleAIPolicyViolation")
                        .put("content_filter_result", filterResults("violence")))).toBuffer());
    }

    private static void fault(HttpServerResponse resp, SimBehaviour b, String version) {
        if (b.retryAfterSeconds() > 0) resp.putHeader("retry-after", Long.toString(b.retryAfterSeconds()));
        switch (b.status()) {
            case 429 -> error(resp, 429, "429", "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version "
                    + version + " have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after "
                    + b.retryAfterSeconds() + " seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to "
                    + "further increase the default rate limit.");
            case 400 -> {
                switch (b.errorOr400()) {
                    case SimBehaviour.CONTENT_POLICY -> promptFiltered(resp);
                    case SimBehaviour.INVALID_REQUEST -> ProviderSimulator.error(resp, 400, "Invalid 'messages': empty array. "
                            + "Expected an array with minimum length 1, but got an empty array instead.", "invalid_request_error",
                            "messages", "empty_array");
                    default -> ProviderSimulator.error(resp, 400, "This model's maximum context length is 128000 tokens. However, "
                            + "your messages resulted in 130000 tokens. Please reduce the length of the messages.",
                            "invalid_request_error", "messages", "context_length_exceeded");
                }
            }
            case 401 -> error(resp, 401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure "
                    + "to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
            case 503 -> error(resp, 503, "ServiceUnavailable", "The service is temporarily unable to process your request. Please try again later.");
            default -> error(resp, b.status(), "InternalServerError", "The server had an error processing your request. Sorry about that!");
        }
    }

    static void error(HttpServerResponse resp, int status, String code, String message) {
        resp.setStatusCode(status).putHeader("content-type", "application/json")
                .end(new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)).toBuffer());
    }

    Future<Void> close() {
        List<Future<Void>> all = new ArrayList<>();
        synchronized (this) {
            for (EntraSim e : entras) all.add(e.close());
        }
        return Future.all(all).mapEmpty();
    }

    /** Which API a path belongs to; the deployment when the path names it. */
    private record Route(boolean v1, String deployment) {
        static Route of(String path) {
            if (path.equals("/openai/v1/chat/completions") || path.equals("/openai/v1/embeddings")) return new Route(true, null);
            if (path.equals("/models/chat/completions") || path.equals("/models/embeddings")) return new Route(false, null);
            String prefix = "/openai/deployments/";
            if (!path.startsWith(prefix)) return null;
            String rest = path.substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash <= 0) return null;
            String op = rest.substring(slash);
            if (!op.equals("/chat/completions") && !op.equals("/embeddings")) return null;
            return new Route(false, java.net.URLDecoder.decode(rest.substring(0, slash), java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
