package dev.switchboard.edge.ui;

import dev.switchboard.store.Database;
import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/**
 * {@link CsvDownloadPagedReadTest} on PostgreSQL (the {@code services} profile), in a schema of its own: a stalled
 * download holds none of the pool's connections (before: one, in an open transaction, for up to 5 minutes).
 */
@Tag("services")
class CsvDownloadPagedReadPostgresTest extends CsvDownloadPagedReadTest {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    Database openDatabase() { return Database.open(url, null); }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }
}
