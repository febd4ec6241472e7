package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.GatewayException;
import dev.switchboard.store.StoreException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** A grant the store could not give: tried again only when another connection may do, and the 503 says what happened. */
class GrantStoreFailureTest {
    private static StoreException store(String sqlState, String message) {
        return new StoreException("store (PostgreSQL at 127.0.0.1:5432/test): " + message, new SQLException(message, sqlState));
    }

    @Test
    void aConnectionTheServerEndedIsTriedAgainAndSaidSo() {
        StoreException ended = store("57P01", "FATAL: terminating connection due to administrator command");
        assertThat(GrantStoreFailure.worthRetrying(ended)).isTrue();
        assertThat(GrantStoreFailure.of(ended)).isEqualTo(GrantStoreFailure.CONNECTION_LOST);
        StoreException closed = new StoreException("store: Connection is closed", new SQLException("Connection is closed"));
        assertThat(GrantStoreFailure.worthRetrying(closed)).as("HikariCP's proxy of an evicted connection").isTrue();
        GatewayException answer = GrantStoreFailure.of(ended).answer();
        assertThat(answer.getMessage()).contains("connection to the store failed twice").doesNotContain("does not answer");
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.code()).isEqualTo("budget_store_unavailable");
    }

    @Test
    void aStoreThatTookTooLongIsNotAskedAgainAtOnce() {
        StoreException slow = store("57014", "ERROR: canceling statement due to statement timeout");
        assertThat(GrantStoreFailure.worthRetrying(slow)).as("the call has waited its share").isFalse();
        assertThat(GrantStoreFailure.of(slow)).isEqualTo(GrantStoreFailure.TIMED_OUT);
        assertThat(GrantStoreFailure.TIMED_OUT.answer().getMessage()).contains("did not answer in time");
    }

    @Test
    void aRefusalIsNeitherRetriedNorCalledALostConnection() {
        StoreException refused = store("42P01", "ERROR: relation \"budget_grants\" does not exist");
        assertThat(GrantStoreFailure.worthRetrying(refused)).isFalse();
        assertThat(GrantStoreFailure.of(refused)).isEqualTo(GrantStoreFailure.UNREACHABLE);
        assertThat(GrantStoreFailure.UNREACHABLE.answer().getMessage()).contains("could not be reached");
    }
}
