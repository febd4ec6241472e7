package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.LogCapture;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** QA F5: an outage of a store reads as one WARN when it starts and one INFO when it ends, without a stack trace. */
class StoreOutageTest {
    @Test
    void anOutageIsOneWarnAndOneInfo() {
        String name = "switchboard.test.outage";
        try (LogCapture log = LogCapture.of(name)) {
            StoreOutage outage = new StoreOutage(LoggerFactory.getLogger(name), "store: PostgreSQL at 127.0.0.1:5432/test",
                    "calls go on from memory");
            outage.answered();
            assertThat(log.lines()).as("nothing while all is well").isEmpty();
            for (int i = 0; i < 5; i++) {
                outage.failed(new StoreException("store: Connection is closed",
                        new SQLException("FATAL: terminating connection due to administrator command", "57P01")));
            }
            assertThat(outage.failing()).isTrue();
            outage.answered();
            outage.answered();
            outage.failed(new SQLException("FATAL: terminating connection due to administrator command", "57P01"));
            assertThat(log.lines()).hasSize(3);
            assertThat(log.lines().get(0)).startsWith("WARN").contains("store: PostgreSQL at 127.0.0.1:5432/test is failing "
                    + "(FATAL: terminating connection due to administrator command); calls go on from memory");
            assertThat(log.lines().get(1)).startsWith("INFO").contains("answers again, after");
            assertThat(log.lines().get(2)).as("a new outage: a new WARN").startsWith("WARN");
            assertThat(log.written()).noneMatch(l -> l.contains("\tat ") || l.contains("Exception"));
        }
    }
}
