package dev.switchboard.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vertex AI as the simulator speaks it: {@code /v1/projects/{project}/locations/{location}/publishers/{publisher}/models/
 * {model}:{method}} behind an OAuth bearer token that {@link VertexTokenSim} issued (missing, unknown or expired: Google's
 * 401 UNAUTHENTICATED). Google's models take GenerateContent ({@link GeminiSim}: {@code :generateContent},
 * {@code :streamGenerateContent?alt=sse}) and {@code :predict} for text embeddings; Anthropic's take the Messages body
 * ({@link AnthropicSim}) on {@code :rawPredict} / {@code :streamRawPredict}, with {@code anthropic_version:
 * "vertex-2023-10-16"} in the body and no {@code model} (the URL names it). Quota errors of Claude come in Google's
 * shape (RESOURCE_EXHAUSTED), and so does a 503 (Google's front end: UNAVAILABLE); the model's own refusals and its
 * overload (529 {@code overloaded_error}) in Anthropic's, as on Vertex. The streaming methods ({@code
 * :streamGenerateContent}, {@code :streamRawPredict}) answer Google's errors inside a one-element JSON list
 * ({@code [{"error":{…}}]}), as Vertex may (cline#651, gemini-cli#14811, genkit#4688; claude-code#1440 shows a plain
 * object too). {@code SimBehaviour.status(404)} plays the 404 of a publisher model Vertex does not have.
 */
final class VertexSim {
    static final Pattern PATH = Pattern.compile(
            "/v1/projects/([^/]+)/locations/([^/]+)/publishers/([^/]+)/models/([^/:]+):([A-Za-z]+)");
    static final String ANTHROPIC_VERSION = "vertex-2023-10-16";
    /** Vertex's limits on one {@code :predict} call of a text-embedding model (a Gemini embedding model takes one instance). */
    static final int MAX_EMBEDDING_INSTANCES = 250;
    static final int MAX_EMBEDDING_TOKENS = 20_000;
    private final GeminiSim gemini;
    private final AnthropicSim anthropic;
    private final VertexTokenSim tokens;

    VertexSim(GeminiSim gemini, AnthropicSim anthropic, VertexTokenSim tokens) {
        this.gemini = gemini;
        this.anthropic = anthropic;
        this.tokens = tokens;
    }

    /** The model a Vertex path names, for per-model behaviours; null for another path. */
    static String modelOf(String path) {
        Matcher m = PATH.matcher(path);
        return m.matches() ? m.group(4) : null;
    }

    /** @return the parsed body when the token and the path are good (the caller records it), else null (answered) */
    JsonObject admit(HttpServerRequest req, Buffer body) {
        HttpServerResponse resp = req.response();
        String auth = req.getHeader("authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            unauthenticated(resp, "Request is missing required authentication credential. Expected OAuth 2 access token, login "
                    + "cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
                    "CREDENTIALS_MISSING");
            return null;
        }
        String refusal = tokens.refusal(auth.substring(7));
        if (refusal != null) {
            unauthenticated(resp, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                    + "or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
                    refusal);
            return null;
        }
        Matcher m = PATH.matcher(req.path());
        if (!m.matches()) {
            GeminiSim.error(resp, 404, "NOT_FOUND", "The requested URL " + req.path() + " was not found on this server.");
            return null;
        }
        try {
            return body.toJsonObject();
        } catch (RuntimeException e) {
            GeminiSim.error(resp, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
            return null;
        }
    }

    void handle(HttpServerRequest req, JsonObject body, SimBehaviour behaviour) {
        HttpServerResponse resp = req.response();
        Matcher m = PATH.matcher(req.path());
        m.matches();
        String publisher = m.group(3);
        String model = m.group(4);
        String method = m.group(5);
        if ("anthropic".equals(publisher) && "count-tokens".equals(model) && "rawPredict".equals(method)) {
            anthropic.countTokens(resp, body, behaviour); // the body names the model, as Anthropic's count_tokens does
            return;
        }
        boolean streaming = method.startsWith("stream");
        if (behaviour.status() == 404) { // a model Vertex does not have (a typo in the deployment's model)
            unknownModel(resp, m, streaming);
            return;
        }
        switch (publisher + ":" + method) {
            case "google:generateContent" -> gemini.generate(req, body, behaviour, model, false, false);
            case "google:streamGenerateContent" -> gemini.generate(req, body, behaviour, model, true, true);
            case "google:predict" -> predict(resp, body, behaviour, model);
            case "anthropic:rawPredict", "anthropic:streamRawPredict" -> claude(resp, body, behaviour, model, streaming,
                    req.getHeader("anthropic-beta"));
            default -> unknownModel(resp, m, streaming);
        }
    }

    /**
     * Vertex's 404 for a publisher model it does not have, from Google's front end; on a streaming method inside a
     * one-element list, as genkit#4688 shows it ({@code [{"error":{"code":404,"message":"Publisher Model … was not
     * found…","status":"NOT_FOUND"}}]}).
     */
    private static void unknownModel(HttpServerResponse resp, Matcher m, boolean streaming) {
        GeminiSim.googleError(resp, 404, "NOT_FOUND", "Publisher Model `projects/" + m.group(1) + "/locations/" + m.group(2)
                + "/publishers/" + m.group(3) + "/models/" + m.group(4) + "` was not found or your project does not have access"
                + " to it. Please ensure you are using a valid model version.", null, streaming);
    }

    /**
     * Betas Vertex was seen refusing, in its words ("Unexpected value(s) `adaptive-thinking-2026-01-28`, `effort-2025-11-24`
     * for the `anthropic-beta` header…": anthropics/claude-code#34802; structured outputs: vercel/ai#10981).
     */
    private static final java.util.Set<String> REFUSED_BETAS = java.util.Set.of(
            "effort-2025-11-24", "adaptive-thinking-2026-01-28", "structured-outputs-2025-11-13");

    /** @return the refused betas as Vertex names them ({@code `a`, `b`}), null when none */
    private static String refusedBetas(String betaHeader) {
        if (betaHeader == null) return null;
        StringBuilder out = new StringBuilder();
        for (String b : betaHeader.split(",")) {
            if (REFUSED_BETAS.contains(b.trim())) out.append(out.isEmpty() ? "" : ", ").append('`').append(b.trim()).append('`');
        }
        return out.isEmpty() ? null : out.toString();
    }

    /** @param betaHeader the request's {@code anthropic-beta} header (Vertex takes Anthropic's betas there too), null when absent */
    private void claude(HttpServerResponse resp, JsonObject body, SimBehaviour behaviour, String model, boolean stream, String betaHeader) {
        // Google's front end answers these; on streamRawPredict inside a one-element list, as its streaming methods do
        if (behaviour.status() == 429) {
            JsonArray details = behaviour.retryAfterSeconds() <= 0 ? null : new JsonArray().add(new JsonObject()
                    .put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", behaviour.retryAfterSeconds() + "s"));
            GeminiSim.googleError(resp, 429, "RESOURCE_EXHAUSTED", "Quota exceeded for aiplatform.googleapis.com/"
                    + "online_prediction_input_tokens_per_minute_per_base_model with base model: anthropic-" + model
                    + ". Please submit a quota increase request.", details, stream);
            return;
        }
        if (behaviour.status() == 503) {
            GeminiSim.googleError(resp, 503, "UNAVAILABLE", "The service is currently unavailable.", null, stream);
            return;
        }
        String refused = refusedBetas(betaHeader);
        if (refused != null) {
            AnthropicSim.error(resp, 400, "invalid_request_error", "Unexpected value(s) " + refused + " for the `anthropic-beta` "
                    + "header. Please consult our documentation at docs.anthropic.com or try again without the header.");
            return;
        }
        if (!ANTHROPIC_VERSION.equals(body.getValue("anthropic_version"))) {
            AnthropicSim.error(resp, 400, "invalid_request_error", "anthropic_version: Input should be '" + ANTHROPIC_VERSION + "'");
            return;
        }
        if (body.containsKey("model")) {
            AnthropicSim.error(resp, 400, "invalid_request_error", "model: Extra inputs are not permitted");
            return;
        }
        // Anthropic's automatic caching is not on Vertex AI (Anthropic's docs: "coming later"), refused as
        // UKGovernmentBEIS/inspect_ai#3851 saw it
        if (body.containsKey("cache_control")) {
            AnthropicSim.error(resp, 400, "invalid_request_error", "cache_control: Extra inputs are not permitted");
            return;
        }
        if (stream != Boolean.TRUE.equals(body.getValue("stream"))) {
            AnthropicSim.error(resp, 400, "invalid_request_error", stream ? "streamRawPredict requires \"stream\": true"
                    : "rawPredict does not stream: send \"stream\": true to streamRawPredict");
            return;
        }
        JsonObject copy = body.copy();
        copy.remove("anthropic_version");
        anthropic.messages(resp, copy.put("model", model), behaviour, betaHeader);
    }

    /**
     * Text embeddings: {@code instances[].content} → {@code predictions[].embeddings.values}, 768 dimensions unless asked.
     * A request past the model's limits is refused whole, in Vertex's words: more than one instance for the Gemini
     * embedding models, more than 250 for the others, more than 20,000 input tokens.
     */
    private static void predict(HttpServerResponse resp, JsonObject body, SimBehaviour behaviour, String model) {
        if (behaviour.status() != 0) {
            GeminiSim.error(resp, behaviour.status(), behaviour.status() == 429 ? "RESOURCE_EXHAUSTED" : "INTERNAL",
                    behaviour.status() == 429 ? "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model."
                            : "Internal error encountered.");
            return;
        }
        if (!(body.getValue("instances") instanceof JsonArray instances) || instances.isEmpty()) {
            GeminiSim.error(resp, 400, "INVALID_ARGUMENT", "Invalid JSON payload received. `instances` is required.");
            return;
        }
        String tooMany = tooManyInstances(model, instances.size());
        if (tooMany != null) {
            GeminiSim.error(resp, 400, "INVALID_ARGUMENT", tooMany);
            return;
        }
        JsonObject parameters = body.getJsonObject("parameters", new JsonObject());
        int dims = parameters.getValue("outputDimensionality") instanceof Number n ? n.intValue() : 768;
        JsonArray predictions = new JsonArray();
        int characters = 0;
        int tokens = 0;
        for (Object o : instances) {
            if (!(o instanceof JsonObject instance) || !(instance.getValue("content") instanceof String text)) {
                GeminiSim.error(resp, 400, "INVALID_ARGUMENT", "Invalid JSON payload received. Each instance needs a string `content`.");
                return;
            }
            tokens += SimReply.tokens(text);
            JsonArray values = new JsonArray();
            long seed = text.hashCode();
            for (int i = 0; i < dims; i++) {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                values.add((float) (((seed >>> 11) / (double) (1L << 53)) * 2 - 1));
            }
            predictions.add(new JsonObject().put("embeddings", new JsonObject().put("values", values)
                    .put("statistics", new JsonObject().put("truncated", false).put("token_count", SimReply.tokens(text)))));
            characters += text.length();
        }
        if (tokens > MAX_EMBEDDING_TOKENS) {
            GeminiSim.error(resp, 400, "INVALID_ARGUMENT", "Unable to submit request because the input token count is " + tokens
                    + " but the model supports up to " + MAX_EMBEDDING_TOKENS + ". Reduce the input token count and try again.");
            return;
        }
        resp.setStatusCode(200).putHeader("content-type", "application/json; charset=UTF-8").end(new JsonObject()
                .put("predictions", predictions).put("metadata", new JsonObject().put("billableCharacterCount", characters)).toBuffer());
    }

    /** Vertex's refusal of a request with more instances than the model takes in one call, or null when it takes them. */
    private static String tooManyInstances(String model, int instances) {
        if (model.startsWith("gemini-embedding")) {
            return instances <= 1 ? null : "Unable to submit request because it included too many instances. Reduce the number of"
                    + " instances and try again. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/"
                    + "text-embeddings: Unable to submit request because batchSize must be 1 but the entered value was " + instances
                    + ". Update the batchSize value and try again.";
        }
        return instances <= MAX_EMBEDDING_INSTANCES ? null
                : MAX_EMBEDDING_INSTANCES + " instance(s) is allowed per prediction. Actual: " + instances;
    }

    private static void unauthenticated(HttpServerResponse resp, String message, String reason) {
        JsonObject e = new JsonObject().put("code", 401).put("message", message).put("status", "UNAUTHENTICATED")
                .put("details", new JsonArray().add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                        .put("reason", reason).put("domain", "googleapis.com")
                        .put("metadata", new JsonObject().put("service", "aiplatform.googleapis.com")
                                .put("method", "google.cloud.aiplatform.v1.PredictionService.GenerateContent"))));
        resp.setStatusCode(401).putHeader("content-type", "application/json; charset=UTF-8")
                .putHeader("www-authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"")
                .end(new JsonObject().put("error", e).toBuffer());
    }
}
