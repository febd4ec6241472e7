package dev.switchboard.edge.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.account.SpendReports;
import dev.switchboard.govern.KeyAdmin;
import dev.switchboard.model.GatewayException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code /global/spend/report?group_by=key_metadata.<field>}: the report by key folded by one field of each key's
 * current {@code metadata}, so "which app spent the most" is one answer when an app has several keys (a prod and a dev
 * key, each with {@code metadata: {app: notes-app}}, as LiteLLM users label keys): by key the app was split over rows
 * and by tag a key without the tag was missing (QA, fortieth session). A key without the field is in {@code (none)}, a
 * deleted key's spend (its metadata is gone with it) in {@code (deleted keys)}; each group lists its keys' aliases.
 * Those two are marked {@code "placeholder": true}: an app whose metadata really says {@code "(none)"} is a group of its
 * own, not merged into the keys without the field.
 */
final class KeyMetadataGroups {
    static final String PREFIX = "key_metadata.";
    static final String NONE = "(none)";
    static final String DELETED = "(deleted keys)";

    private final KeyAdmin keys;
    private final String field;
    /** A group: the field's value, or a placeholder name (no value, deleted keys) that no value can be mistaken for. */
    private record Group(String name, boolean placeholder) {}

    private final Map<Group, long[]> sums = new LinkedHashMap<>();
    private final Map<Group, TreeSet<String>> aliases = new LinkedHashMap<>();

    private KeyMetadataGroups(KeyAdmin keys, String field) {
        this.keys = keys;
        this.field = field;
    }

    /** The field named by {@code group_by}, null when it names another grouping; a 400 for an empty or odd name. */
    static String field(String groupBy) {
        if (groupBy == null || !groupBy.startsWith(PREFIX)) return null;
        String f = groupBy.substring(PREFIX.length());
        if (!f.matches("[A-Za-z0-9_\\-]{1,64}")) {
            throw GatewayException.badRequest("'group_by' key_metadata. must be followed by the name of a field of the keys' "
                    + "metadata (letters, digits, _ and -, at most 64), e.g. key_metadata.app; found '" + groupBy + "'.", "group_by");
        }
        return f;
    }

    static KeyMetadataGroups of(KeyAdmin keys, String field) {
        return new KeyMetadataGroups(keys, field);
    }

    /** Adds one key's total to its group. */
    void add(SpendReports.Total t, KeyLabel key) {
        String value = keys.metadataField(t.group(), field);
        // no key has the id: a deleted key's rows, or the master key's and JWT callers' (which never had metadata)
        Group group = value == null ? new Group(key.deleted() ? DELETED : NONE, true)
                : value.isEmpty() ? new Group(NONE, true) : new Group(value, false);
        long[] s = sums.computeIfAbsent(group, g -> new long[7]);
        long[] n = {t.costNanos(), t.requests(), t.failedAttempts(), t.promptTokens(), t.completionTokens(), t.cacheReadTokens(),
                t.unpricedRequests()};
        for (int i = 0; i < n.length; i++) s[i] += n[i];
        aliases.computeIfAbsent(group, g -> new TreeSet<>()).add(key.app());
    }

    /** The groups, the most expensive first, each with its keys' names ({@code keys}: alias, else key id). */
    void writeTo(ArrayNode groups) {
        List<Group> order = new ArrayList<>(sums.keySet());
        order.sort(Comparator.<Group>comparingLong(g -> -sums.get(g)[0]).thenComparing(Group::name)
                .thenComparing(Group::placeholder));
        for (Group g : order) {
            long[] s = sums.get(g);
            var o = groups.addObject();
            o.put("group", g.name());
            if (g.placeholder()) o.put("placeholder", true);
            var names = o.putArray("keys");
            aliases.get(g).forEach(names::add);
            o.put("spend", SpendJson.usd(s[0]));
            o.put("requests", s[1]);
            o.put("failed_attempts", s[2]);
            o.put("prompt_tokens", s[3]);
            o.put("completion_tokens", s[4]);
            o.put("cache_read_tokens", s[5]);
            o.put("unpriced_requests", s[6]);
        }
    }
}
