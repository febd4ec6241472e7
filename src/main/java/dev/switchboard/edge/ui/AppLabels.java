package dev.switchboard.edge.ui;

import dev.switchboard.account.SpendRollups.Daily;
import dev.switchboard.edge.admin.KeyLabel;
import dev.switchboard.govern.KeyAdmin;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The overview's apps: one per key id, named by {@link KeyLabel} (the key's alias now; a deleted key's last alias,
 * marked). The rollups keep the alias each call was made under, so grouping by it split a renamed key in two and merged
 * a new key that took an old alias into the old key's figures (QA run D, finding 1).
 */
final class AppLabels {
    private final KeyAdmin keys;
    /** Per key id, the alias of its latest rollup day that has one: what a deleted key is still called. */
    private final Map<String, String> lastAlias = new HashMap<>();
    private final Map<String, Long> lastAliasDay = new HashMap<>();
    private final Map<String, KeyLabel> labels = new HashMap<>();

    AppLabels(KeyAdmin keys, List<Daily> rows) {
        this.keys = keys;
        for (Daily d : rows) {
            if (d.keyAlias().isEmpty()) continue;
            Long seen = lastAliasDay.get(d.keyId());
            // within one day two aliases cannot be ordered: the greater name wins, so the answer does not depend on row order
            if (seen == null || d.day() > seen || (d.day() == seen && d.keyAlias().compareTo(lastAlias.get(d.keyId())) > 0)) {
                lastAliasDay.put(d.keyId(), d.day());
                lastAlias.put(d.keyId(), d.keyAlias());
            }
        }
    }

    KeyLabel of(String keyId) { return labels.computeIfAbsent(keyId, id -> KeyLabel.of(keys, id, lastAlias.get(id))); }

    /** The alias a key's calls were made under last (rollup days), or null. */
    String lastAlias(String keyId) { return lastAlias.get(keyId); }
}
