package dev.switchboard.govern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A key as every admin reader shows it, with its spend this period: {@code /key/info}, {@code /key/list} (and so the
 * dashboard's keys and {@code switchboard keys list}), the keys of {@code /user/info} and {@code /team/info}, and the
 * answers of key changes. One place, so no reader shows another figure.
 *
 * <p>The spend is the ledger's, read when asked, after this gateway's queued rows are written: the ledger holds every
 * gateway's calls on this database, so every gateway answers the same figure, as {@code /spend/logs} sums it. Not the
 * budget's own count ({@link Budget#spentKnown}): with several gateways that is what the store showed at this
 * gateway's last grant plus its own calls since, which may lag far behind (a gateway alone on a budget never asks the
 * store again that period). Another gateway's calls are in it once that gateway's ledger writer has written them
 * (within about a second). Blocks: admin reads on a worker, never the request path.
 */
final class KeySpends {
    private final KeyStore store;
    /** Writes what the ledger still queues (set by the pipeline, which owns the ledger). */
    private volatile Runnable flushLedger = () -> {};

    KeySpends(KeyStore store) { this.store = store; }

    void flushLedgerWith(Runnable flush) { this.flushLedger = flush; }

    /** One key as the admin API shows it. Blocks. */
    ObjectNode json(KeyState key, long nowMillis) { return json(List.of(key), nowMillis).get(0); }

    /** These keys as the admin API shows them, in the same order, their spend read in one grouped sum. Blocks. */
    List<ObjectNode> json(List<KeyState> keys, long nowMillis) {
        if (keys.isEmpty()) return new ArrayList<>();
        flushLedger.run();
        return jsonFlushed(keys, nowMillis);
    }

    /** These keys' spend this period by key id (as {@link #json} shows it), for a sort by spend. Blocks. */
    Map<String, Long> spent(List<KeyState> keys, long nowMillis) {
        if (keys.isEmpty()) return Map.of();
        flushLedger.run();
        List<VirtualKey> defs = new ArrayList<>(keys.size());
        for (KeyState s : keys) defs.add(s.key());
        return store.spentThisPeriod(defs, nowMillis);
    }

    /**
     * As {@link #json(List, long)}, for a caller that wrote the ledger's queue already: an admin request flushes it
     * once (each flush is a transaction), however many lists of keys it shows. Blocks.
     */
    List<ObjectNode> jsonFlushed(List<KeyState> keys, long nowMillis) {
        List<ObjectNode> out = new ArrayList<>(keys.size());
        if (keys.isEmpty()) return out;
        List<VirtualKey> defs = new ArrayList<>(keys.size());
        for (KeyState s : keys) defs.add(s.key());
        Map<String, Long> spent = store.spentThisPeriod(defs, nowMillis);
        for (KeyState s : keys) out.add(KeyJson.key(s, nowMillis, spent.getOrDefault(s.key().keyId(), 0L)));
        return out;
    }

    /**
     * The keys of each of these teams as the admin API shows them, by team id (a team without keys has an empty list),
     * their spend read in one grouped sum for all the teams: {@code /team/list} showed each team's keys with a flush
     * and a transaction of its own. The caller wrote the ledger's queue already. Blocks.
     */
    Map<String, List<ObjectNode>> byTeamFlushed(java.util.Collection<String> teamIds, List<KeyState> allKeys, long nowMillis) {
        java.util.Set<String> wanted = new java.util.HashSet<>(teamIds);
        List<KeyState> theirs = allKeys.stream().filter(s -> s.key().teamId() != null && wanted.contains(s.key().teamId())).toList();
        List<ObjectNode> shown = jsonFlushed(theirs, nowMillis);
        Map<String, List<ObjectNode>> out = new java.util.HashMap<>();
        for (String id : teamIds) out.put(id, new ArrayList<>());
        for (int i = 0; i < theirs.size(); i++) out.get(theirs.get(i).key().teamId()).add(shown.get(i));
        return out;
    }
}
