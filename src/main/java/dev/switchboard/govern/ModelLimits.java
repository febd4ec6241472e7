package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.GatewayException;
import java.util.HashMap;
import java.util.Map;

/**
 * A key's per-model rate limits, LiteLLM's {@code model_rpm_limit} / {@code model_tpm_limit}: a map of the model name a
 * client asks for (the alias, LiteLLM's model group) to a limit, kept in the key's {@code metadata} as LiteLLM keeps them
 * (its {@code /key/generate} moves the top-level fields there; its limiter reads {@code metadata.model_rpm_limit}). They
 * hold the key's calls to that model on top of the key's own {@code rpm_limit} / {@code tpm_limit}, in the same in-memory
 * limiter, and the answers say what is left as {@code x-litellm-key-remaining-requests-<model>} / {@code -tokens-<model>}.
 */
final class ModelLimits {
    static final String RPM = "model_rpm_limit";
    static final String TPM = "model_tpm_limit";
    /** Between the key's id and the model's hash in a per-model bucket's id (a key id has no colon). */
    static final String ID_MARK = ":model:";

    /**
     * One model's limits on one key, with everything the request path needs made once per key version.
     *
     * @param limiterId       the limiter's bucket: the key's id and a hash of the model (at most 64 characters)
     * @param who             names it in a refusal
     * @param model           the model name the limits are set for (LiteLLM's model group)
     * @param requestsHeader  / tokensHeader LiteLLM's legacy limiter's header names: every character of the model not
     *                        allowed in a header name (RFC 9110's tchar) written {@code -}
     */
    record One(String limiterId, String model, String who, RateLimiter.Limits limits, String requestsHeader, String tokensHeader) {}

    /** LiteLLM's default limiter's (parallel_request_limiter_v3) headers of a key's per-model limits: fixed names. */
    static final String V3_REMAINING_REQUESTS = "x-ratelimit-model_per_key-remaining-requests";
    static final String V3_LIMIT_REQUESTS = "x-ratelimit-model_per_key-limit-requests";
    static final String V3_REMAINING_TOKENS = "x-ratelimit-model_per_key-remaining-tokens";
    static final String V3_LIMIT_TOKENS = "x-ratelimit-model_per_key-limit-tokens";

    private ModelLimits() {}

    /**
     * The key's metadata with the body's top-level {@code model_rpm_limit} / {@code model_tpm_limit} put in it (LiteLLM's
     * {@code generate_key_helper_fn} and key update do the same); {@code metadata} itself when the body sets neither.
     */
    static ObjectNode merged(ObjectNode metadata, ObjectNode b) {
        if (!b.hasNonNull(RPM) && !b.hasNonNull(TPM)) return metadata;
        ObjectNode meta = metadata == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : metadata.deepCopy();
        for (String f : new String[] {RPM, TPM}) {
            JsonNode v = b.get(f);
            if (v != null && !v.isNull() && !(v.isObject() && v.isEmpty())) meta.set(f, v.deepCopy()); // {}: a client's default
        }
        return meta;
    }

    /** @throws GatewayException 400 when the metadata's per-model limits are not a map of model names to whole numbers of 0 or more */
    static void check(ObjectNode metadata) {
        if (metadata == null) return;
        for (String f : new String[] {RPM, TPM}) {
            JsonNode v = metadata.get(f);
            if (v == null || v.isNull()) continue;
            if (!v.isObject()) {
                throw GatewayException.badRequest("'" + f + "' must be an object of model names to limits, such as {\"gpt-4o\": 10}, found "
                        + shown(v) + ".", f);
            }
            for (var it = v.fields(); it.hasNext(); ) {
                var e = it.next();
                Long n = e.getValue().isNull() ? null : LaxNumbers.whole(e.getValue());
                if (e.getKey().isBlank() || n == null || n < 0) {
                    throw GatewayException.badRequest("'" + f + "' must give each model name a whole number of 0 or more; found "
                            + shown(e.getValue()) + " for '" + e.getKey() + "'.", f);
                }
            }
        }
    }

    /** The key's per-model limits by model name; empty for none. */
    static Map<String, One> of(String keyId, ObjectNode metadata) {
        if (metadata == null) return Map.of();
        JsonNode rpm = metadata.get(RPM), tpm = metadata.get(TPM);
        if ((rpm == null || !rpm.isObject() || rpm.isEmpty()) && (tpm == null || !tpm.isObject() || tpm.isEmpty())) return Map.of();
        Map<String, One> out = new HashMap<>();
        for (JsonNode source : new JsonNode[] {rpm, tpm}) {
            if (source == null || !source.isObject()) continue;
            for (var it = source.fieldNames(); it.hasNext(); ) {
                String model = it.next();
                if (out.containsKey(model)) continue;
                Long r = number(rpm, model), t = number(tpm, model);
                if (r == null && t == null) continue;
                String h = headerToken(model);
                out.put(model, new One(keyId + ID_MARK + hash(model), model, "model '" + model + "' of this key (its model_rpm_limit / model_tpm_limit)",
                        new RateLimiter.Limits(r, t, null), "x-litellm-key-remaining-requests-" + h, "x-litellm-key-remaining-tokens-" + h));
            }
        }
        return Map.copyOf(out);
    }

    /** The limits of the per-model bucket {@code limiterId} among a key's, or null when the key has none by that id now. */
    static RateLimiter.Limits limitsOfLimiterId(Map<String, One> of, String limiterId) {
        for (One one : of.values()) {
            if (one.limiterId().equals(limiterId)) return one.limits();
        }
        return null;
    }

    private static Long number(JsonNode map, String model) {
        JsonNode v = map == null || !map.isObject() ? null : map.get(model);
        if (v == null || v.isNull()) return null;
        Long n = LaxNumbers.whole(v);
        return n == null || n < 0 ? null : n;
    }

    /** The model name as a header name's part: each character not allowed in a header token (RFC 9110 tchar) as {@code -}. */
    static String headerToken(String model) {
        StringBuilder b = new StringBuilder(model.length());
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            boolean tchar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            b.append(tchar ? c : '-');
        }
        return b.toString();
    }

    /** 16 hex digits of a 64-bit FNV-1a of the model name: the bucket's id stays short whatever the name. */
    private static String hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return String.format("%016x", h);
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /**
     * A model's permit: released and cancelled as the limiter's, its headers LiteLLM's
     * {@code x-litellm-key-remaining-requests-<model>} / {@code -tokens-<model>} (what is left after this call), not
     * {@code x-ratelimit-*}, which stay the key's.
     */
    static RateLimiter.Permit permit(One one, RateLimiter.Permit inner) {
        return new RateLimiter.Permit() {
            @Override public void release(long actualTokens, long nowNanos) { inner.release(actualTokens, nowNanos); }

            @Override public void cancel(long nowNanos) { inner.cancel(nowNanos); }

            @Override public Map<String, String> headers() {
                Map<String, String> h = new java.util.LinkedHashMap<>();
                putHeaders(h);
                return h;
            }

            @Override public void putHeaders(Map<String, String> into) { renamed(one, inner.headers(), into); }
        };
    }

    /**
     * The limiter's {@code x-ratelimit-*} of a model's bucket as LiteLLM says a key's per-model limits: its default
     * limiter's {@code x-ratelimit-model_per_key-{remaining,limit}-{requests,tokens}} and its legacy limiter's
     * {@code x-litellm-key-remaining-{requests,tokens}-<model>}; the plain {@code x-ratelimit-*} stay the key's own limits.
     * Other headers pass as they are.
     */
    private static void renamed(One one, Map<String, String> from, Map<String, String> into) {
        for (Map.Entry<String, String> x : from.entrySet()) {
            String v = x.getValue();
            switch (x.getKey()) {
                case "x-ratelimit-remaining-requests" -> {
                    into.put(V3_REMAINING_REQUESTS, v);
                    into.put(one.requestsHeader(), v);
                }
                case "x-ratelimit-limit-requests" -> into.put(V3_LIMIT_REQUESTS, v);
                case "x-ratelimit-remaining-tokens" -> {
                    into.put(V3_REMAINING_TOKENS, v);
                    into.put(one.tokensHeader(), v);
                }
                case "x-ratelimit-limit-tokens" -> into.put(V3_LIMIT_TOKENS, v);
                default -> {
                    if (!x.getKey().startsWith("x-ratelimit-")) into.put(x.getKey(), v);
                }
            }
        }
    }

    /**
     * The model limit's 429 in the words of LiteLLM's default limiter ({@code Rate limit exceeded for model_per_key:
     * <key>:<model>. Limit type: requests. Current limit: N, Remaining: 0. Limit resets at: …}), naming the key's field
     * that refused ({@code model_rpm_limit} / {@code model_tpm_limit}), with what is left in LiteLLM's per-model headers,
     * not as {@code x-ratelimit-*}, which stay the key's own limits. The key is named by its id, never its secret (LiteLLM
     * names its hash).
     */
    static GatewayException refusal(One one, String keyId, GatewayException e, long nowMillis) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        renamed(one, e.headers(), h);
        // the limiter asks rpm before tpm: a request refused with a request left was refused for its tokens
        boolean requests = one.limits().rpm() != null && "0".equals(e.headers().get("x-ratelimit-remaining-requests"));
        Long limit = requests ? one.limits().rpm() : one.limits().tpm();
        String left = e.headers().get(requests ? "x-ratelimit-remaining-requests" : "x-ratelimit-remaining-tokens");
        long wait = e.retryAfterSeconds() == null ? LocalRateLimiter.WINDOW_SECONDS : e.retryAfterSeconds();
        String resets = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                .format(java.time.Instant.ofEpochMilli(nowMillis + wait * 1000).atZone(java.time.ZoneOffset.UTC));
        String text = "Rate limit exceeded for model_per_key: " + keyId + ":" + one.model() + ". Limit type: "
                + (requests ? "requests" : "tokens") + ". Current limit: " + limit + ", Remaining: " + (left == null ? "0" : left)
                + ". Limit resets at: " + resets + " (this key's " + (requests ? RPM : TPM) + " for '" + one.model()
                + "'; retry after " + wait + " s).";
        return new GatewayException(e.kind(), e.status(), text, e.param(), e.code(), null, e.retryAfterSeconds()).withHeaders(h);
    }
}
