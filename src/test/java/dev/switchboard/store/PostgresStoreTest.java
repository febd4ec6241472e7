package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The store contract on PostgreSQL (the {@code services} profile), each test in a schema of its own. */
@Tag("services")
class PostgresStoreTest extends StoreContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    Database open() { return track(Database.open(url, null)); }

    @Override
    Database.Kind kind() { return Database.Kind.POSTGRESQL; }

    @AfterEach
    void dropSchema() {
        closeAll();
        Postgres.drop(url);
    }

    @Test
    void aServerThatDoesNotAnswerIsAClearErrorWithoutThePassword() {
        assertThatThrownBy(() -> Database.open("postgresql://app:s3cret-pw@127.0.0.1:1/switchboard", null))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot open the store (PostgreSQL at 127.0.0.1:1/switchboard)")
                .hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void liteLlmsUrlFormIsReadWithItsCredentials() {
        DatabaseLocation l = DatabaseLocation.postgres("postgresql://user%40x:p%3Ass@db.example:6543/ledger?sslmode=require");
        assertThat(l.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/ledger?sslmode=require");
        assertThat(l.properties().getProperty("user")).isEqualTo("user@x");
        assertThat(l.properties().getProperty("password")).isEqualTo("p:ss");
        assertThat(l.description()).isEqualTo("PostgreSQL at db.example:6543/ledger").doesNotContain("p:ss");
    }

    @Test
    void aNulInClientTextDoesNotKeepACallOutOfTheLedger() {
        Database db = open();
        var ledger = new dev.switchboard.account.SpendLedger(db, 60_000);
        ledger.record(new dev.switchboard.account.SpendRecord("req_nul", 0, 1, 2, "key_a", "app", "a\u0000b", "chat", "gpt",
                "openai/gpt-4o-mini", "primary", null, "miss", 1, 1, 0, 0, 0, false, 42, 0, true, 1L, null, 200, null,
                java.util.List.of("t\u0000ag")));
        assertThat(ledger.flush()).isTrue();
        assertThat(ledger.dropped()).isZero();
        var rows = new dev.switchboard.account.SpendReports(db, ledger).logs(dev.switchboard.account.SpendQuery.ALL, 1, 10).rows();
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.endUser()).isEqualTo("a\uFFFDb");
            assertThat(r.costNanos()).isEqualTo(42);
            assertThat(r.tags()).containsExactly("t\uFFFDag");
        });
        ledger.close();
    }
}
