package dev.switchboard.observe;

import java.util.Set;

/**
 * Filters of the request log. Null fields do not filter; the filters that are given are all applied (ANDed).
 *
 * @param status     {@code ok} (status 200), {@code error} (anything else), or a status number
 * @param route      {@code primary}, {@code fallback} (any reason) or {@code fallback:<reason>}
 * @param fromMillis inclusive, by the time the call ended
 * @param toMillis   exclusive
 * @param app        the dashboard's app name as {@code SpendQuery.appOf} gives it: the alias, else (none) the key id
 * @param keyIds     the rows of any of these keys (as {@code SpendQuery.keyIds}); an empty set matches no row
 */
public record RequestLogQuery(String keyId, String keyAlias, String traceId, String sessionId, String model, String status,
                              String cacheStatus, String route, String tag, Long fromMillis, Long toMillis, String app,
                              Set<String> keyIds) {
    public static final RequestLogQuery ALL = new RequestLogQuery(null, null, null, null, null, null, null, null, null, null, null);

    public RequestLogQuery(String keyId, String keyAlias, String traceId, String sessionId, String model, String status,
                           String cacheStatus, String route, String tag, Long fromMillis, Long toMillis) {
        this(keyId, keyAlias, traceId, sessionId, model, status, cacheStatus, route, tag, fromMillis, toMillis, null, null);
    }
}
