package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Host guard's hand-written literal parsing (a character loop since the per-request profile): the edge cases. */
class BrowserGuardLiteralsTest {
    @Test
    void ipv4LiteralsAreFourNumbersUpTo255() {
        assertThat(BrowserGuard.ipv4Literal("127.0.0.1")).isTrue();
        assertThat(BrowserGuard.ipv4Literal("255.255.255.255")).isTrue();
        assertThat(BrowserGuard.ipv4Literal("0.0.0.0")).isTrue();
        for (String no : new String[] {"256.0.0.1", "1.2.3", "1.2.3.4.5", "1.2.3.4.", ".1.2.3", "1..2.3", "1.2.3.", "a.b.c.d",
                "1.2.3.1000", "0001.2.3.4", "", "1.2.3.-4", "evil.example.com", "1.2.3.4x"}) {
            assertThat(BrowserGuard.ipv4Literal(no)).as(no).isFalse();
        }
    }

    @Test
    void jsonContentTypes() {
        assertThat(BrowserGuard.isJson("application/json")).isTrue();
        assertThat(BrowserGuard.isJson("Application/JSON")).isTrue();
        assertThat(BrowserGuard.isJson("application/json; charset=utf-8")).isTrue();
        assertThat(BrowserGuard.isJson("application/json; charset=latin1")).isFalse();
        assertThat(BrowserGuard.isJson("application/jsonx")).isFalse();
        assertThat(BrowserGuard.isJson("text/plain")).isFalse();
    }
}
