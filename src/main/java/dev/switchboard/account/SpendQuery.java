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
 */
public record SpendQuery(String keyId, String keyAlias, String tag, String model, Long fromMillis, Long toMillis) {
    public static final SpendQuery ALL = new SpendQuery(null, null, null, null, null, null);
}
