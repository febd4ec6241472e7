package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.Caller;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A call's key headers (max budget, rpm and tpm limits) come from the one version of the key it was admitted under,
 * read once at the admission: a key updated while the call runs does not mix versions in its answer's headers, as
 * LiteLLM's headers say the key its auth read. Before, each header read the key's current version again (three
 * volatile reads per answer).
 */
class AdmissionKeyVersionTest {
    private static final WorstCase HUNDRED = new WorstCase() {
        @Override public long boundNanos() { return 100; }
        @Override public long exactNanos() { return 100; }
    };

    private static VirtualKey key(Double maxBudget, Long rpm, Long tpm) {
        return new VirtualKey("key_v", "tok-v", "sk-sb-...v", null, List.of(), maxBudget, null, null, 0, null, null, rpm, tpm,
                null, null, null, List.of(), false, 0, 0, null, null, null, null);
    }

    @Test
    void anAnswersKeyHeadersSayTheVersionItWasAdmittedUnder() {
        KeyRegistry keys = new KeyRegistry();
        long now = 1_800_000_000_000L;
        keys.put(key(5.0, 100L, 10_000L), 0, now);
        Governor governor = new Governor(keys, new LocalRateLimiter(), null, () -> now);
        Caller caller = Caller.virtualKey("key_v", null, List.of(), null, null, java.util.Map.of());
        Admission a = governor.admit(caller, null, List.of("m"), HUNDRED, () -> 10);
        keys.byId("key_v").update(key(9.0, 7L, null), now); // the key changes while the call runs
        assertThat(a.keyMaxBudgetUsd()).isEqualTo("5");
        assertThat(a.keyRpmLimit()).isEqualTo("100");
        assertThat(a.keyTpmLimit()).isEqualTo("10000");
        a.settle(0, 0);
        Admission b = governor.admit(caller, null, List.of("m"), HUNDRED, () -> 10);
        assertThat(b.keyMaxBudgetUsd()).isEqualTo("9");
        assertThat(b.keyRpmLimit()).isEqualTo("7");
        assertThat(b.keyTpmLimit()).isNull();
        b.settle(0, 0);
    }
}
