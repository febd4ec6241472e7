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
        // an IPv4-mapped address (a dual-stack socket's IPv4 client) is its IPv4 address: its own /24 for the look-ups'
        // shares, not the one "::ffff" block every IPv4 client shared before
        assertThat(AuthThrottle.group("::ffff:1.2.3.4")).isEqualTo("1.2.3.4");
        assertThat(AuthThrottle.group("::ffff:0102:0304")).isEqualTo("1.2.3.4");
        assertThat(AuthThrottle.group("0:0:0:0:0:ffff:5.6.7.8")).isEqualTo("5.6.7.8");
        failTimes("2001:db8:1:2::1", AuthThrottle.MAX_FAILURES - 1);
        assertThatThrownBy(() -> throttle.failed("2001:db8:1:2::ffff")).isInstanceOf(GatewayException.class);
    }

    @Test
    void theNumberOfAddressesKeptIsBoundedAndANewAddressIsAlwaysTracked() {
        for (int i = 0; i < AuthThrottle.MAX_ADDRESSES + 500; i++) throttle.failed("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
        assertThat(throttle.tracked()).isEqualTo(AuthThrottle.MAX_ADDRESSES);
        // with the table full of fresh failures a new address is tracked all the same (the least recent one makes room):
        // it is locked out after its tenth guess, within the window
        failTimes("192.168.0.1", AuthThrottle.MAX_FAILURES - 1);
        assertThatThrownBy(() -> throttle.failed("192.168.0.1")).isInstanceOf(GatewayException.class);
        assertThatThrownBy(() -> throttle.check("192.168.0.1")).isInstanceOf(GatewayException.class);
        assertThat(throttle.tracked()).isEqualTo(AuthThrottle.MAX_ADDRESSES);
        // a flood of new addresses drops the least recent ones, never the one that keeps failing
        for (int i = 0; i < AuthThrottle.MAX_ADDRESSES; i++) {
            throttle.failed("172.16." + ((i >> 8) & 255) + "." + (i & 255));
            if (i % 1000 == 0) assertThatThrownBy(() -> throttle.failed("192.168.0.1")).isInstanceOf(GatewayException.class);
        }
        assertThatThrownBy(() -> throttle.check("192.168.0.1")).isInstanceOf(GatewayException.class);
        assertThat(throttle.tracked()).isEqualTo(AuthThrottle.MAX_ADDRESSES);
    }

    /** Only a key that matches no key at all, and could be the master key, is counted (EdgeContext.authenticate). */
    @Test
    void onlyAnUnknownKeyThatCouldBeTheMasterKeyCounts() {
        dev.switchboard.govern.Authenticator auth = dev.switchboard.govern.Authenticator.masterKeyOnly("sk-master-1234"::equals);
        assertThat(auth.mayGuessTheMasterKey("sk-1234", refusal(auth, "sk-1234"))).isTrue();
        assertThat(auth.mayGuessTheMasterKey("hunter22", refusal(auth, "hunter22"))).isTrue();
        // a deleted or rotated virtual key an app still sends: 256 random bits, no guess at the master key
        String stale = "sk-sb-" + "A".repeat(21) + "b_-9" + "z".repeat(18);
        assertThat(auth.mayGuessTheMasterKey(stale, refusal(auth, stale))).isFalse();
        assertThat(auth.mayGuessTheMasterKey("eyJh.eyJz.sig", refusal(auth, "eyJh.eyJz.sig"))).as("a JWT").isFalse();
        // a known key that is blocked or expired: its own refusal, not the unknown key's
        GatewayException blocked = new GatewayException(dev.switchboard.model.ErrorKind.AUTHENTICATION, 401,
                "This key is blocked (key_alias 'app'). The gateway's owner can unblock it (/key/unblock).", null, "invalid_api_key", null, null);
        assertThat(auth.mayGuessTheMasterKey("sk-sb-known", blocked)).isFalse();
        dev.switchboard.govern.Authenticator none = dev.switchboard.govern.Authenticator.masterKeyOnly(null);
        assertThat(none.mayGuessTheMasterKey("sk-sb-x", refusal(none, "sk-sb-x"))).as("no master key to guess").isFalse();
    }

    private static GatewayException refusal(dev.switchboard.govern.Authenticator auth, String key) {
        try {
            auth.authenticate(key);
        } catch (GatewayException e) {
            return e;
        }
        throw new AssertionError("accepted " + key);
    }
}
