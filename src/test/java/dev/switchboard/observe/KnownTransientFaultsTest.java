package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** QA F5: the client libraries' stack traces for a connection lost for a reason that passes go; nothing else does. */
class KnownTransientFaultsTest {
    private static final LoggerContext CONTEXT = new LoggerContext();
    private final KnownTransientFaults filter = new KnownTransientFaults();

    private static LoggingEvent event(String logger, Level level, String message, Throwable t, Object... args) {
        Logger l = CONTEXT.getLogger(logger);
        return new LoggingEvent(Logger.class.getName(), l, level, message, t, args);
    }

    @Test
    void redisSocketErrorsOnAPooledConnectionAreDropped() {
        assertThat(filter.decide(event(KnownTransientFaults.REDIS_CONNECTIONS, Level.ERROR, "Unhandled Error",
                new IOException("io_uring read(..) failed with error(-104): Connection reset by peer")))).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event(KnownTransientFaults.REDIS_CONNECTIONS, Level.ERROR, "Unhandled Error",
                new ClosedChannelException()))).isEqualTo(FilterReply.DENY);
        // Vert.x's own exception for a connection closed under a waiting command (QA: after every check of a
        // redis-semantic config)
        assertThat(filter.decide(event(KnownTransientFaults.REDIS_CONNECTIONS, Level.ERROR, "Unhandled Error",
                new io.vertx.core.VertxException("Connection was closed", true)))).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event(KnownTransientFaults.REDIS_CONNECTIONS, Level.ERROR, "Unhandled Error",
                new io.vertx.core.VertxException("NOAUTH Authentication required")))).isEqualTo(FilterReply.NEUTRAL);
        // anything else there is not an outage: kept
        assertThat(filter.decide(event(KnownTransientFaults.REDIS_CONNECTIONS, Level.ERROR, "Unhandled Error",
                new IllegalStateException("RESP parse error")))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event("io.vertx.redis.client.impl.RedisStandaloneConnection", Level.ERROR, "Unhandled Error",
                new IOException("reset")))).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void hikariLinesForAConnectionTheServerEndedAreDroppedOthersKept() {
        String broken = "{} - Connection {} marked as broken because of SQLSTATE({}), ErrorCode({})";
        SQLException ended = new SQLException("FATAL: terminating connection due to administrator command", "57P01");
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT INTO spend_daily", "08006", 0, new int[0], ended);
        assertThat(filter.decide(event(KnownTransientFaults.HIKARI_CONNECTION, Level.WARN, broken, ended,
                "switchboard-store", "PgConnection@1", "57P01", 0))).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event(KnownTransientFaults.HIKARI_CONNECTION, Level.WARN, broken, batch,
                "switchboard-store", "PgConnection@1", "08006", 0))).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event(KnownTransientFaults.HIKARI_CONNECTION, Level.WARN, broken,
                new SQLException("FATAL: password authentication failed", "28P01"), "switchboard-store", "PgConnection@1", "28P01", 0)))
                .as("a refused login is not a passing fault").isEqualTo(FilterReply.NEUTRAL);

        String validate = "{} - Failed to validate connection {} ({}). Possibly consider using a shorter maxLifetime value.";
        assertThat(filter.decide(event(KnownTransientFaults.HIKARI_POOL_BASE, Level.WARN, validate, null,
                "switchboard-store", "PgConnection@2", "This connection has been closed.")))
                .as("the pool drops it and opens another").isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event(KnownTransientFaults.HIKARI_POOL_BASE, Level.WARN, validate, null,
                "switchboard-store", "PgConnection@2", "Some other failure"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event("com.zaxxer.hikari.HikariPool", Level.WARN, "{} - Thread starvation or clock leap detected",
                null, "switchboard-store"))).isEqualTo(FilterReply.NEUTRAL);
    }
}
