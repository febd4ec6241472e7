package dev.switchboard.edge.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.admin.KeyLabel;
import dev.switchboard.govern.KeyAdmin;
import dev.switchboard.observe.RequestLogStore.Refused;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The overview's refused and failed requests of the period, per app, by status: a request refused by a key's budget,
 * rate limit, allowlist or expiry (or failed on every attempt) has no ledger row, so the rollups never saw it, and "why
 * is my app failing?" was not answered on the first page (QA, thirty-fifth session). From the request log: an app is
 * named as the other figures name it ({@link KeyLabel}: a key by id, its alias now; else the alias the call was made
 * under, as {@code master}), most refused first. A refusal before a key authenticated has no key and no row here.
 */
final class RefusedFigure {
    private RefusedFigure() {}

    static ObjectNode of(List<Refused> rows, KeyAdmin keys, boolean logEnabled) {
        // one app a key id; a row without a key (master, anonymous, a JWT) is its alias's
        Map<String, long[]> total = new HashMap<>();
        Map<String, Map<Integer, Long>> byStatus = new HashMap<>();
        Map<String, KeyLabel> labels = new HashMap<>();
        long all = 0;
        for (Refused r : rows) {
            String id = r.keyId() == null || r.keyId().isEmpty() ? "alias:" + r.keyAlias() : r.keyId();
            labels.computeIfAbsent(id, x -> KeyLabel.of(keys, r.keyId() == null ? "" : r.keyId(), r.keyAlias()));
            total.computeIfAbsent(id, x -> new long[1])[0] += r.requests();
            byStatus.computeIfAbsent(id, x -> new TreeMap<>()).merge(r.status(), r.requests(), Long::sum);
            all += r.requests();
        }
        ObjectNode o = DashboardFigures.JSON.createObjectNode();
        o.put("total", all);
        o.put("log_enabled", logEnabled);
        ArrayNode apps = o.putArray("apps");
        total.entrySet().stream()
                .sorted(java.util.Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[0])
                        .thenComparing(e -> labels.get(e.getKey()).app()))
                .forEach(e -> {
                    ObjectNode a = apps.addObject();
                    KeyLabel l = labels.get(e.getKey());
                    a.put("app", l.app());
                    a.put("key_id", l.keyId());
                    a.put("deleted", l.deleted());
                    a.put("refused", e.getValue()[0]);
                    ObjectNode st = a.putObject("by_status");
                    byStatus.get(e.getKey()).forEach((k, v) -> st.put(String.valueOf(k), v));
                });
        return o;
    }
}
