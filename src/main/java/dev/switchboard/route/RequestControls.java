package dev.switchboard.route;

import dev.switchboard.model.CallContext;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.CallOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One request's routing overrides, from its {@code x-switchboard-*} headers and from the body fields LiteLLM
 * and OpenRouter accept ({@code timeout}, {@code stream_timeout}, {@code num_retries}, {@code fallbacks},
 * {@code models}). A header wins over the same body field. The body fields are routing controls, not model
 * parameters: {@link #strip} removes them before anything goes upstream.
 *
 * @param timeout       per-attempt timeout, or null for the deployment's
 * @param streamTimeout the same for streams, or null for {@code timeout}
 * @param numRetries    retries per model group, or null for {@code num_retries}
 * @param fallbacksOff  no fallback of any kind for this request
 * @param fallbacks     the request's own error-fallback aliases replacing the configured ones, or null
 * @param models        the request's {@code models} array, tried in order after the primary
 * @param tier          {@code cheap} or {@code smart} for the auto alias, or null to let it decide
 * @param dropParams    the request's {@code drop_params} (LiteLLM's), or null: the deployment's or the config's decides
 */
record RequestControls(Duration timeout, Duration streamTimeout, Integer numRetries, boolean fallbacksOff,
                       List<String> fallbacks, List<String> models, String tier, Boolean dropParams) {
    static final Set<String> BODY_FIELDS = ChatRequest.ROUTING_CONTROL_FIELDS;
    static final int MAX_RETRIES = 10;

    static final RequestControls NONE = new RequestControls(null, null, null, false, null, List.of(), null, null);

    static RequestControls from(Map<String, String> hints, Map<String, JsonNode> body) {
        if (hints.isEmpty() && !containsAny(body)) return NONE;
        LiteLlmTestControls.refuse(body);
        Duration timeout = seconds(header(hints, "timeout", CallContext.LITELLM_TIMEOUT_HINT), body.get("timeout"), "timeout");
        Duration streamTimeout = seconds(header(hints, "stream-timeout", CallContext.LITELLM_STREAM_TIMEOUT_HINT),
                body.get("stream_timeout"), "stream_timeout");
        Integer retries = retries(header(hints, "num-retries", CallContext.LITELLM_NUM_RETRIES_HINT), body.get("num_retries"));
        // the x-switchboard- header wins, but a LiteLLM header sent with it is still read: a bad value is a 400 naming it,
        // never a value quietly dropped (review, 2026-12-07)
        if (hints.containsKey("timeout")) seconds(litellm(hints, CallContext.LITELLM_TIMEOUT_HINT), null, null);
        if (hints.containsKey("stream-timeout")) seconds(litellm(hints, CallContext.LITELLM_STREAM_TIMEOUT_HINT), null, null);
        if (hints.containsKey("num-retries")) retries(litellm(hints, CallContext.LITELLM_NUM_RETRIES_HINT), null);
        boolean off = false;
        List<String> fallbacks = null;
        JsonNode f = body.get("fallbacks");
        if (f != null && !f.isNull()) {
            if (f.isBoolean() && !f.booleanValue() || f.isArray() && f.isEmpty()) off = true;
            else if (f.isArray()) fallbacks = aliases(f, "fallbacks");
            else if (!(f.isBoolean() && f.booleanValue())) {
                throw GatewayException.badRequest("'fallbacks' must be a list of model names, [] or false.", "fallbacks");
            }
        }
        String header = hints.get("fallbacks");
        if (header != null) {
            switch (header.trim().toLowerCase(Locale.ROOT)) {
                case "off", "false", "none", "0" -> off = true;
                case "on", "true", "1" -> off = false;
                default -> throw GatewayException.badRequest("x-switchboard-fallbacks must be off or on, found '"
                        + header + "'.", "x-switchboard-fallbacks");
            }
        }
        JsonNode m = body.get("models");
        List<String> models = m == null || m.isNull() ? List.of() : aliases(m, "models");
        String tier = hints.get("tier") == null ? null : hints.get("tier").trim().toLowerCase(Locale.ROOT);
        if (tier != null && !tier.equals(AutoRouterSettings.CHEAP) && !tier.equals(AutoRouterSettings.SMART)) {
            throw GatewayException.badRequest("x-switchboard-tier must be cheap or smart, found '" + tier + "'.",
                    "x-switchboard-tier");
        }
        JsonNode drop = body.get("drop_params");
        if (drop != null && !drop.isNull() && !drop.isBoolean()) {
            throw GatewayException.badRequest("'drop_params' must be true or false.", "drop_params");
        }
        Boolean dropParams = drop == null || drop.isNull() ? null : drop.booleanValue();
        return new RequestControls(timeout, streamTimeout, retries, off, fallbacks, models, tier, dropParams);
    }

    /** The body without its routing fields; the same map when it has none (the common case: no copy). */
    static Map<String, JsonNode> strip(Map<String, JsonNode> body) {
        if (!containsAny(body)) return body;
        Map<String, JsonNode> out = new HashMap<>(body);
        out.keySet().removeAll(BODY_FIELDS);
        return Map.copyOf(out);
    }

    int retries(RouterSettings s) { return numRetries != null ? numRetries : s.numRetries(); }

    /** Whether the request set its own retries: they win over the config's, retry_policy included. */
    boolean setsRetries() { return numRetries != null; }

    /**
     * The timeout of one attempt on {@code d}: the request's, else the deployment's own (null here, so the
     * provider applies it), else router_settings' default.
     */
    CallOptions options(Deployment d, boolean stream, RouterSettings s) {
        Duration mine = stream && streamTimeout != null ? streamTimeout : timeout;
        if (mine != null) return new CallOptions(mine);
        boolean deploymentHasOne = d.timeout() != null || (stream && d.streamTimeout() != null);
        if (deploymentHasOne) return CallOptions.DEFAULT;
        Duration router = stream && s.streamTimeout() != null ? s.streamTimeout() : s.timeout();
        return router == null ? CallOptions.DEFAULT : new CallOptions(router);
    }

    private static boolean containsAny(Map<String, JsonNode> body) {
        if (body.isEmpty()) return false;
        for (String k : BODY_FIELDS) if (body.containsKey(k)) return true;
        return false;
    }

    /**
     * The request header that sets a control, with its name: {@code x-switchboard-<hint>}, else LiteLLM's
     * {@code x-litellm-…} of the same meaning (its request-headers page); null when the request sends neither.
     */
    private static String[] header(Map<String, String> hints, String hint, String litellm) {
        String ours = hints.get(hint);
        if (ours != null) return new String[] {ours, CallContext.HINT_PREFIX + hint};
        String theirs = hints.get(litellm);
        return theirs == null ? null : new String[] {theirs, litellm};
    }

    /** LiteLLM's header of a control with its name, or null when the request does not send it. */
    private static String[] litellm(Map<String, String> hints, String name) {
        String v = hints.get(name);
        return v == null ? null : new String[] {v, name};
    }

    private static Duration seconds(String[] headerAndName, JsonNode field, String fieldName) {
        if (headerAndName != null) {
            String header = headerAndName[0], headerName = headerAndName[1];
            try {
                return positive(Double.parseDouble(header.trim()), headerName);
            } catch (NumberFormatException e) {
                throw GatewayException.badRequest(headerName + " must be a number of seconds, found '" + header + "'.", headerName);
            }
        }
        if (field == null || field.isNull()) return null;
        if (!field.isNumber()) throw GatewayException.badRequest("'" + fieldName + "' must be a number of seconds.", fieldName);
        return positive(field.doubleValue(), fieldName);
    }

    /**
     * Seconds greater than 0 and at most a day. 0 is refused, not read as "no timeout" (LiteLLM's {@code timeout or 600}
     * quietly takes it for its default) nor as "fail at once": the message says the range exactly, 0 outside it.
     */
    private static Duration positive(double s, String name) {
        if (!(s > 0) || s > 86_400) {
            throw GatewayException.badRequest(name + " must be greater than 0 and at most 86400 seconds.", name);
        }
        return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
    }

    private static Integer retries(String[] header, JsonNode field) {
        long n;
        String name;
        if (header != null) {
            name = header[1];
            try {
                n = Long.parseLong(header[0].trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
        } else if (field != null && !field.isNull()) {
            name = "num_retries";
            n = field.canConvertToExactIntegral() ? field.asLong() : -1;
        } else {
            return null;
        }
        if (n < 0 || n > MAX_RETRIES) {
            throw GatewayException.badRequest(name + " must be a whole number from 0 to " + MAX_RETRIES + ".", name);
        }
        return (int) n;
    }

    private static List<String> aliases(JsonNode array, String field) {
        if (!array.isArray()) throw GatewayException.badRequest("'" + field + "' must be a list of model names.", field);
        List<String> out = new ArrayList<>(array.size());
        for (JsonNode n : array) {
            if (n.isObject() && field.equals("fallbacks")) {
                out.add(fallbackObject(n, out.size()));
                continue;
            }
            if (!n.isTextual()) throw GatewayException.badRequest("'" + field + "' must be a list of model names.", field);
            out.add(n.textValue());
        }
        return List.copyOf(out);
    }

    /**
     * LiteLLM's object form of a client-side fallback ({@code {"model": "gpt-4o"}}): one that names only its model is
     * that name, as LiteLLM reads it; one that also sets its own prompt or parameters ("Control Fallback Prompts") is
     * refused, naming what is not taken, since serving the fallback the primary's prompt would answer another question.
     * Both were "must be a list of model names" before (2026-12-07), which told a LiteLLM user nothing of why.
     */
    private static String fallbackObject(JsonNode entry, int index) {
        String param = "fallbacks[" + index + "]";
        String model = ChatRequest.fallbackName(entry); // the reading the key's allowlist and aliases use too
        if (model == null) {
            throw GatewayException.badRequest("'" + param + "' must name its model: {\"model\": \"<model name>\"}, or "
                    + "be the name itself.", param);
        }
        List<String> others = new ArrayList<>();
        entry.fieldNames().forEachRemaining(k -> { if (!k.equals("model")) others.add(k); });
        if (!others.isEmpty()) {
            throw GatewayException.badRequest("'" + param + "' sets " + String.join(", ", others) + " for its fallback; "
                    + "only the model of a client-side fallback is taken here (LiteLLM's per-fallback messages and "
                    + "parameters are not supported). Fix: \"fallbacks\": [\"" + model + "\"], or a "
                    + "deployment of its own for that prompt.", param);
        }
        return model;
    }
}
