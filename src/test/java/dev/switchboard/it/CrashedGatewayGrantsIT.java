package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

/**
 * {@link CrashedGatewayGrantsContract} on a SQLite store, a restarted container in a new pid namespace (its rows give
 * another host name and pid namespace on the same kernel): the next gateway knows it is gone from its lock file beside
 * the store.
 */
class CrashedGatewayGrantsIT extends CrashedGatewayGrantsContract {
    private Path store() { return serve.dir().resolve("switchboard.db"); }

    @Override
    String storeSettings() { return "  database_path: \"" + store() + "\"\n"; }

    /**
     * What a restarted container leaves: its rows name another host name and pid namespace (pids that mean nothing
     * here) on the same kernel (the boot id the containers of one machine share).
     */
    @Override
    void asIfElsewhere() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store())) {
            // the gateway may be writing (its heartbeat, a flush): wait for its lock as the gateway itself does
            c.createStatement().execute("PRAGMA busy_timeout = 10000");
            String[] host;
            try (var rs = c.createStatement().executeQuery("SELECT host FROM budget_grants")) {
                assertThat(rs.next()).as("the gateway's grant row").isTrue();
                host = rs.getString(1).split("\\|", -1);
            } // closed before the update: a read left open would make the write fail at once (SQLITE_BUSY_SNAPSHOT)
            // when the gateway committed in between, whatever the busy timeout
            try (var ps = c.prepareStatement("UPDATE budget_grants SET host = ?")) {
                ps.setString(1, "another-container|" + host[1] + "|pid:[4026599999]");
                ps.executeUpdate();
            }
        }
    }

    @Test
    void aCrashedGatewaysGrantIsFreedByItsLockNotItsLease() throws Exception {
        String key;
        try (GatewayProcess first = serve.start(config, "first.log")) {
            key = budgetedKey(first);
            first.kill9();
        }
        asIfElsewhere();
        // a gateway that ran for a long time: its lock file is as old as it (the file is never written)
        try (var files = Files.list(store().resolveSibling("switchboard.db-gateways"))) {
            for (Path f : files.toList()) Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        }
        servedSoonAfterTheRestart(key, "CrashedGatewayGrantsIT");
    }
}
