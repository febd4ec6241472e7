package dev.switchboard.edge.ui;

import dev.switchboard.account.SpendQuery;
import dev.switchboard.edge.admin.KeyLabel;
import dev.switchboard.govern.KeyAdmin;

/**
 * The Requests view's {@code app} filter: the name the overview and the App column give an app ({@link KeyLabel#app()}).
 * A live key's alias finds that key's calls by its id, whatever alias they were made under (a renamed key is one app, and
 * a new key that took an old alias is not mixed in); any other name (a key id, {@code master}, a deleted key's
 * "alias (deleted)") matches as before: the alias the call was made under, else its key id.
 */
final class AppFilter {
    private AppFilter() {}

    /** {@code query} narrowed to the app named {@code app}; null does not narrow. */
    static SpendQuery narrow(SpendQuery query, String app, KeyAdmin keys) {
        if (app == null) return query;
        String liveKey = keys.keyIdWithAlias(app);
        if (liveKey != null) {
            if (query.keyId() != null && !query.keyId().equals(liveKey)) return query.withApp("\u0000none"); // both cannot hold
            return new SpendQuery(liveKey, query.keyAlias(), query.tag(), query.model(), query.fromMillis(), query.toMillis(),
                    query.requestIds(), query.moreTags(), query.minCostNanos(), query.maxCostNanos(), null, query.endUser());
        }
        // a deleted key's name: its calls were made under that alias (a live key that had it once is a known blind spot:
        // the rollups and rows keep the alias at call time, not which key gave it up)
        return query.withApp(KeyLabel.withoutDeletedMark(app));
    }
}
