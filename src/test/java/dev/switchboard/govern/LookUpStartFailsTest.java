package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

/**
 * A look-up whose start throws (the admin worker refused the task) gives back the place and the miss it took: before,
 * each such throw kept a place, and after {@link KeyAdmin#MAX_LOOKUPS} of them no unknown key was ever looked up again.
 */
class LookUpStartFailsTest {
    @Test
    void aLookUpWhoseStartThrowsGivesItsPlaceBack() {
        Vertx vertx = Vertx.vertx();
        try {
            KeyAdmin keys = new KeyAdmin(vertx, null, null, null, null, () -> 0L);
            for (int i = 0; i < KeyAdmin.MAX_LOOKUPS * 2; i++) {
                String hash = "h" + i;
                assertThatThrownBy(() -> keys.startLookUp(hash, "10.0.0.1", 0, h -> {
                    throw new IllegalStateException("worker closed");
                })).isInstanceOf(IllegalStateException.class);
            }
            assertThat(keys.lookUpsRunning()).as("places held after the failed starts").isZero();
            Promise<Boolean> answer = Promise.promise();
            Future<Boolean> started = keys.startLookUp("fresh", "10.0.0.1", 0, h -> answer.future());
            assertThat(started).as("a look-up after them").isNotNull();
            assertThat(keys.lookUpsRunning()).isEqualTo(1);
            answer.complete(true);
            assertThat(keys.lookUpsRunning()).isZero();
        } finally {
            vertx.close();
        }
    }
}
