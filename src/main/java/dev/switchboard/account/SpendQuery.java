package dev.switchboard.account;

/**
 * Filters of {@code /spend/logs} and the spend report. Null fields do not filter.
 *
 * @param keyId    a key's id ({@code key_…}, {@code master}, {@code anonymous})
 * @param keyAlias the key's alias at the time of the call
 * @param tag      one tag the call carried
 * @param model    the alias asked for, or the deployment that served ({@code provider/model})
 * @param fromMillis inclusive, by the time the call ended
 * @param toMillis exclusive
 * @param requestIds only these requests (the request log's matches for a trace or a session, or one request id); null
 *                   does not filter, an empty set matches nothing
 * @param moreTags   tags the call must carry besides {@code tag} (LiteLLM's {@code user_id} / {@code team_id} filters:
 *                   {@code user:<id>}, {@code team:<id>}); empty does not filter
 * @param minCostNanos inclusive, or null; @param maxCostNanos inclusive, or null (LiteLLM's {@code min_spend} / {@code max_spend})
 * @param app      the caller as the dashboard names it ({@link #appOf}): the key's alias at the time of the call, else
 *                 its key id ({@code master}, {@code anonymous}, {@code key_…})
 * @param endUser  the request's end user ({@code user}; LiteLLM's {@code customer_id})
 * @param keyIds   only the calls of these key ids (the dashboard's app filter: a live key, or the deleted keys that had an
 *                 alias); null does not filter, an empty set matches nothing
 */
public record SpendQuery(String keyId, String keyAlias, String tag, String model, Long fromMillis, Long toMillis,
                         java.util.Set<String> requestIds, java.util.List<String> moreTags, Long minCostNanos, Long maxCostNanos,
                         String app, String endUser, java.util.Set<String> keyIds) {
    public static final SpendQuery ALL = new SpendQuery(null, null, null, null, null, null);

    public SpendQuery {
        requestIds = requestIds == null ? null : java.util.Set.copyOf(requestIds);
        keyIds = keyIds == null ? null : java.util.Set.copyOf(keyIds);
        moreTags = moreTags == null ? java.util.List.of() : java.util.List.copyOf(moreTags);
    }

    public SpendQuery(String keyId, String keyAlias, String tag, String model, Long fromMillis, Long toMillis) {
        this(keyId, keyAlias, tag, model, fromMillis, toMillis, null, null, null, null, null, null, null);
    }

    /**
     * The name the dashboard gives a call's caller (its App column, its spend per app): the alias, else the key id. One
     * rule for the figures, the rows and the filter, so that a name the page shows is a name its filter finds.
     */
    public static String appOf(String keyId, String keyAlias) {
        return keyAlias != null && !keyAlias.isEmpty() ? keyAlias : keyId != null && !keyId.isEmpty() ? keyId : "(none)";
    }

    /** The same filters, narrowed to these requests. */
    public SpendQuery withRequestIds(java.util.Set<String> ids) {
        return new SpendQuery(keyId, keyAlias, tag, model, fromMillis, toMillis, ids, moreTags, minCostNanos, maxCostNanos, app, endUser, keyIds);
    }

    /** The same filters, narrowed to calls carrying these tags too and costing between these bounds (null: no bound). */
    public SpendQuery withTagsAndCost(java.util.List<String> tags, Long minNanos, Long maxNanos) {
        return new SpendQuery(keyId, keyAlias, tag, model, fromMillis, toMillis, requestIds, tags, minNanos, maxNanos, app, endUser, keyIds);
    }

    /** The same filters, narrowed to the calls of the app the dashboard names so ({@link #appOf}); null does not filter. */
    public SpendQuery withApp(String name) {
        return new SpendQuery(keyId, keyAlias, tag, model, fromMillis, toMillis, requestIds, moreTags, minCostNanos, maxCostNanos, name, endUser, keyIds);
    }

    /** The same filters, narrowed to the calls of this end user ({@code user}); null does not filter. */
    public SpendQuery withEndUser(String user) {
        return new SpendQuery(keyId, keyAlias, tag, model, fromMillis, toMillis, requestIds, moreTags, minCostNanos, maxCostNanos, app, user, keyIds);
    }

    /** The same filters, narrowed to the calls of these key ids (an empty set matches nothing); null does not filter. */
    public SpendQuery withKeyIds(java.util.Set<String> ids) {
        return new SpendQuery(keyId, keyAlias, tag, model, fromMillis, toMillis, requestIds, moreTags, minCostNanos, maxCostNanos, app, endUser, ids);
    }
}
