package dev.switchboard.edge.ui;

import dev.switchboard.account.SpendQuery;
import dev.switchboard.edge.admin.KeyLabel;
import dev.switchboard.govern.KeyAdmin;
import dev.switchboard.observe.RequestLogQuery;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Requests view's {@code app} filter: the name the overview and the App column give an app ({@link KeyLabel#app()}).
 * <ul>
 * <li>a live key's alias finds that key's calls by its id, whatever alias they were made under (a renamed key is one
 *     app, and a new key that took an old alias is not mixed in);</li>
 * <li>a key id ({@code key_} and 24 hex digits, as the gateway makes them; no alias has that form in practice) finds
 *     that key's calls, live or deleted, whatever alias they had;</li>
 * <li>a deleted key's {@code alias (deleted)} finds the calls made under that alias by keys that no longer exist, so
 *     not those of the live key that took the alias since (QA run A, finding 2: the rotation by a new key of the same
 *     name mixed both);</li>
 * <li>any other name ({@code master}, {@code anonymous}, a JWT caller) matches the alias the call was made under, else
 *     its key id ({@link SpendQuery#appOf}).</li>
 * </ul>
 */
final class AppFilter {
    private static final Pattern KEY_ID = Pattern.compile("key_[0-9a-f]{24}");

    private AppFilter() {}

    /**
     * {@code query} narrowed to the app named {@code app}; null does not narrow. Blocking (a deleted key's name reads
     * which keys made calls under its alias).
     *
     * @param keyIdsCalledAs the key ids whose calls were made under an alias ({@code SpendReports.keyIdsCalledAs})
     */
    static SpendQuery narrow(SpendQuery query, String app, KeyAdmin keys, Function<String, Set<String>> keyIdsCalledAs) {
        if (app == null) return query;
        String liveKey = keys.keyIdWithAlias(app);
        if (liveKey != null) return query.withKeyIds(Set.of(liveKey));
        String name = KeyLabel.withoutDeletedMark(app);
        if (KEY_ID.matcher(name).matches()) return query.withKeyIds(Set.of(name));
        if (!name.equals(app)) {
            // the keys named "name (deleted)" are those no longer stored that made calls under that alias
            Set<String> deleted = keyIdsCalledAs.apply(name).stream()
                    .filter(id -> KeyLabel.of(keys, id, name).deleted()).collect(Collectors.toSet());
            return query.withApp(name).withKeyIds(deleted);
        }
        return query.withApp(app);
    }

    /**
     * The request log's filter for the same app, model, tag and time as {@code q} (narrowed by {@link #narrow}), and
     * {@code status}: each of the query's filters as it is (a key id, the set of key ids of an app, the app's name), all
     * of them applied, as the ledger's view applies them, so a deleted app with no deleted key finds nothing and a key id
     * beside an app is not dropped.
     */
    static RequestLogQuery logQuery(SpendQuery q, String status) {
        return new RequestLogQuery(q.keyId(), q.keyAlias(), null, null, q.model(), status, null, null, q.tag(), q.fromMillis(),
                q.toMillis(), q.app(), q.keyIds());
    }
}
