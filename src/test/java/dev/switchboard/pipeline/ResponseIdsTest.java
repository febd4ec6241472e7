package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResponseIdsTest {
    @Test
    void anIdHasOpenAisShapeAndSaysWhenItWasMade() {
        long now = 1_780_000_000_123L;
        String id = ResponseIds.create(now);
        assertThat(id).matches("resp_[0-9a-f]{48}");
        assertThat(ResponseIds.createdMillis(id)).isEqualTo(now);
        assertThat(ResponseIds.create(now)).as("random past the time").isNotEqualTo(id);
    }

    @Test
    void onlyARecentIdIsRecent() {
        long now = System.currentTimeMillis();
        assertThat(ResponseIds.recent(ResponseIds.create(now - 100), now, 2_000)).isTrue();
        assertThat(ResponseIds.recent(ResponseIds.create(now + 500), now, 2_000)).as("a host whose clock is ahead").isTrue();
        assertThat(ResponseIds.recent(ResponseIds.create(now - 2_500), now, 2_000)).isFalse();
        // an id of the old form: 48 random digits, whose "time" is almost never now
        assertThat(ResponseIds.recent("resp_" + "0123456789abcdef".repeat(3), now, 2_000)).isFalse();
        assertThat(ResponseIds.createdMillis("resp_xyz")).isEqualTo(-1);
        assertThat(ResponseIds.createdMillis("resp_zz" + "0".repeat(46))).isEqualTo(-1);
        assertThat(ResponseIds.createdMillis(null)).isEqualTo(-1);
        assertThat(ResponseIds.recent("msg_" + "0".repeat(49), now, 2_000)).isFalse();
    }
}
