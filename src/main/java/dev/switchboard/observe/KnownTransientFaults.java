package dev.switchboard.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import java.sql.SQLException;

/**
 * Drops the client libraries' own lines about a store's connection that failed for a reason that passes, each of
 * which came with a stack trace (QA F5: a Redis outage logged {@code ERROR RedisConnectionManager - Unhandled Error}
 * with Netty's exceptions; every PostgreSQL termination logged HikariCP's "marked as broken" with the JDBC trace, and
 * "Possibly consider using a shorter maxLifetime value", which is not the remedy). The failure itself still reaches the
 * command or the transaction that met it, and the gateway says the outage in one WARN and its end in one INFO
 * ({@code store.StoreOutage}). Matched narrowly, by logger, message and cause: any other line of these loggers, and
 * these lines for any other cause (a protocol error, a refused login, a bug), still get through.
 */
public final class KnownTransientFaults extends Filter<ILoggingEvent> {
    static final String REDIS_CONNECTIONS = "io.vertx.redis.client.impl.RedisConnectionManager";
    static final String HIKARI_CONNECTION = "com.zaxxer.hikari.pool.ProxyConnection";
    static final String HIKARI_POOL_BASE = "com.zaxxer.hikari.pool.PoolBase";

    @Override
    public FilterReply decide(ILoggingEvent e) {
        return known(e) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    static boolean known(ILoggingEvent e) {
        String logger = e.getLoggerName();
        String message = e.getMessage() == null ? "" : e.getMessage();
        Throwable cause = e.getThrowableProxy() instanceof ThrowableProxy p ? p.getThrowable() : null;
        return switch (logger) {
            // a pooled Redis connection's socket reset or closed: its commands fail, and the cache says so once
            case REDIS_CONNECTIONS -> message.equals("Unhandled Error") && (cause instanceof IOException || closed(cause));
            // a connection the server ended or the network lost (SQLSTATE 08, 57, 53): the pool replaces it
            case HIKARI_CONNECTION -> message.contains("marked as broken") && transientState(cause);
            // a pooled connection found already closed when checked out: the pool drops it and opens another
            case HIKARI_POOL_BASE -> message.startsWith("{} - Failed to validate connection")
                    && e.getArgumentArray() != null && e.getArgumentArray().length > 2
                    && String.valueOf(e.getArgumentArray()[2]).contains("has been closed");
            default -> false;
        };
    }

    /**
     * Vert.x's own "Connection was closed" (not an IOException): a Redis connection closed while a command or its
     * handshake waited on it. QA (low): {@code check} of a {@code redis-semantic} config logged it as ERROR after every
     * run, the shared stream's connection closed as the gateway built for the check was closed at once (its tail read
     * has a handler of its own now, but a connection still in its handshake has only the client's default one).
     */
    private static boolean closed(Throwable t) {
        return t instanceof io.vertx.core.VertxException && "Connection was closed".equals(t.getMessage());
    }

    private static boolean transientState(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException s) {
                String state = s.getSQLState();
                // not 08P01, a protocol violation: a fault of the driver or the server, not a lost connection
                if (state != null && !state.equals("08P01")
                        && (state.startsWith("08") || state.startsWith("57") || state.startsWith("53"))) return true;
            }
        }
        return false;
    }

}
