package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.Caller;
import dev.switchboard.model.GatewayException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A key's per-model limits in the governor and the limiter: keyed by the model the key's alias points to (LiteLLM maps
 * the alias first), their buckets forgotten with the key and when a model leaves its limits, their headers and 429 in
 * LiteLLM's default limiter's words, and a model name no header may carry as it is.
 */
class KeyModelLimitsTest {
    private static final WorstCase NONE = new WorstCase() {
        @Override public long boundNanos() { return 0; }
        @Override public long exactNanos() { return 0; }
    };
    private static final String ID = "key_ml";

    private final KeyRegistry keys = new KeyRegistry();
    private final LocalRateLimiter limiter = new LocalRateLimiter();
    private final Governor governor = new Governor(keys, limiter, null, System::currentTimeMillis);

    KeyModelLimitsTest() { keys.forgetLimitsWith(limiter::forget); }

    private void key(Map<String, Integer> rpm, Map<String, String> aliases) {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        rpm.forEach(meta.putObject(ModelLimits.RPM)::put);
        keys.put(new VirtualKey(ID, "tok-ml", "sk-sb-...ml", null, List.of(), null, null, null, 0, null, null, null,
                null, null, null, meta, List.of(), false, 0, 0, null, null, null, aliases), 0, System.currentTimeMillis());
    }

    private Admission admit(String model) {
        Caller c = Caller.virtualKey(ID, null, List.of(), null, null, keys.byId(ID).key().aliases());
        return governor.admit(c, null, List.of(model), NONE, () -> 10);
    }

    private List<String> buckets() { return limiter.usage().stream().map(RateLimiter.Usage::keyId).toList(); }

    @Test
    void aKeysAliasTakesTheLimitOfTheModelItPointsTo() {
        key(Map.of("gpt-4o", 1), Map.of("fast", "gpt-4o"));
        Admission a = admit("fast");
        assertThat(a.headers()).containsEntry("x-litellm-key-remaining-requests-gpt-4o", "0")
                .containsEntry(ModelLimits.V3_REMAINING_REQUESTS, "0").containsEntry(ModelLimits.V3_LIMIT_REQUESTS, "1")
                .doesNotContainKey("x-ratelimit-remaining-requests");
        a.release();
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> admit("gpt-4o"));
        assertThat(e).as("the alias's call counted for gpt-4o").isNotNull();
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.getMessage()).startsWith("Rate limit exceeded for model_per_key: " + ID + ":gpt-4o. Limit type: requests."
                + " Current limit: 1, Remaining: 0. Limit resets at: ").contains("model_rpm_limit").doesNotContain(" rpm_limit");
        assertThat(e.headers()).containsEntry(ModelLimits.V3_REMAINING_REQUESTS, "0").containsEntry(ModelLimits.V3_LIMIT_REQUESTS, "1")
                .containsEntry("x-litellm-key-remaining-requests-gpt-4o", "0");
        assertThat(e.retryAfterSeconds()).isPositive();
    }

    @Test
    void aModelsBucketIsForgottenWithItsKeyAndWhenItLeavesTheKeysLimits() {
        key(Map.of("a", 5, "b", 5), Map.of());
        admit("a").release();
        admit("b").release();
        String bucketA = keys.byId(ID).version().modelLimits().get("a").limiterId();
        String bucketB = keys.byId(ID).version().modelLimits().get("b").limiterId();
        assertThat(buckets()).contains(bucketA, bucketB);
        key(Map.of("b", 7), Map.of()); // a new version: a's limit taken out, b's changed
        assertThat(buckets()).doesNotContain(bucketA).contains(bucketB);
        limiter.forget(ID);
        assertThat(buckets()).as("the key deleted: its per-model buckets with it").isEmpty();
    }

    @Test
    void aModelNameNoHeaderCarriesIsWrittenWithDashes() {
        key(Map.of("my model/v1:beta\u00e9", 3), Map.of());
        ModelLimits.One one = keys.byId(ID).version().modelLimits().get("my model/v1:beta\u00e9");
        assertThat(one.requestsHeader()).isEqualTo("x-litellm-key-remaining-requests-my-model-v1-beta-");
        assertThat(admit("my model/v1:beta\u00e9").headers()).containsEntry("x-litellm-key-remaining-requests-my-model-v1-beta-", "2");
    }

    @Test
    void anUpdateThatLeavesTheMetadataAloneDoesNotCheckIt() {
        ObjectNode bad = JsonNodeFactory.instance.objectNode();
        bad.put(ModelLimits.RPM, "many"); // stored before the check (an older gateway, the database by hand)
        VirtualKey stored = new VirtualKey(ID, "tok-ml", "sk-sb-...ml", null, List.of(), null, null, null, 0, null, null, null,
                null, null, null, bad, List.of(), false, 0, 0, null, null, null, Map.of());
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("max_budget", 5);
        assertThat(KeyFields.apply(stored, body, System.currentTimeMillis()).metadata()).isEqualTo(bad);
    }
}
