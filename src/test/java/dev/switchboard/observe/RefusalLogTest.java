package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.LogCapture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A refusal before the call is one log line, at INFO for the first ten of a minute and at DEBUG after (a client with no
 * key can send refusals as fast as it likes), the next INFO line saying how many went to DEBUG; never more than the
 * request id, status, code, route, key id and address.
 */
class RefusalLogTest {

    @Test
    void tenInfoLinesAMinuteThenDebugAndTheNextInfoLineCountsWhatWasQuieted() {
        AtomicLong now = new AtomicLong(5);
        RefusalLog refusals = new RefusalLog(now::get);
        for (int i = 0; i < RefusalLog.PER_WINDOW; i++) assertThat(refusals.admit()).as("refusal %d", i).isZero();
        for (int i = 0; i < 25; i++) assertThat(refusals.admit()).isEqualTo(-1);
        now.addAndGet(RefusalLog.WINDOW_NANOS - 10);
        assertThat(refusals.admit()).as("still the same minute").isEqualTo(-1);
        now.addAndGet(10);
        assertThat(refusals.admit()).as("a new minute: INFO again, saying how many were quieted").isEqualTo(26);
        assertThat(refusals.admit()).isZero();
    }

    @Test
    void theLineSaysWhoWhatAndWhereButNoBodyOrKey() {
        AtomicLong now = new AtomicLong();
        RefusalLog refusals = new RefusalLog(now::get);
        try (LogCapture log = LogCapture.of("switchboard.refused")) {
            refusals.refused("req-1", null, 401, "invalid_api_key", "/v1/chat/completions", "10.0.0.7");
            refusals.refused("req-2", "key-id-9", 400, "invalid_request_error", "/v1/embeddings\nFORGED", "10.0.0.8");
            assertThat(log.lines()).containsExactly(
                    "INFO request req-1: refused before it was read as a call: 401 invalid_api_key on /v1/chat/completions "
                            + "(key none, from 10.0.0.7)",
                    "INFO request req-2: refused before it was read as a call: 400 invalid_request_error on /v1/embeddings\\nFORGED "
                            + "(key key-id-9, from 10.0.0.8)");
        }
    }
}
