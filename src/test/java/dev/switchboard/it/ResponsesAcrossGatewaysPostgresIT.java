package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Postgres;
import dev.switchboard.support.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** Two gateways on one PostgreSQL schema: a response answered by one reads on the other at once (the {@code services} profile). */
@Tag("services")
class ResponsesAcrossGatewaysPostgresIT extends ResponsesAcrossGatewaysContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    String databaseSettings() { return "  database_url: \"" + url + "\"\n"; }

    /**
     * A waiting miss answers within its 500 ms however slow the database is: its looks run one at a time on one
     * thread, and the deadline used to be checked only after a look, so a stuck table (here locked until they answer) held every
     * waiter until it came back (review finding 3).
     */
    @org.junit.jupiter.api.Test
    void aStuckDatabaseDoesNotStretchTheWait() throws Exception {
        try (TestGateway b = TestGateway.start(yaml()); java.sql.Connection c = Postgres.connect(url)) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<long[]>> misses = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) misses.add(pool.submit(() -> getForged(b, TestGateway.MASTER_KEY)));
                Thread.sleep(150); // read once, now waiting for another gateway's write
                c.setAutoCommit(false);
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("LOCK TABLE responses IN ACCESS EXCLUSIVE MODE"); // every read of it now hangs
                    for (var f : misses) {
                        long[] r = f.get(10, java.util.concurrent.TimeUnit.SECONDS);
                        assertThat(r[0]).isEqualTo(404);
                        assertThat(r[1]).as("answered at its deadline, not when the table came back").isLessThan(1_500);
                    }
                } finally {
                    c.rollback(); // the table back only once every miss has answered (or 10 s passed)
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }
}
