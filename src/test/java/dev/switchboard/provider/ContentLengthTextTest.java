package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The upstream request's Content-Length text ({@link UpstreamHttp#contentLength}): Integer.toString's, shared when small. */
class ContentLengthTextTest {
    @Test
    void everyLengthIsItsDecimalText() {
        for (int n = 0; n < 40_000; n++) assertThat(UpstreamHttp.contentLength(n).toString()).isEqualTo(Integer.toString(n));
        for (int n : new int[] {1 << 20, 50_000_000, Integer.MAX_VALUE}) {
            assertThat(UpstreamHttp.contentLength(n).toString()).isEqualTo(Integer.toString(n));
        }
    }

    @Test
    void aSmallLengthIsMadeOnce() {
        assertThat(UpstreamHttp.contentLength(211)).isSameAs(UpstreamHttp.contentLength(211));
        assertThat(UpstreamHttp.contentLength(16_383)).isSameAs(UpstreamHttp.contentLength(16_383));
    }
}
