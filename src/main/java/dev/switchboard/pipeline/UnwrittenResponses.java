package dev.switchboard.pipeline;

import dev.switchboard.model.StoredResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stored responses whose write the store refused (down, or failing), each kept with how to write it until a write
 * succeeds: the client was told its answer is stored, and a {@code GET} or a {@code previous_response_id} must find it
 * while the store is briefly away, not a 404 once the bounded memory copy is gone. Only the latest state of an id is
 * kept (a background response's end replaces its running row not yet written).
 *
 * <p>Bounded: at most {@link #MAX_RESPONSES} responses and {@link #MAX_CHARS} characters of their bodies and
 * conversations; beyond that the oldest is given up (logged, counted in {@link #lost}). Used on the responses worker
 * thread only (one thread: no locks), but for the two counters, which any thread may read.
 */
final class UnwrittenResponses {
    /** How a kept response is written when the store answers again. */
    enum Write {
        /** A new row, ended (no runner): an answer, or a background response whose running row was never written. */
        INSERT,
        /** A new row of a background response still running here. */
        INSERT_RUNNING,
        /** A background response's end over its running row (unless another end came first). */
        SETTLE
    }

    /**
     * One kept write; {@code strikes}: the rounds it was refused (not transiently) while the store wrote others;
     * {@code slips}: the rounds it failed transiently while the store wrote others (a row too large for a disk the smaller
     * ones still fit on); {@code tried}: a try of it (or of an older state of its id) failed, so it may have committed.
     */
    record Kept(StoredResponse response, Write how, int strikes, int slips, boolean tried) {
        long chars() { return response.body().length() + (long) response.conversation().length(); }
    }

    /** The most responses kept (the memory copies of the newest answers are as many). */
    static final int MAX_RESPONSES = 10_000;
    /** The most characters kept (about 2 bytes a char: 64 MiB). */
    static final long MAX_CHARS = 32L << 20;
    /** A write refused this many rounds while the store wrote others is given up: the store will not take it. */
    static final int MAX_STRIKES = 5;
    /**
     * A write failing transiently this many rounds while the store wrote others is given up: higher than
     * {@link #MAX_STRIKES}, since a store failing over just after a round's last write slips the next row once, unfairly.
     */
    static final int MAX_SLIPS = 20;
    /** The most ids given up remembered ({@link #givenUp}): as many as are kept. */
    static final int MAX_GIVEN_UP = MAX_RESPONSES;

    private final int maxResponses;
    private final long maxChars;
    private final LinkedHashMap<String, Kept> kept = new LinkedHashMap<>();
    private long chars;
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong rewritten = new AtomicLong();
    /**
     * The ids given up lately (the bound, or struck out), oldest first, at most {@link #MAX_GIVEN_UP}: a later state of one
     * (a background response's end after its running row was given up) is not kept, so it is not counted lost twice.
     */
    private final LinkedHashMap<String, Boolean> givenUp = new LinkedHashMap<>();

    UnwrittenResponses() { this(MAX_RESPONSES, MAX_CHARS); }

    UnwrittenResponses(int maxResponses, long maxChars) {
        this.maxResponses = maxResponses;
        this.maxChars = maxChars;
    }

    /** Responses kept now (any thread). */
    int size() { return size.get(); }

    /** Responses given up since start: the bound was reached, or the store refused them for good (any thread). */
    long lost() { return lost.get(); }

    /** Responses written on a later try since start (any thread). */
    long rewritten() { return rewritten.get(); }

    boolean isEmpty() { return kept.isEmpty(); }

    /** The kept write of this id, or null. */
    Kept get(String id) { return kept.get(id); }

    /**
     * Keeps a write of {@code r}, or the newer state of an id already kept (a running row not yet written whose end came
     * is written as an ended row). The oldest kept responses given up to stay within the bounds are returned (never
     * this one, but for an id given up before: then only {@code r}, not kept and not counted lost again).
     * {@code tried}: its write was tried and failed (not kept untried while the store is away).
     */
    List<StoredResponse> keep(StoredResponse r, Write how, boolean tried) {
        if (givenUp.containsKey(r.id())) return List.of(r);
        Kept before = kept.remove(r.id());
        if (before != null) {
            chars -= before.chars();
            if (before.how() == Write.SETTLE) how = Write.SETTLE; // its running row is in the table: settle it
            else if (how != Write.INSERT_RUNNING) how = Write.INSERT; // its first row is not: insert the newest state
        }
        Kept k = before == null ? new Kept(r, how, 0, 0, tried)
                : new Kept(r, how, before.strikes(), before.slips(), tried || before.tried());
        kept.put(r.id(), k);
        chars += k.chars();
        List<StoredResponse> dropped = new ArrayList<>(0);
        Iterator<Map.Entry<String, Kept>> oldest = kept.entrySet().iterator();
        while ((kept.size() > maxResponses || chars > maxChars) && kept.size() > 1) {
            Kept gone = oldest.next().getValue();
            oldest.remove();
            chars -= gone.chars();
            lost.incrementAndGet();
            givenUp(gone.response().id());
            dropped.add(gone.response());
        }
        size.set(kept.size());
        return dropped;
    }

    /** Forgets the kept write of this id (written, deleted, or expired). */
    Kept remove(String id) {
        Kept k = kept.remove(id);
        if (k != null) {
            chars -= k.chars();
            size.set(kept.size());
        }
        return k;
    }

    /** Written on a later try: forgotten, and counted. */
    void written(String id) {
        if (remove(id) != null) rewritten.incrementAndGet();
    }

    /** Refused again while the store took others: one strike more; given up (true, counted lost) at {@link #MAX_STRIKES}. */
    boolean struck(String id) {
        Kept k = kept.get(id);
        if (k == null) return false;
        if (k.strikes() + 1 >= MAX_STRIKES) return giveUp(id);
        kept.put(id, new Kept(k.response(), k.how(), k.strikes() + 1, k.slips(), true));
        return false;
    }

    /**
     * Failed transiently while the store took others: one slip more; given up (true, counted lost) at
     * {@link #MAX_SLIPS}.
     */
    boolean slipped(String id) {
        Kept k = kept.get(id);
        if (k == null) return false;
        if (k.slips() + 1 >= MAX_SLIPS) return giveUp(id);
        kept.put(id, new Kept(k.response(), k.how(), k.strikes(), k.slips() + 1, true));
        return false;
    }

    private boolean giveUp(String id) {
        remove(id);
        lost.incrementAndGet();
        givenUp(id);
        return true;
    }

    private void givenUp(String id) {
        givenUp.put(id, Boolean.TRUE);
        if (givenUp.size() > MAX_GIVEN_UP) givenUp.remove(givenUp.keySet().iterator().next());
    }

    /** Writes the kept response of this id as {@code how} from now on (its strikes kept). */
    void writeAs(String id, Write how) {
        Kept k = kept.get(id);
        if (k != null) kept.put(id, new Kept(k.response(), how, k.strikes(), k.slips(), k.tried()));
    }

    /**
     * Moves the kept write of this id behind the others, marked tried: a write the store refuses for itself cannot hold
     * up the rest.
     */
    void toTail(String id) {
        Kept k = kept.remove(id);
        if (k != null) kept.put(id, new Kept(k.response(), k.how(), k.strikes(), k.slips(), true));
    }

    /**
     * The kept writes, those never tried first (kept while the store was away: the newest answers, whose try tells
     * whether it is back), then the others in the order they were kept (a copy: the caller writes and removes as it goes).
     */
    List<Kept> inOrder() {
        List<Kept> all = new ArrayList<>(kept.size());
        for (Kept k : kept.values()) if (!k.tried()) all.add(k);
        for (Kept k : kept.values()) if (k.tried()) all.add(k);
        return all;
    }

    /** Gives up every kept write (shutdown: the store refused them to the last): their ids, each counted lost. */
    List<String> giveUpAll() {
        List<String> ids = new ArrayList<>(kept.keySet());
        for (String id : ids) remove(id);
        lost.addAndGet(ids.size());
        return ids;
    }

    /** Forgets the kept responses expired at {@code now}. */
    void purge(long now) {
        for (Kept k : inOrder()) {
            if (k.response().expiresAt() <= now) remove(k.response().id());
        }
    }
}
