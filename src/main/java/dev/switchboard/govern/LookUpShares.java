package dev.switchboard.govern;

import java.util.HashMap;
import java.util.Map;

/**
 * The store look-ups for keys this gateway does not know ({@link KeyAdmin#lookUp}), shared between client addresses so
 * that invented keys from several addresses cannot starve a legitimate new key's look-up until the next key sync.
 *
 * <p>Two bounds: places (look-ups queued or running at once) and misses (look-ups the store answers "no such key"
 * between two syncs; a look-up that finds its key gives its miss back). The misses are two pools of half each: the
 * <em>first</em> pool gives an address its first miss of a sync, and nothing more; the <em>shared</em> pool serves an
 * address's later ones. An address holds at most {@code max(1, half / addresses)} misses in all, where
 * {@code addresses} counts the addresses holding misses this sync, itself included: alone it gets half the gateway's
 * misses, with two a quarter each, and so on. So flooding addresses spend at most one miss each of the first pool: a
 * new client's look-up finds one left unless half as many addresses as the gateway has misses flood within one sync
 * (16 at the default 32); before, three addresses spent all 32. An address is {@code AuthThrottle.group}'s (an IPv6
 * one by its /64), so one holder of a wider block (an IPv6 /48, an IPv4 /24) is many addresses: the first pool gives at
 * most one miss at a time to each such block ({@link #prefix}), and a new client outside the flooders' blocks finds a
 * look-up unless 16 blocks flood within one sync. The places: one address holds at most
 * {@code perClient}; one that already holds a place takes another only while {@code kept} are free, which stay for
 * addresses with none running.
 *
 * <p>One lock, held for a few field updates: only a call whose key this gateway does not know comes here. An address
 * is in the table only while it holds a place or a miss, so the table holds at most places + misses entries.
 */
final class LookUpShares {
    /** What {@link #enter} took: given back by {@link #end}. */
    record Taken(String client, boolean first, long sync) {}

    /** An address's places and misses. */
    private static final class Client {
        int running;
        boolean first;
        int shared;

        boolean empty() { return running == 0 && !first && shared == 0; }

        boolean holdsMisses() { return first || shared > 0; }
    }

    private final int half, sharedPool, maxRunning, perClient, kept;
    private final Map<String, Client> clients = new HashMap<>();
    /** The wider blocks ({@link #prefix}) whose address holds a miss of the first pool this sync: one each at most. */
    private final java.util.Set<String> firstBlocks = new java.util.HashSet<>();
    private int firstLeft, sharedLeft, running, holding;
    /** Counts the syncs: what was taken before the last one is not given back to the pools it refilled. */
    private long sync;

    /**
     * @param missesPerSync the gateway's misses between two syncs (half in each pool)
     * @param maxRunning    the look-ups queued or running at once
     * @param perClient     an address's look-ups queued or running at once
     * @param kept          places an address that already has one running cannot take
     */
    LookUpShares(int missesPerSync, int maxRunning, int perClient, int kept) {
        this.half = missesPerSync / 2;
        this.maxRunning = maxRunning;
        this.perClient = perClient;
        this.kept = kept;
        this.sharedPool = missesPerSync - half;
        this.firstLeft = half;
        this.sharedLeft = sharedPool;
    }

    /**
     * A place and a miss for a look-up from {@code client} (an address group; "" when none is known), or null: refused,
     * nothing taken.
     */
    synchronized Taken enter(String client) {
        Client c = clients.get(client);
        int mine = c == null ? 0 : c.running;
        if (running >= maxRunning || mine >= perClient || (mine > 0 && running >= maxRunning - kept)) return null;
        boolean holds = c != null && c.holdsMisses();
        int addresses = holding + (holds ? 0 : 1);
        int cap = Math.max(1, half / addresses);
        int held = c == null ? 0 : (c.first ? 1 : 0) + c.shared;
        if (held >= cap) return null;
        String block = null;
        boolean first = (c == null || !c.first) && firstLeft > 0 && !firstBlocks.contains(block = prefix(client));
        if (!first && sharedLeft <= 0) return null;
        if (c == null) clients.put(client, c = new Client());
        if (first) {
            firstLeft--;
            c.first = true;
            firstBlocks.add(block);
        } else {
            sharedLeft--;
            c.shared++;
        }
        if (!holds) holding++;
        c.running++;
        running++;
        return new Taken(client, first, sync);
    }

    /**
     * The look-up ended: its place is given back, and its miss when {@code missed} is false (the key was found, or
     * another call's look-up of the same secret answers this one).
     */
    synchronized void end(Taken t, boolean missed) {
        Client c = clients.get(t.client());
        running--;
        if (c == null) return; // not possible: an entry holding a place stays
        c.running--;
        if (!missed && t.sync() == sync) {
            boolean held = c.holdsMisses();
            if (t.first() && c.first) {
                c.first = false;
                firstLeft++;
                firstBlocks.remove(prefix(t.client()));
            } else if (!t.first() && c.shared > 0) {
                c.shared--;
                sharedLeft++;
            }
            if (held && !c.holdsMisses()) holding--;
        }
        if (c.empty()) clients.remove(t.client());
    }

    /** The store was read whole: every pool full again, and no address holds a miss (places in use stay held). */
    synchronized void synced() {
        sync++;
        firstLeft = half;
        sharedLeft = sharedPool;
        holding = 0;
        firstBlocks.clear();
        clients.values().removeIf(c -> {
            c.first = false;
            c.shared = 0;
            return c.empty();
        });
    }

    /**
     * The wider block an address group belongs to, which one holder commonly has whole: an IPv4 address's /24 (its
     * first three numbers), an IPv6 group's /48 (its first three groups of four hex digits; {@code AuthThrottle.group}
     * writes a /64 as {@code 2001:db8:1:2::/64}); anything else (none known: "") as it is.
     */
    static String prefix(String client) {
        int colon = client.indexOf(':');
        if (colon >= 0) {
            int second = client.indexOf(':', colon + 1);
            int third = second < 0 ? -1 : client.indexOf(':', second + 1);
            return third < 0 ? client : client.substring(0, third);
        }
        int dot = client.lastIndexOf('.');
        return dot < 0 ? client : client.substring(0, dot);
    }

    /** Look-ups queued or running now. */
    synchronized int running() { return running; }
}
