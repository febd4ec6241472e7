package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.GatewayException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
    final AtomicLong now = new AtomicLong(1_000_000);
    final AuthThrottle throttle = new AuthThrottle(now::get);

    void failTimes(String address, int n) {
        for (int i = 0; i < n; i++) throttle.failed(address);
    }

    @Test
    void theTenthFailureWithinAMinuteLocksTheAddressOutForAMinute() {
        assertThat(throttle.anyLocked()).isFalse();
        failTimes("10.0.0.1", AuthThrottle.MAX_FAILURES - 1);
        assertThat(throttle.anyLocked()).isFalse();
        assertThatThrownBy(() -> throttle.failed("10.0.0.1")).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.retryAfterSeconds()).isEqualTo(60L);
        });
        assertThat(throttle.anyLocked()).isTrue();
        assertThatThrownBy(() -> throttle.check("10.0.0.1")).isInstanceOf(GatewayException.class);
        assertThatCode(() -> throttle.check("10.0.0.2")).as("another address").doesNotThrowAnyException();
        now.addAndGet(30_000);
        assertThatThrownBy(() -> throttle.check("10.0.0.1")).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(30L));
        now.addAndGet(30_001);
        assertThat(throttle.anyLocked()).isFalse();
        assertThatCode(() -> throttle.check("10.0.0.1")).doesNotThrowAnyException();
        assertThatCode(() -> throttle.failed("10.0.0.1")).as("a fresh count").doesNotThrowAnyException();
    }

    @Test
    void failuresOlderThanTheWindowDoNotCount() {
        for (int i = 0; i < 3 * AuthThrottle.MAX_FAILURES; i++) {
            throttle.failed("10.0.0.3");
            now.addAndGet(AuthThrottle.WINDOW_MILLIS / (AuthThrottle.MAX_FAILURES - 2));
        }
        assertThat(throttle.anyLocked()).isFalse();
    }

    @Test
    void anIpv6HostIsCountedByItsSlash64() {
        assertThat(AuthThrottle.group("2001:db8:1:2:aaaa::1")).isEqualTo(AuthThrottle.group("2001:db8:1:2:bbbb::9"));
        assertThat(AuthThrottle.group("2001:db8:1:3::1")).isNotEqualTo(AuthThrottle.group("2001:db8:1:2::1"));
        assertThat(AuthThrottle.group("127.0.0.1")).isEqualTo("127.0.0.1");
        failTimes("2001:db8:1:2::1", AuthThrottle.MAX_FAILURES - 1);
        assertThatThrownBy(() -> throttle.failed("2001:db8:1:2::ffff")).isInstanceOf(GatewayException.class);
    }

    @Test
    void theNumberOfAddressesKeptIsBounded() {
        for (int i = 0; i < AuthThrottle.MAX_ADDRESSES + 500; i++) throttle.failed("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
        assertThat(throttle.tracked()).isEqualTo(AuthThrottle.MAX_ADDRESSES);
        // past the bound a new address is not tracked; once the window has passed, stale ones make room
        now.addAndGet(AuthThrottle.WINDOW_MILLIS + 1);
        failTimes("192.168.0.1", AuthThrottle.MAX_FAILURES - 1);
        assertThatThrownBy(() -> throttle.failed("192.168.0.1")).isInstanceOf(GatewayException.class);
        assertThat(throttle.tracked()).isLessThanOrEqualTo(AuthThrottle.MAX_ADDRESSES);
    }
}
