package dev.switchboard.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google AI Studio's Gemini API as the simulator speaks it: {@code /v1beta/models/{model}:generateContent}
 * and {@code :streamGenerateContent?alt=sse}, key in {@code x-goog-api-key}, Google's error shape,
 * implicit caching (a repeated prefix of 1024+ tokens is reported as {@code cachedContentTokenCount}), and
 * Gemini 3's thought signatures ({@link GeminiSimSignatures}).
 */
final class GeminiSim {
    private final Vertx vertx;
    private final SimPromptCache cache;
    private final AtomicInteger cancelled;
    private final AtomicInteger completed;

    GeminiSim(Vertx vertx, SimPromptCache cache, AtomicInteger cancelled, AtomicInteger completed) {
        this.vertx = vertx;
        this.cache = cache;
        this.cancelled = cancelled;
        this.completed = completed;
    }

    JsonObject admit(HttpServerRequest req, Buffer body, String requiredKey) {
        String key = req.getHeader("x-goog-api-key") != null ? req.getHeader("x-goog-api-key") : req.getParam("key");
        if (key == null || key.isEmpty()) {
            error(req.response(), 403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
            return null;
        }
        if (requiredKey != null && !requiredKey.equals(key)) {
            // Google's answer to a wrong key, verbatim: 400, not 401; only the ErrorInfo reason says it is the key.
            String message = "API key not valid. Please pass a valid API key.";
            error(req.response(), 400, "INVALID_ARGUMENT", message, new JsonArray()
                    .add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", "API_KEY_INVALID")
                            .put("domain", "googleapis.com").put("metadata", new JsonObject().put("service", "generativelanguage.googleapis.com")))
                    .add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.LocalizedMessage").put("locale", "en-US")
                            .put("message", message)));
            return null;
        }
        try {
            return body.toJsonObject();
        } catch (RuntimeException e) {
            error(req.response(), 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
            return null;
        }
    }

    void generate(HttpServerRequest req, JsonObject body, SimBehaviour behaviour) {
        String path = req.path();
        String model = path.substring("/v1beta/models/".length(), path.lastIndexOf(':'));
        if (path.endsWith(":batchEmbedContents")) {
            if (!fault(req.response(), behaviour, false)) embed(req.response(), body, model);
            return;
        }
        generate(req, body, behaviour, model, path.endsWith(":streamGenerateContent"), false);
    }

    /** The most requests Google takes in one {@code batchEmbedContents} call. */
    static final int MAX_EMBED_BATCH = 100;

    /**
     * {@code :batchEmbedContents}: {@code {"requests":[{"model":"models/…","content":{"parts":[{"text"}]},
     * "outputDimensionality"}]}} → {@code {"embeddings":[{"values":[…]}]}}, the same order; no token count, as Google's.
     * Each request must name the model of the path, as Google requires.
     */
    private static void embed(HttpServerResponse resp, JsonObject body, String model) {
        if (!(body.getValue("requests") instanceof JsonArray requests) || requests.isEmpty()) {
            error(resp, 400, "INVALID_ARGUMENT", "* BatchEmbedContentsRequest.requests: requests is not specified");
            return;
        }
        if (requests.size() > MAX_EMBED_BATCH) { // Google's limit, the whole call refused past it
            error(resp, 400, "INVALID_ARGUMENT", "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch");
            return;
        }
        JsonArray embeddings = new JsonArray();
        for (int i = 0; i < requests.size(); i++) {
            JsonObject r = requests.getValue(i) instanceof JsonObject o ? o : new JsonObject();
            if (!("models/" + model).equals(r.getValue("model"))) {
                error(resp, 400, "INVALID_ARGUMENT", "* BatchEmbedContentsRequest.requests[" + i + "].model: the model of each request "
                        + "must be the batch's, models/" + model);
                return;
            }
            JsonArray parts = r.getJsonObject("content", new JsonObject()).getJsonArray("parts", new JsonArray());
            if (parts.isEmpty() || !(parts.getJsonObject(0).getValue("text") instanceof String text)) {
                error(resp, 400, "INVALID_ARGUMENT", "* BatchEmbedContentsRequest.requests[" + i + "].content.parts: contents.parts must not be empty.");
                return;
            }
            JsonArray values = new JsonArray();
            for (float f : ProviderSimulator.vector(text, r.getInteger("outputDimensionality", 8))) values.add(f);
            embeddings.add(new JsonObject().put("values", values));
        }
        resp.setStatusCode(200).putHeader("content-type", "application/json; charset=UTF-8")
                .end(new JsonObject().put("embeddings", embeddings).toBuffer());
    }

    /**
     * The same GenerateContent on another host of it (Vertex AI), whose path names the model elsewhere.
     *
     * @param listedErrors an injected failure answered as Vertex's streaming methods answer one: the error object inside
     *                     a one-element JSON list ({@code [{"error":{…}}]})
     */
    void generate(HttpServerRequest req, JsonObject body, SimBehaviour behaviour, String model, boolean stream, boolean listedErrors) {
        HttpServerResponse resp = req.response();
        if (fault(resp, behaviour, listedErrors)) return;
        if (body.getValue("contents") instanceof JsonArray contents) {
            // protobuf JSON parsing comes first: an unknown field fails the request before any other check
            List<GeminiSimParts.Violation> unknown = GeminiSimParts.unknownNames(contents);
            if (!unknown.isEmpty()) {
                error(resp, 400, "INVALID_ARGUMENT", GeminiSimParts.message(unknown), new JsonArray().add(GeminiSimParts.detail(unknown)));
                return;
            }
        }
        String invalid = validate(body);
        if (invalid == null && GeminiSimSignatures.signs(model)) invalid = GeminiSimSignatures.check(body.getJsonArray("contents"));
        if (invalid == null && stream && !"sse".equals(req.getParam("alt"))) invalid = "This simulator streams only with alt=sse.";
        if (invalid != null) {
            error(resp, 400, "INVALID_ARGUMENT", invalid);
            return;
        }
        SimReply reply = SimReply.to(asOpenAi(body).put("model", model), behaviour.streamRepeat());
        JsonObject usage = usage(body, reply, model);
        String responseId = "gem" + Long.toHexString(System.nanoTime());
        if (behaviour.blockReason() != null) {
            blocked(req, stream, behaviour, model, responseId, usage.getInteger("promptTokenCount"));
            return;
        }
        if (model.startsWith("malformed-")) { // the model wrote an invalid function call: no content, that finishReason
            JsonObject candidate = new JsonObject().put("content", new JsonObject().put("parts", new JsonArray()).put("role", "model"))
                    .put("finishReason", "MALFORMED_FUNCTION_CALL").put("finishMessage", "Malformed function call: get_weather(city=)")
                    .put("index", 0);
            JsonObject answer = new JsonObject().put("candidates", new JsonArray().add(candidate)).put("usageMetadata", usage)
                    .put("modelVersion", model).put("responseId", responseId);
            if (stream) new SimStream(vertx, resp, SimStream.dataFrames(List.of(answer.encode())), behaviour, cancelled, completed).start();
            else resp.setStatusCode(200).putHeader("content-type", "application/json; charset=UTF-8").end(answer.toBuffer());
            return;
        }
        String signature = GeminiSimSignatures.signs(model) ? GeminiSimSignatures.issue(responseId) : null;
        int count = candidateCount(body);
        if (count > 1) { // Google counts every candidate's tokens
            int candidates = usage.getInteger("candidatesTokenCount") * count;
            usage.put("candidatesTokenCount", candidates).put("totalTokenCount", usage.getInteger("promptTokenCount") + candidates);
        }
        boolean draws = draws(body) && reply.toolName() == null;
        if (draws) { // Google counts an image's tokens into the candidates', by modality
            usage.put("candidatesTokenCount", usage.getInteger("candidatesTokenCount") + IMAGE_TOKENS)
                    .put("totalTokenCount", usage.getInteger("totalTokenCount") + IMAGE_TOKENS)
                    .put("candidatesTokensDetails", new JsonArray()
                            .add(new JsonObject().put("modality", "TEXT").put("tokenCount", reply.completionTokens()))
                            .add(new JsonObject().put("modality", "IMAGE").put("tokenCount", IMAGE_TOKENS)));
        }
        if (stream) {
            List<String> chunks = chunks(reply, signature, model, responseId, usage, count);
            if (draws) { // the picture in an event of its own, before the one that finishes
                chunks.add(chunks.size() - 1, response(new JsonArray().add(image()), null, model, responseId, null).encode());
            }
            if (thinks(body)) {
                chunks.add(0, response(new JsonArray().add(new JsonObject().put("text", THOUGHT).put("thought", true)), null, model,
                        responseId, new JsonObject().put("promptTokenCount", usage.getInteger("promptTokenCount"))
                                .put("totalTokenCount", usage.getInteger("promptTokenCount"))).encode());
            }
            new SimStream(vertx, resp, SimStream.dataFrames(chunks), behaviour, cancelled, completed).start();
            return;
        }
        JsonArray parts = parts(reply, signature);
        if (draws) parts.add(image());
        if (thinks(body)) {
            parts = new JsonArray().add(new JsonObject().put("text", THOUGHT).put("thought", true)).addAll(parts);
            usage.put("thoughtsTokenCount", SimPromptCache.tokens(THOUGHT))
                    .put("totalTokenCount", usage.getInteger("totalTokenCount") + SimPromptCache.tokens(THOUGHT));
        }
        JsonArray candidates = new JsonArray().add(candidate(parts, finish(reply), 0));
        for (int k = 1; k < count; k++) candidates.add(candidate(parts(reply, signature, k), finish(reply), k));
        resp.setStatusCode(200).putHeader("content-type", "application/json; charset=UTF-8")
                .end(answer(candidates, model, responseId, usage).toBuffer());
    }

    /**
     * {@code generationConfig.candidateCount} (OpenAI's n): that many candidates, each with its {@code index}; the
     * second and later ones say which they are ("Candidate 1: …"), so a test can tell them apart.
     */
    private static int candidateCount(JsonObject body) {
        JsonObject g = body.getJsonObject("generationConfig");
        return g != null && g.getValue("candidateCount") instanceof Number n ? Math.max(1, n.intValue()) : 1;
    }

    private static String text(SimReply reply, int candidate) {
        return candidate == 0 ? reply.text() : "Candidate " + candidate + ": " + reply.text();
    }

    /**
     * The behaviour's injected error, answered in Google's words (in a one-element list when {@code listed}); false when
     * the request is to be answered normally.
     */
    private static boolean fault(HttpServerResponse resp, SimBehaviour behaviour, boolean listed) {
        if (behaviour.status() == 0) return false;
        switch (behaviour.status()) {
            case 429 -> googleError(resp, 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
                    new JsonArray().add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                            .put("retryDelay", behaviour.retryAfterSeconds() + "s")), listed);
            case 503 -> googleError(resp, 503, "UNAVAILABLE", "The model is overloaded. Please try again later.", null, listed);
            case 400 -> {
                // Gemini has no content-policy error: it answers 200 with promptFeedback.blockReason (promptBlocked)
                if (SimBehaviour.INVALID_REQUEST.equals(behaviour.error())) {
                    googleError(resp, 400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified\n", null, listed);
                } else {
                    googleError(resp, 400, "INVALID_ARGUMENT",
                            "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).", null, listed);
                }
            }
            case 401 -> googleError(resp, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access "
                    + "token, login cookie or other valid authentication credential.", null, listed);
            default -> googleError(resp, behaviour.status(), "INTERNAL", "An internal error has occurred.", null, listed);
        }
        return true;
    }

    /**
     * A refused prompt as Google answers it: HTTP 200, no candidates, {@code promptFeedback.blockReason}, usage
     * of the prompt only; streamed, that is the one and only event.
     */
    private void blocked(HttpServerRequest req, boolean stream, SimBehaviour behaviour, String model, String responseId, int prompt) {
        JsonObject feedback = new JsonObject().put("blockReason", behaviour.blockReason());
        if ("SAFETY".equals(behaviour.blockReason())) {
            feedback.put("safetyRatings", new JsonArray().add(new JsonObject().put("category", "HARM_CATEGORY_DANGEROUS_CONTENT")
                    .put("probability", "HIGH").put("blocked", true)));
        }
        JsonObject answer = new JsonObject().put("promptFeedback", feedback)
                .put("usageMetadata", new JsonObject().put("promptTokenCount", prompt).put("totalTokenCount", prompt))
                .put("modelVersion", model).put("responseId", responseId);
        if (stream) {
            new SimStream(vertx, req.response(), SimStream.dataFrames(List.of(answer.encode())), behaviour, cancelled, completed).start();
        } else {
            req.response().setStatusCode(200).putHeader("content-type", "application/json; charset=UTF-8").end(answer.toBuffer());
        }
    }

    private static String validate(JsonObject body) {
        if (!(body.getValue("contents") instanceof JsonArray contents) || contents.isEmpty()) {
            return "* GenerateContentRequest.contents: contents is not specified";
        }
        for (int i = 0; i < contents.size(); i++) {
            // protobuf JSON parsing refuses a value of the wrong JSON type, in these words
            if (!(contents.getValue(i) instanceof JsonObject c)) return wrongType("contents[" + i + "]", "an object");
            if (!(c.getValue("role", "user") instanceof String role)) return wrongType("contents[" + i + "].role", "a string");
            if (!role.equals("user") && !role.equals("model")) return "Please use a valid role: user, model.";
            if (c.getValue("parts") != null && !(c.getValue("parts") instanceof JsonArray)) return wrongType("contents[" + i + "].parts", "a list");
            JsonArray parts = c.getJsonArray("parts");
            if (parts == null || parts.isEmpty()) return "* GenerateContentRequest.contents[" + i + "].parts: contents.parts must not be empty.";
            for (int p = 0; p < parts.size(); p++) {
                if (!(parts.getValue(p) instanceof JsonObject)) return wrongType("contents[" + i + "].parts[" + p + "]", "an object");
            }
        }
        String mime = GeminiSimParts.unsupportedMimeType(contents);
        if (mime != null) return mime;
        String thinking = thinkingProblem(body.getJsonObject("generationConfig"));
        if (thinking != null) return thinking;
        if (body.getJsonObject("generationConfig") instanceof JsonObject g && g.getValue("responseModalities") instanceof JsonArray m) {
            for (int k = 0; k < m.size(); k++) { // protobuf's enum: a name it does not know is refused
                if (!List.of("TEXT", "IMAGE", "AUDIO").contains(String.valueOf(m.getValue(k)))) {
                    return "Invalid value at 'generation_config.response_modalities[" + k + "]' "
                            + "(type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.Modality), \"" + m.getValue(k) + "\"";
                }
            }
        }
        if (body.getJsonObject("generationConfig") instanceof JsonObject g) {
            String schema = GeminiSimSchema.problem(g.getValue("responseJsonSchema"));
            if (schema != null) return schema;
        }
        JsonArray tools = body.getJsonArray("tools");
        if (tools != null) {
            for (Object t : tools) {
                JsonArray decls = ((JsonObject) t).getJsonArray("functionDeclarations", new JsonArray());
                for (Object d : decls) {
                    JsonObject decl = (JsonObject) d;
                    JsonObject params = decl.getJsonObject("parameters");
                    if (params != null && decl.containsKey("parametersJsonSchema")) {
                        return "parameters and parameters_json_schema are mutually exclusive.";
                    }
                    String schema = GeminiSimSchema.problem(decl.getValue("parametersJsonSchema"));
                    if (schema != null) return schema;
                    // the OpenAPI-subset field rejects JSON Schema keywords; parametersJsonSchema takes them
                    if (params != null && params.encode().contains("additionalProperties")) {
                        return "Invalid JSON payload received. Unknown name \"additionalProperties\" at 'tools[0].function_declarations[0].parameters': Cannot find field.";
                    }
                }
            }
        }
        return null;
    }

    /** What Gemini says of a thinkingConfig it refuses: both a budget and a level, or a level it does not know. */
    private static String thinkingProblem(JsonObject generation) {
        JsonObject t = generation == null ? null : generation.getJsonObject("thinkingConfig");
        if (t == null) return null;
        if (t.containsKey("thinkingBudget") && t.containsKey("thinkingLevel")) {
            return "You can only set only one of thinking budget and thinking level.";
        }
        Object level = t.getValue("thinkingLevel");
        if (level != null && !List.of("minimal", "low", "medium", "high").contains(String.valueOf(level).toLowerCase())) {
            return "Invalid value at 'generation_config.thinking_config.thinking_level' (type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), \"" + level + "\"";
        }
        return null;
    }

    /** The thought summary a request that asked for one gets first (includeThoughts, and thinking not turned off). */
    static final String THOUGHT = "Weighing the question before answering.";

    private static boolean thinks(JsonObject body) {
        JsonObject g = body.getJsonObject("generationConfig");
        JsonObject t = g == null ? null : g.getJsonObject("thinkingConfig");
        return t != null && Boolean.TRUE.equals(t.getBoolean("includeThoughts")) && !Integer.valueOf(0).equals(t.getInteger("thinkingBudget"));
    }

    /** A 1×1 PNG: the picture an image model asked for pictures answers with, after its text. */
    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    /** Google's output tokens for one generated image (gemini-2.5-flash-image, up to 1024×1024). */
    static final int IMAGE_TOKENS = 1290;

    /** {@code generationConfig.responseModalities} has IMAGE: the model answers with a picture too. */
    private static boolean draws(JsonObject body) {
        JsonObject g = body.getJsonObject("generationConfig");
        return g != null && g.getValue("responseModalities") instanceof JsonArray m && m.contains("IMAGE");
    }

    private static JsonObject image() {
        return new JsonObject().put("inlineData", new JsonObject().put("mimeType", "image/png").put("data", PNG));
    }

    /** Gemini's finishReason: MAX_TOKENS when the answer hit maxOutputTokens. */
    private static String finish(SimReply reply) { return reply.truncated() ? "MAX_TOKENS" : "STOP"; }

    private static String wrongType(String at, String expected) {
        return "Invalid JSON payload received. Invalid value at '" + at + "': expected " + expected + ".";
    }

    /** The request reshaped for the shared reply logic. */
    private static JsonObject asOpenAi(JsonObject body) {
        JsonArray messages = new JsonArray();
        for (Object o : body.getJsonArray("contents")) {
            JsonObject c = (JsonObject) o;
            String role = "model".equals(c.getString("role")) ? "assistant" : "user";
            JsonArray parts = new JsonArray();
            for (Object p : c.getJsonArray("parts")) {
                JsonObject part = (JsonObject) p;
                if (part.containsKey("text")) parts.add(new JsonObject().put("type", "text").put("text", part.getString("text")));
                if (part.containsKey("inlineData") || part.containsKey("fileData")) parts.add(attachment(part));
                if (part.containsKey("functionResponse")) {
                    role = "tool";
                    parts.add(new JsonObject().put("type", "text").put("text", part.getJsonObject("functionResponse")
                            .getJsonObject("response").getValue("content", "").toString()));
                }
            }
            messages.add(new JsonObject().put("role", role).put("content", parts));
        }
        JsonObject out = new JsonObject().put("messages", messages);
        JsonObject generation = body.getJsonObject("generationConfig");
        if (generation != null && generation.getValue("maxOutputTokens") instanceof Number limit) out.put("max_tokens", limit);
        if (generation != null && generation.getValue("stopSequences") instanceof JsonArray stops) out.put("stop", stops);
        JsonArray tools = body.getJsonArray("tools");
        if (tools != null && !tools.isEmpty()) {
            JsonArray fns = new JsonArray();
            for (Object d : tools.getJsonObject(0).getJsonArray("functionDeclarations", new JsonArray())) {
                JsonObject decl = (JsonObject) d;
                fns.add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", decl.getString("name"))
                        .put("description", decl.getValue("description"))
                        .put("parameters", decl.getJsonObject("parametersJsonSchema", decl.getJsonObject("parameters")))));
            }
            out.put("tools", fns);
            JsonObject cfg = body.getJsonObject("toolConfig", new JsonObject()).getJsonObject("functionCallingConfig");
            if (cfg != null && "NONE".equals(cfg.getString("mode"))) out.put("tool_choice", "none");
            // ANY with allowedFunctionNames calls one of those (the first), as the API keeps the call to them
            JsonArray allowed = cfg == null ? null : cfg.getJsonArray("allowedFunctionNames");
            if (cfg != null && "ANY".equals(cfg.getString("mode")) && allowed != null && !allowed.isEmpty()) {
                out.put("tool_choice", new JsonObject().put("type", "function").put("function", new JsonObject().put("name", allowed.getString(0))));
            }
        }
        return out;
    }

    /** Inline or referenced data as the OpenAI part of its kind (by MIME type), for the shared reply logic. */
    private static JsonObject attachment(JsonObject part) {
        JsonObject blob = part.getJsonObject("inlineData", part.getJsonObject("fileData"));
        String mime = blob.getString("mimeType", "");
        String data = blob.getString("data");
        if (mime.startsWith("image/")) return new JsonObject().put("type", "image_url");
        if (mime.startsWith("audio/")) return new JsonObject().put("type", "input_audio").put("input_audio", new JsonObject().put("data", data));
        return new JsonObject().put("type", "file").put("file", data == null ? new JsonObject()
                : new JsonObject().put("file_data", "data:" + mime + ";base64," + data));
    }

    private JsonObject usage(JsonObject body, SimReply reply, String model) {
        JsonArray contents = body.getJsonArray("contents");
        String prefix = new JsonObject().put("system", body.getValue("systemInstruction")).put("tools", body.getValue("tools"))
                .put("contents", new JsonArray(contents.getList().subList(0, contents.size() - 1))).encode();
        int prefixTokens = SimPromptCache.tokens(prefix);
        int cached = prefixTokens >= SimPromptCache.MIN_TOKENS && cache.readOrWrite("gemini:" + model + ":" + prefix) ? prefixTokens : 0;
        int prompt = Math.max(reply.promptTokens(), prefixTokens + 4);
        int audio = audioTokens(contents);
        JsonObject u = new JsonObject().put("promptTokenCount", prompt).put("candidatesTokenCount", reply.completionTokens())
                .put("totalTokenCount", prompt + reply.completionTokens());
        if (cached > 0) u.put("cachedContentTokenCount", cached);
        // Google's per-modality split of the prompt (audio is priced apart): TEXT always, AUDIO when there was some
        JsonArray details = new JsonArray().add(new JsonObject().put("modality", "TEXT").put("tokenCount", prompt - audio));
        if (audio > 0) details.add(new JsonObject().put("modality", "AUDIO").put("tokenCount", audio));
        return u.put("promptTokensDetails", details);
    }

    /** The audio parts' tokens (inline {@code audio/*} data), as {@link SimAttachments} counts them into the prompt. */
    private static int audioTokens(JsonArray contents) {
        int tokens = 0;
        for (Object c : contents) {
            for (Object p : ((JsonObject) c).getJsonArray("parts")) {
                JsonObject blob = ((JsonObject) p).getJsonObject("inlineData");
                if (blob != null && blob.getString("mimeType", "").startsWith("audio/")) tokens += SimAttachments.audioTokens(blob.getString("data"));
            }
        }
        return tokens;
    }

    /** @param signature the thoughtSignature of the (one, hence first) functionCall part, or null */
    private static JsonArray parts(SimReply reply, String signature) { return parts(reply, signature, 0); }

    private static JsonArray parts(SimReply reply, String signature, int candidate) {
        JsonArray parts = new JsonArray();
        if (reply.toolName() != null) {
            JsonObject call = new JsonObject().put("functionCall", new JsonObject().put("name", reply.toolName())
                    .put("args", new JsonObject(reply.toolArguments())));
            parts.add(signature == null ? call : call.put("thoughtSignature", signature));
        } else {
            parts.add(new JsonObject().put("text", text(reply, candidate)));
        }
        return parts;
    }

    private static JsonObject response(JsonArray parts, String finish, String model, String responseId, JsonObject usage) {
        return answer(new JsonArray().add(candidate(parts, finish, 0)), model, responseId, usage);
    }

    private static JsonObject candidate(JsonArray parts, String finish, int index) {
        JsonObject candidate = new JsonObject().put("content", new JsonObject().put("parts", parts).put("role", "model")).put("index", index);
        if (finish != null) candidate.put("finishReason", finish);
        return candidate;
    }

    private static JsonObject answer(JsonArray candidates, String model, String responseId, JsonObject usage) {
        JsonObject r = new JsonObject().put("candidates", candidates);
        if (usage != null) r.put("usageMetadata", usage);
        return r.put("modelVersion", model).put("responseId", responseId);
    }

    /**
     * The stream's events. Text comes a word an event; with several candidates each event carries one candidate's word
     * (the candidates take turns, the later ones' texts are longer, so they finish later), the full usage on the last.
     */
    private static List<String> chunks(SimReply reply, String signature, String model, String responseId, JsonObject usage, int count) {
        List<String> out = new ArrayList<>();
        if (reply.toolName() != null) {
            JsonArray candidates = new JsonArray();
            for (int k = 0; k < count; k++) candidates.add(candidate(parts(reply, signature, k), finish(reply), k));
            out.add(answer(candidates, model, responseId, usage).encode());
            return out;
        }
        List<String[]> pieces = new ArrayList<>();
        int rounds = 0;
        for (int k = 0; k < count; k++) {
            pieces.add(text(reply, k).split("(?<= )"));
            rounds = Math.max(rounds, pieces.get(k).length);
        }
        JsonObject partial = new JsonObject().put("promptTokenCount", usage.getInteger("promptTokenCount"))
                .put("totalTokenCount", usage.getInteger("promptTokenCount"));
        for (int i = 0; i < rounds; i++) {
            for (int k = 0; k < count; k++) {
                String[] mine = pieces.get(k);
                if (i >= mine.length) continue;
                boolean last = i == mine.length - 1;
                JsonObject c = candidate(new JsonArray().add(new JsonObject().put("text", mine[i])), last ? finish(reply) : null, k);
                if (k == 0 && count > 1) c.remove("index"); // Google's JSON (proto3) leaves an index of 0 out
                boolean lastEvent = i == rounds - 1 && k == count - 1;
                out.add(answer(new JsonArray().add(c), model, responseId, lastEvent ? usage : partial).encode());
            }
        }
        return out;
    }

    static void error(HttpServerResponse resp, int status, String grpcStatus, String message) {
        error(resp, status, grpcStatus, message, null);
    }

    private static void error(HttpServerResponse resp, int status, String grpcStatus, String message, JsonArray details) {
        googleError(resp, status, grpcStatus, message, details, false);
    }

    /**
     * Google's error answer, {@code {"error":{"code","message","status","details"}}}; with {@code listed}, inside a
     * one-element JSON list, as Vertex's streaming methods ({@code :streamGenerateContent}, {@code :streamRawPredict})
     * answer a failure before their stream.
     */
    static void googleError(HttpServerResponse resp, int status, String grpcStatus, String message, JsonArray details, boolean listed) {
        JsonObject e = new JsonObject().put("code", status).put("message", message).put("status", grpcStatus);
        if (details != null) e.put("details", details);
        JsonObject body = new JsonObject().put("error", e);
        resp.setStatusCode(status).putHeader("content-type", "application/json; charset=UTF-8")
                .end(listed ? new JsonArray().add(body).toBuffer() : body.toBuffer());
    }
}
