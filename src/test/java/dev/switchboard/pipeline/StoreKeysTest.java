package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * check's store look-up for the own-key refusal: each secret asked once (it used to open a pool and a connection per
 * deployment: thirty anthropic/ entries, thirty sequential sessions), and a failure midway keeps the answers found.
 */
class StoreKeysTest {
    @Test
    void eachSecretIsAskedOnceAndAFailureKeepsWhatWasFound() {
        List<String> asked = new ArrayList<>();
        boolean[] closed = {false};
        StoreKeys keys = new StoreKeys(secret -> {
            asked.add(secret);
            if (secret.equals("down")) throw new IllegalStateException("PostgreSQL at h:5432/db: timed out");
            return secret.equals("own");
        }, () -> closed[0] = true);
        for (int i = 0; i < 30; i++) assertThat(keys.test("own")).isTrue();
        assertThat(keys.test("other")).isFalse();
        assertThat(keys.failure()).isNull();
        assertThat(keys.test("down")).isFalse();
        assertThat(keys.failure()).isEqualTo("PostgreSQL at h:5432/db: timed out");
        assertThat(keys.test("own")).as("a hit found before the failure is kept").isTrue();
        assertThat(keys.test("later")).as("not asked once the store failed").isFalse();
        assertThat(asked).containsExactly("own", "other", "down");
        keys.close();
        assertThat(closed[0]).isTrue();
    }
}
