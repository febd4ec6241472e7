package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.Postgres;
import java.net.http.HttpResponse;
import java.sql.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link CrashedGatewayGrantsContract} on PostgreSQL, where gateways may run on several hosts: a crashed gateway on what
 * looks like another host is known gone by its session lock, which PostgreSQL dropped with its connection; a lock is
 * trusted only on the server that granted it.
 */
@Tag("services")
class CrashedGatewayGrantsPostgresIT extends CrashedGatewayGrantsContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    String storeSettings() { return "  database_url: \"" + url + "\"\n"; }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }

    /** Its rows as another host's (no pid of theirs means anything here), once they name the gateway's session lock. */
    @Override
    void asIfElsewhere() throws Exception {
        try (Connection c = Postgres.connect(url)) {
            long lock = 0;
            for (int i = 0; i < 50 && lock == 0; i++) { // the first heartbeat names the lock, at the latest
                try (var rs = c.createStatement().executeQuery("SELECT session_lock FROM budget_grants")) {
                    assertThat(rs.next()).as("the gateway's grant row").isTrue();
                    lock = rs.getLong(1);
                }
                if (lock == 0) Thread.sleep(100);
            }
            assertThat(lock).as("the row names the gateway's session lock").isNotZero();
            c.createStatement().executeUpdate("UPDATE budget_grants SET host = 'another-host|another-boot|pid:[4026599999]'");
        }
    }

    /** A gateway that took a key's whole budget, on what looks like another host, then was killed (kill -9): the key. */
    private String crashedElsewhereHoldingAKey() throws Exception {
        try (GatewayProcess first = GatewayProcess.start(config, env, dir.resolve("first.log"))) {
            String key = budgetedKey(first);
            asIfElsewhere();
            first.kill9();
            return key;
        }
    }

    @Test
    void aCrashedGatewaysGrantIsFreedByItsSessionLockNotItsLease() throws Exception {
        String key = crashedElsewhereHoldingAKey();
        servedSoonAfterTheRestart(key, "CrashedGatewayGrantsPostgresIT");
    }

    /**
     * After a PostgreSQL restart or failover every lock is free, the live gateways' too. A crashed gateway whose lock was
     * taken on an earlier server (its row says so) is known by its lease, not by its free lock.
     */
    @Test
    void aLockTakenOnAnEarlierServerIsNotTrusted() throws Exception {
        String key = crashedElsewhereHoldingAKey();
        try (Connection c = Postgres.connect(url)) {
            c.createStatement().executeUpdate("UPDATE budget_grants SET session_server = session_server - 60000");
        }
        try (GatewayProcess second = GatewayProcess.start(config, env, dir.resolve("second.log"))) {
            HttpResponse<String> r = Http.post(second.v1() + "/chat/completions", key, BODY);
            assertThat(r.statusCode()).as("its grant still counts (the lease decides): %s", r.body()).isEqualTo(503);
            assertThat(r.body()).contains("budget_contended");
        }
    }
}
