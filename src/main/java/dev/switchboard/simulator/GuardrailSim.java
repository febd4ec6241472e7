package dev.switchboard.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guardrail services LiteLLM's guardrails call, each in its own wire format, with one deterministic policy: text
 * containing {@link #TRIGGER} is flagged.
 * <ul>
 *   <li>AWS Bedrock ApplyGuardrail, {@code POST /guardrail/{id}/version/{version}/apply}: SigV4 or a Bedrock API key
 *       (the same checks as the Bedrock runtime), {@code source} INPUT/OUTPUT and {@code content[].text.text} validated;
 *       {@code action} GUARDRAIL_INTERVENED with a BLOCKED topic assessment and Bedrock's default blocked message, else
 *       NONE. The identifier {@code missing} answers 404 ResourceNotFoundException.</li>
 *   <li>Aporia, {@code POST /validate} with {@code X-APORIA-API-KEY}: messages and {@code validation_target}
 *       (prompt, response, both); {@code action} block or passthrough.</li>
 *   <li>Lakera Guard, {@code POST /v2/guard} with a bearer key: messages of role and content; {@code flagged}, with the
 *       breakdown, payload and dev_info when asked for.</li>
 * </ul>
 */
final class GuardrailSim {
    static final String TRIGGER = "forbidden";
    static final String BEDROCK_BLOCKED_MESSAGE = "Sorry, the model cannot answer this question.";
    private static final Pattern BEDROCK_APPLY = Pattern.compile("/guardrail/([^/]+)/version/([^/]+)/apply");
    private static final Set<String> APORIA_TARGETS = Set.of("prompt", "response", "both");

    private final BedrockSimAuth auth;
    private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    GuardrailSim(BedrockSimAuth auth) { this.auth = auth; }

    static boolean owns(String path) {
        return path.equals("/validate") || path.equals("/v2/guard") || BEDROCK_APPLY.matcher(path).matches();
    }

    int calls() { return calls.get(); }

    void handle(HttpServerRequest req, Buffer body) {
        calls.incrementAndGet();
        String path = req.path();
        if (!req.method().name().equals("POST")) {
            req.response().setStatusCode(405).end();
            return;
        }
        Matcher m = BEDROCK_APPLY.matcher(path);
        if (m.matches()) bedrock(req, body, m.group(1));
        else if (path.equals("/validate")) aporia(req, body);
        else lakera(req, body);
    }

    private static boolean flagged(String text) { return text != null && text.toLowerCase(Locale.ROOT).contains(TRIGGER); }

    private void bedrock(HttpServerRequest req, Buffer body, String id) {
        HttpServerResponse resp = req.response();
        BedrockSimAuth.Refusal refused = auth.check(req, body, null);
        if (refused != null) {
            BedrockSim.error(resp, 403, refused.type(), refused.message());
            return;
        }
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (RuntimeException e) {
            BedrockSim.error(resp, 400, "ValidationException", "Malformed input request, please reformat your input and try again.");
            return;
        }
        if (id.equals("missing")) {
            BedrockSim.error(resp, 404, "ResourceNotFoundException", "The guardrail identifier or version provided in the request does not exist.");
            return;
        }
        String source = json.getString("source");
        if (!"INPUT".equals(source) && !"OUTPUT".equals(source)) {
            BedrockSim.error(resp, 400, "ValidationException", "1 validation error detected: Value '" + source
                    + "' at 'source' failed to satisfy constraint: Member must satisfy enum value set: [OUTPUT, INPUT]");
            return;
        }
        Object content = json.getValue("content");
        if (!(content instanceof JsonArray items) || items.isEmpty()) {
            BedrockSim.error(resp, 400, "ValidationException", "1 validation error detected: Value at 'content' failed to satisfy "
                    + "constraint: Member must have length greater than or equal to 1");
            return;
        }
        boolean hit = false;
        int chars = 0;
        for (int i = 0; i < items.size(); i++) {
            Object item = items.getValue(i);
            JsonObject text = item instanceof JsonObject o && o.getValue("text") instanceof JsonObject t ? t : null;
            if (text == null || !(text.getValue("text") instanceof String s)) {
                BedrockSim.error(resp, 400, "ValidationException", "content[" + i + "]: a text block must be {\"text\": {\"text\": \"…\"}}.");
                return;
            }
            chars += s.length();
            hit |= flagged(s);
        }
        JsonObject out = new JsonObject()
                .put("usage", new JsonObject().put("topicPolicyUnits", 1).put("contentPolicyUnits", 1).put("wordPolicyUnits", 1)
                        .put("sensitiveInformationPolicyUnits", 1).put("sensitiveInformationPolicyFreeUnits", 0)
                        .put("contextualGroundingPolicyUnits", 0))
                .put("action", hit ? "GUARDRAIL_INTERVENED" : "NONE")
                .put("outputs", hit ? new JsonArray().add(new JsonObject().put("text", BEDROCK_BLOCKED_MESSAGE)) : new JsonArray())
                .put("assessments", new JsonArray().add(hit
                        ? new JsonObject().put("topicPolicy", new JsonObject().put("topics", new JsonArray().add(new JsonObject()
                                .put("name", "Forbidden topic").put("type", "DENY").put("action", "BLOCKED"))))
                        : new JsonObject()))
                .put("guardrailCoverage", new JsonObject().put("textCharacters", new JsonObject().put("guarded", chars).put("total", chars)));
        resp.setStatusCode(200).putHeader("content-type", "application/json")
                .putHeader("x-amzn-RequestId", UUID.randomUUID().toString()).end(out.toBuffer());
    }

    private static void aporia(HttpServerRequest req, Buffer body) {
        HttpServerResponse resp = req.response();
        String key = req.getHeader("X-APORIA-API-KEY");
        if (key == null || key.isBlank()) {
            json(resp, 401, new JsonObject().put("detail", "Unauthorized"));
            return;
        }
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (RuntimeException e) {
            json(resp, 422, new JsonObject().put("detail", "Invalid JSON body"));
            return;
        }
        String target = json.getString("validation_target", "both");
        if (!(json.getValue("messages") instanceof JsonArray messages) || !APORIA_TARGETS.contains(target)
                || (!target.equals("prompt") && !(json.getValue("response") instanceof String))) {
            json(resp, 422, new JsonObject().put("detail", "messages (a list) and validation_target (prompt, response, both) are "
                    + "required; response is required unless validation_target is prompt"));
            return;
        }
        boolean hit = false;
        if (!target.equals("response")) {
            for (int i = 0; i < messages.size(); i++) {
                JsonObject msg = messages.getJsonObject(i);
                if (!Set.of("system", "user", "assistant", "other").contains(msg.getString("role", ""))) {
                    json(resp, 422, new JsonObject().put("detail", "messages[" + i + "].role must be system, user, assistant or other"));
                    return;
                }
                hit |= flagged(String.valueOf(msg.getValue("content")));
            }
        }
        if (!target.equals("prompt")) hit |= flagged(json.getString("response"));
        json(resp, 200, new JsonObject().put("action", hit ? "block" : "passthrough")
                .put("revised_prompt", (Object) null)
                .put("revised_response", hit ? "Aporia detected and blocked forbidden content" : null)
                .put("explain_log", (Object) null));
    }

    private static void lakera(HttpServerRequest req, Buffer body) {
        HttpServerResponse resp = req.response();
        String auth = req.getHeader("authorization");
        if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= 7) {
            json(resp, 401, new JsonObject().put("error", "Unauthorized: a valid API key is required (Authorization: Bearer …)"));
            return;
        }
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (RuntimeException e) {
            json(resp, 400, new JsonObject().put("error", "Invalid JSON"));
            return;
        }
        if (!(json.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
            json(resp, 400, new JsonObject().put("error", "messages: a non-empty list of {role, content} is required"));
            return;
        }
        boolean hit = false;
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.getValue(i) instanceof JsonObject msg) || !(msg.getValue("role") instanceof String)
                    || !(msg.getValue("content") instanceof String content)) {
                json(resp, 400, new JsonObject().put("error", "messages[" + i + "]: role and content (a string) are required"));
                return;
            }
            hit |= flagged(content);
        }
        JsonObject out = new JsonObject().put("flagged", hit);
        if (json.getBoolean("payload", false)) out.put("payload", new JsonArray());
        if (json.getBoolean("breakdown", false)) {
            out.put("breakdown", new JsonArray().add(new JsonObject().put("project_id", json.getString("project_id", "project-sim"))
                    .put("policy_id", "policy-lakera-default").put("detector_id", "detector-lakera-default-prompt-attack")
                    .put("detector_type", "prompt_attack").put("detected", hit)));
        }
        if (json.getBoolean("dev_info", false)) {
            out.put("dev_info", new JsonObject().put("git_revision", "sim").put("git_timestamp", "2025-01-01T00:00:00Z")
                    .put("model_version", "lakera-guard-sim").put("version", "2.0.0"));
        }
        json(resp, 200, out);
    }

    private static void json(HttpServerResponse resp, int status, JsonObject body) {
        resp.setStatusCode(status).putHeader("content-type", "application/json").end(body.toBuffer());
    }
}
