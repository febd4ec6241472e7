package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Database;
import dev.switchboard.support.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check's "serve would refuse to start" for a key of no telling shape: a virtual key generated with a secret of the
 * caller's own ({@code "key": "sk-team-…"}) exported as ANTHROPIC_API_KEY beside an ANTHROPIC_BASE_URL at the gateway.
 * serve refuses it once its store is open; check judged the key's shape only and said nothing. It now looks the key up in
 * a PostgreSQL store, read-only (the SQLite file is still not opened: StoreProbe#keyLookup).
 */
@Tag("services")
class CheckOwnKeyInStoreTest {
    private static final String OWN = "sk-team-own-secret-4d3c2b1a";
    private final String url = Postgres.freshSchemaUrl();

    @TempDir
    Path dir;

    @AfterEach
    void drop() { Postgres.drop(url); }

    private String check(String key) throws Exception {
        Path f = Files.writeString(dir.resolve("config.yaml"), """
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5 }
                general_settings: { master_key: sk-master-0123456789abcdef, database_url: "%s" }
                environment_variables: { ANTHROPIC_API_BASE: "", ANTHROPIC_BASE_URL: "http://127.0.0.1:4000", ANTHROPIC_API_KEY: "%s" }
                """.formatted(url, key));
        CliRun r = CliRun.of("check", "--config", f.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        return r.out();
    }

    private static void insertKey(String url) {
        Database db = Database.open(url, null);
        try {
            db.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO virtual_keys (key_id, token, key_name, key_alias, models, "
                        + "max_budget, soft_budget, budget_duration, budget_anchor, expires_at, rpm_limit, tpm_limit, max_parallel_requests, "
                        + "auto_tier, metadata, tags, blocked, created_at, updated_at, allowed_cache_controls) "
                        + "VALUES ('key_own', ?, 'sk-...1a', NULL, '[]', NULL, NULL, NULL, 1, NULL, NULL, NULL, NULL, NULL, '{}', '[]', "
                        + "FALSE, 1, 1, NULL)")) {
                    ps.setString(1, dev.switchboard.govern.KeySecrets.hash(OWN));
                    ps.executeUpdate();
                }
                return null;
            });
        } finally {
            db.close();
        }
    }

    @Test
    void aKeyTheStoreHoldsIsSaidWhateverItsShape() throws Exception {
        insertKey(url);
        assertThat(check(OWN)).contains("warning: serve would refuse to start: line 2: model_list entry 'claude'")
                .contains("a virtual key in this gateway's store").doesNotContain(OWN);
        assertThat(check("sk-ant-provider-0123456789")).as("a provider key: nothing to refuse")
                .doesNotContain("serve would refuse to start");
    }

    /**
     * A running serve's migration holding a lock on virtual_keys: the look-up used to wait on it for ever (Hikari's timeout
     * covers connecting only, pgjdbc's socketTimeout is 0). It now gives up after its query timeout, and says so.
     */
    @Test
    void aLockedKeyTableDoesNotHoldTheCheckAndIsSaid() throws Exception {
        insertKey(url);
        try (java.sql.Connection locker = dev.switchboard.support.Postgres.connect(url)) {
            locker.setAutoCommit(false);
            try (var st = locker.createStatement()) {
                st.execute("LOCK TABLE virtual_keys IN ACCESS EXCLUSIVE MODE");
            }
            String out = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> check(OWN));
            assertThat(out).contains("warning: could not look the exported key up in the store (")
                    .contains("); judged by its shape only").doesNotContain(OWN).doesNotContain("serve would refuse to start");
            locker.rollback();
        }
    }
}
