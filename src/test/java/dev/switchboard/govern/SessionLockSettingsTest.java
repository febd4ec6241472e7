package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.LogCapture;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The WARN said when the lock's connection cannot bound its silence names the setting the server refused, each setting
 * refused once. Before (twenty-ninth session) one flag stood for both, so a server refusing both named only the first.
 * The connection is a JDBC stand-in (the driver's interfaces, not a component of ours) whose server knows only some
 * settings, as one before PostgreSQL 14 knows no {@code idle_session_timeout}.
 */
class SessionLockSettingsTest {
    /** A connection whose {@code SET} of any of {@code refused} fails as PostgreSQL's does for an unknown parameter. */
    private static Connection refusing(List<String> refused) {
        Statement st = (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("execute")) {
                        String sql = (String) args[0];
                        for (String s : refused) {
                            if (sql.contains(s)) throw new SQLException("unrecognized configuration parameter \"" + s + "\"", "42704");
                        }
                        return false;
                    }
                    return null; // close
                });
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, m, args) -> m.getName().equals("createStatement") ? st : null);
    }

    @Test
    void theWarningNamesEachSettingTheServerRefusedOnce() throws Exception {
        SessionLock.WARNED_SETTINGS.clear();
        try (LogCapture logs = LogCapture.of("switchboard.budget")) {
            SessionLock.bounded(refusing(List.of("tcp_user_timeout")));
            assertThat(logs.lines()).singleElement().satisfies(l -> {
                assertThat(l).startsWith("WARN").contains("cannot set tcp_user_timeout").doesNotContain("idle_session_timeout");
            });
            SessionLock.bounded(refusing(List.of("idle_session_timeout", "tcp_user_timeout"))); // a connection made again
            // before: the first refusal's flag silenced every later one, this setting's included
            assertThat(logs.lines()).as("the other setting refused: named too, the first not again").hasSize(2);
            assertThat(logs.lines().get(1)).contains("cannot set idle_session_timeout").doesNotContain("tcp_user_timeout");
        } finally {
            SessionLock.WARNED_SETTINGS.clear();
        }
    }
}
