package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The lock session's silence bound and a call's wait for another gateway's grant: 10 s and 6 s in production, shortened
 * together for the test suite ({@code -Dswitchboard.lock-silence-millis}, pom.xml), the wait always below the bound.
 */
class LockSilenceTest {
    @Test
    void withoutThePropertyTheBoundIsTenSecondsAndTheWaitSix() {
        assertThat(Governance.lockSilenceMillis(null)).isEqualTo(10_000);
        assertThat(SharedBudgets.waitRounds(Governance.lockSilenceMillis(null)) * SharedBudgets.RETRY_MILLIS).isEqualTo(6_000);
    }

    @Test
    void thePropertyShortensBothWithTheSameRatio() {
        assertThat(Governance.lockSilenceMillis("5000")).isEqualTo(5_000);
        assertThat(SharedBudgets.waitRounds(5_000)).isEqualTo(3);
        for (long silence = 5_000; silence <= 10_000; silence += 250) {
            long wait = SharedBudgets.waitRounds(silence) * SharedBudgets.RETRY_MILLIS;
            assertThat(wait).as("the wait at %d ms", silence).isLessThanOrEqualTo(silence * 3 / 5).isGreaterThan(silence / 2 - 1_000);
        }
    }

    @Test
    void outsideItsRangeThePropertyIsRefused() {
        for (String bad : new String[] {"4999", "10001", "0", "ten", ""}) {
            assertThatThrownBy(() -> Governance.lockSilenceMillis(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("switchboard.lock-silence-millis");
        }
    }

    @Test
    void inThisJvmTheWaitStaysBelowTheBound() {
        assertThat(SessionLock.SILENT_MILLIS).isGreaterThanOrEqualTo(Governance.LOCK_SILENCE_MILLIS);
        assertThat(SharedBudgets.WAIT_ROUNDS * SharedBudgets.RETRY_MILLIS).isLessThan(SessionLock.SILENT_MILLIS);
        assertThat(SessionLock.KEEP_ALIVE_MILLIS).isLessThan(SessionLock.SILENT_MILLIS);
    }
}
