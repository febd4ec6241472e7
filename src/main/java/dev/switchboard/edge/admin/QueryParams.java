package dev.switchboard.edge.admin;

import dev.switchboard.model.GatewayException;
import io.vertx.core.http.HttpServerRequest;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks every read of the admin API, the request log's and the dashboard's puts its query through: a query string
 * with a bad %-escape, and a parameter the route does not take, are the client's mistakes, answered as a 400 naming them
 * (not the decoder's exception as a 500, not a filter silently ignored).
 */
public final class QueryParams {
    private QueryParams() {}

    /** A query string with a bad %-escape is the client's mistake: a 400 naming it, not the decoder's exception (a 500). */
    public static void readable(HttpServerRequest q) {
        try {
            q.params();
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("The query string cannot be read: " + dev.switchboard.model.LogSafe.text(
                    String.valueOf(e.getMessage())) + ". Escape '%' as %25.", null);
        }
    }

    /**
     * A parameter not in {@code known} is a 400 naming it and the known ones. On a route with a path parameter
     * ({@code /logs/:request_id}) Vert.x Web adds that parameter to the request's: use {@link #only(io.vertx.core.MultiMap, Set)}
     * with the query's own there, or a query {@code request_id} beside the path's passes as the path's.
     */
    public static void only(HttpServerRequest q, Set<String> known) {
        only(q.params(), known);
    }

    /** {@link #only(HttpServerRequest, Set)} of the query's own parameters ({@code RoutingContext.queryParams()}). */
    public static void only(io.vertx.core.MultiMap query, Set<String> known) {
        for (String name : query.names()) {
            if (!known.contains(name)) {
                throw GatewayException.badRequest("Unknown query parameter '" + name + "'. Known: " + new TreeSet<>(known) + ".", name);
            }
        }
    }
}
