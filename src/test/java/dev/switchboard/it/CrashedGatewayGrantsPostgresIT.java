package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.Postgres;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
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
        try (GatewayProcess first = serve.start(config, "first.log")) {
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
     * QA (defect 2), as it was found: the gateway served calls whose ledger rows it had not written when it was killed
     * ({@code kill -9} within the ledger's 1 s flush; here the ledger's writes are held back by a lock on
     * {@code spend_logs} so that no timing decides it). Its heartbeat had written that spend into its grant row; the key's
     * budget is then set to exactly what it spent, and the next gateway refuses the key, where before the fix the spend
     * the ledger never got was spendable again (the QA run: a $0.003 budget served $0.0052).
     */
    @Test
    void aKilledGatewaysSpendTheLedgerNeverGotStaysSpent() throws Exception {
        String key;
        double spent = 0;
        try (Connection ledgerLock = Postgres.connect(url)) {
            try (GatewayProcess first = serve.start(config, "first.log")) {
                key = new Admin(first.baseUrl(), TestGateway.MASTER_KEY).generate(new JsonObject().put("key_alias", "unwritten")
                        .put("max_budget", 1.0)).getString("key");
                ledgerLock.setAutoCommit(false);
                ledgerLock.createStatement().execute("LOCK TABLE spend_logs IN EXCLUSIVE MODE"); // reads go on, writes wait
                for (int i = 0; i < 20; i++) {
                    HttpResponse<String> r = Http.post(first.v1() + "/chat/completions", key, BODY);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    spent += Double.parseDouble(r.headers().firstValue("x-switchboard-cost").orElseThrow());
                }
                Thread.sleep(dev.switchboard.govern.Governance.KEY_SYNC_MILLIS + 1_000); // a heartbeat (every sync) writes the spend into the grant row; the ledger cannot
                first.kill9();
            } finally {
                // the dead gateway's ledger write still waits on the lock in its backend (PostgreSQL notices the client
                // left only when it next reads from it): end it, so that nothing of the dead process runs after the kill
                try (var rs = ledgerLock.createStatement().executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                        + "WHERE NOT granted AND relation = 'spend_logs'::regclass")) {
                    rs.next();
                }
                ledgerLock.rollback();
            }
        }
        Thread.sleep(2 * dev.switchboard.govern.Governance.KEY_SYNC_MILLIS + 1_000); // quiet for two heartbeats and its session lock free: the next gateway takes it for gone
        try (GatewayProcess second = serve.start(config, "second.log")) {
            Admin admin = new Admin(second.baseUrl(), TestGateway.MASTER_KEY);
            assertThat(admin.info(key).getDouble("spend")).as("the ledger never got the killed gateway's calls").isZero();
            admin.update(new JsonObject().put("key", key).put("max_budget", spent)); // the key is at its budget
            HttpResponse<String> r = Http.post(second.v1() + "/chat/completions", key, BODY);
            assertThat(r.statusCode()).as("$%s spent on the killed gateway still counts: %s%nits log:%n%s", spent, r.body(),
                    second.logTail()).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("type")).isEqualTo("budget_exceeded");
            // the second gateway's heartbeat reclaims the killed one's row: kept, marked gone, claiming all it served
            double claimed = -1;
            try (Connection c = Postgres.connect(url)) {
                for (int i = 0; i < 100 && claimed < 0; i++) {
                    try (var rs = c.createStatement().executeQuery("SELECT used_nanos - flushed_nanos, granted_nanos FROM budget_grants "
                            + "WHERE gone_at IS NOT NULL")) {
                        if (rs.next()) {
                            claimed = rs.getLong(1) / 1e9;
                            assertThat(rs.getLong(2)).as("a gone gateway's row grants nothing").isZero();
                        }
                    }
                    if (claimed < 0) Thread.sleep(100);
                }
            }
            // all it served, and the margin its writes claimed above that (what it might have admitted before its next
            // write, twenty-eighth session): a few calls' worth here, not its unused grant ($1)
            assertThat(claimed).as("the killed gateway's row, kept as gone").isGreaterThanOrEqualTo(spent - 1e-9)
                    .isLessThan(spent + 0.01);
            r = Http.post(second.v1() + "/chat/completions", key, BODY);
            assertThat(r.statusCode()).as("still refused once the row is marked gone: %s", r.body()).isEqualTo(400);
        }
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
        try (GatewayProcess second = serve.start(config, "second.log")) {
            HttpResponse<String> r = Http.post(second.v1() + "/chat/completions", key, BODY);
            assertThat(r.statusCode()).as("its grant still counts (the lease decides): %s", r.body()).isEqualTo(503);
            assertThat(r.body()).contains("budget_contended");
        }
    }
}
