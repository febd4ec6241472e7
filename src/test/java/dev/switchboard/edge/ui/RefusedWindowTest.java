package dev.switchboard.edge.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The overview's refused counts cover the window their link opens (the Requests view's since=30d), not UTC days. */
class RefusedWindowTest {
    @Test
    void theCountStartsThirtyTimes24HoursBeforeNowAsTheLinksSinceDoes() {
        long now = Instant.parse("2026-12-07T15:40:00Z").toEpochMilli();
        // since=30d in the Requests view: now - 720 h (from UTC midnight 29 days ago it was 2026-11-08T00:00Z)
        assertThat(Instant.ofEpochMilli(DashboardFigures.refusedFrom(30, now))).isEqualTo(Instant.parse("2026-11-07T15:40:00Z"));
    }
}
