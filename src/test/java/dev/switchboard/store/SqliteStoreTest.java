package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite file, plus what only SQLite has: WAL mode and a path that cannot be opened. */
class SqliteStoreTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    Database open() { return track(Database.open(null, dir.resolve("switchboard.db").toString())); }

    @Override
    Database.Kind kind() { return Database.Kind.SQLITE; }

    @Test
    void theFileIsInWalModeSoReadersNeverWaitForTheLedgerWriter() {
        Database db = open();
        String mode = db.transaction(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(mode).isEqualToIgnoringCase("wal");
        assertThat(db.description()).isEqualTo("SQLite at " + dir.resolve("switchboard.db").toAbsolutePath());
        assertThat(Files.exists(dir.resolve("switchboard.db"))).isTrue();
    }

    @Test
    void aPathThatCannotBeOpenedIsAClearErrorNamingIt() {
        String path = dir.resolve("no-such-dir/sub/switchboard.db").toString();
        assertThatThrownBy(() -> Database.open(null, path))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot open the store (SQLite at " + path + ")")
                .hasMessageContaining("Fix: make sure the directory exists");
    }
}
