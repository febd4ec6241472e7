package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {
    @Test
    void lineBreaksAndControlCharactersAreEscaped() {
        assertThat(LogSafe.text("boom\r\n12:00 ERROR forged\tx\u001b[31m\u0085\u2028"))
                .isEqualTo("boom\\r\\n12:00 ERROR forged\\tx\\u001b[31m\\u0085\\u2028");
    }

    @Test
    void ordinaryTextIsReturnedAsIs() {
        String s = "Upstream d1 failed (HTTP 500): é ✓ 日本";
        assertThat(LogSafe.text(s)).isSameAs(s);
        assertThat(LogSafe.text(null)).isEqualTo("null");
        assertThat(LogSafe.message(new RuntimeException("a\nb"))).isEqualTo("a\\nb");
    }
}
