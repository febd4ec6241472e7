package dev.switchboard.account;

import dev.switchboard.store.Database;
import dev.switchboard.support.Postgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The rollup contract on PostgreSQL (the {@code services} profile), in a schema of its own. */
@Tag("services")
class PostgresRollupTest extends RollupContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    Database open() { return Database.open(url, null); }

    @Override
    Connection openAt(String version) throws SQLException {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        Flyway.configure().dataSource(new OneConnection(() -> Postgres.connect(url))).schemas(schema).createSchemas(true)
                .locations("classpath:db/migration").target(version).load().migrate();
        return Postgres.connect(url);
    }

    @Override
    Database reopen() { return Database.open(url, null); }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }

    /** A DataSource over {@link Postgres#connect} (trust auth, the schema's search path). */
    private record OneConnection(ConnectionSupplier open) implements javax.sql.DataSource {
        interface ConnectionSupplier { Connection get() throws SQLException; }

        @Override public Connection getConnection() throws SQLException { return open.get(); }
        @Override public Connection getConnection(String user, String password) throws SQLException { return open.get(); }
        @Override public java.io.PrintWriter getLogWriter() { return null; }
        @Override public void setLogWriter(java.io.PrintWriter out) {}
        @Override public void setLoginTimeout(int seconds) {}
        @Override public int getLoginTimeout() { return 0; }
        @Override public java.util.logging.Logger getParentLogger() { return java.util.logging.Logger.getGlobal(); }
        @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("not a wrapper"); }
        @Override public boolean isWrapperFor(Class<?> iface) { return false; }
    }
}
