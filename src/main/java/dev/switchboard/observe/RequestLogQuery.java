package dev.switchboard.observe;

/**
 * Filters of the request log. Null fields do not filter.
 *
 * @param status     {@code ok} (status 200), {@code error} (anything else), or a status number
 * @param route      {@code primary}, {@code fallback} (any reason) or {@code fallback:<reason>}
 * @param fromMillis inclusive, by the time the call ended
 * @param toMillis   exclusive
 */
public record RequestLogQuery(String keyId, String keyAlias, String traceId, String sessionId, String model, String status,
                              String cacheStatus, String route, String tag, Long fromMillis, Long toMillis) {
    public static final RequestLogQuery ALL = new RequestLogQuery(null, null, null, null, null, null, null, null, null, null, null);
}
