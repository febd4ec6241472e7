package dev.switchboard.cache.semantic;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The online mode: the user names the false-hit rate ({@code max_false_hit_rate}) and the thresholds are learned from
 * verification outcomes, after vCache (Schroeder et al., arXiv 2502.03771). Like vCache, every entry has its own
 * threshold and a match is either served, or verified ("explored"), or missed; unlike vCache's per-entry sigmoid fit,
 * which needs several observations per entry before it serves anything, the decision combines:
 * <ul>
 *   <li>a shared calibration: candidates and verification outcomes counted per similarity bin (0.005 wide). The rate
 *       bounded is vCache's: the share of lookups that found a candidate and were answered wrongly. Serving unverified
 *       from similarity {@code s} up gives about {@code P(wrong | ≥ s) · P(≥ s)} of them; a match is served unverified
 *       only when that product, with a 95 % upper confidence bound (Wilson) on {@code P(wrong | ≥ s)} from at least
 *       {@value #MIN_EVIDENCE} verifications, is at most the chosen rate. It is a bound over the similarity range, not a
 *       fit per question, so it holds for questions the cache has never seen;</li>
 *   <li>the entry's own threshold: an entry that was once verified wrong at similarity {@code w} serves nothing at or
 *       below {@code w} unverified again (its questions have close neighbours that mean something else);</li>
 *   <li>exploration: a small share of would-be serves ({@code explore}, 5 %) is verified anyway, so the counts keep
 *       up with the traffic.</li>
 * </ul>
 * Everything the verifier confirms is served, so the hit rate grows with the grey zone while the unverified error stays
 * under the bound.
 */
public final class OnlineThresholds {
    /** What to do with a match. */
    public enum Decision { SERVE, VERIFY, MISS }

    private static final double BIN = 0.005;
    private static final double Z = 1.645; // one-sided 95 %
    static final int MIN_EVIDENCE = 30;
    private final double maxErrorRate;
    private final double floor;
    private final double explore;
    private final int bins;
    private final AtomicLongArray right;
    private final AtomicLongArray wrong;
    private final AtomicLongArray candidates;

    /**
     * @param maxErrorRate the user's bound on the share of served matches that are wrong
     * @param floor        below this similarity a match is a miss, never verified
     * @param explore      share of would-be serves that are verified anyway
     */
    public OnlineThresholds(double maxErrorRate, double floor, double explore) {
        this.maxErrorRate = maxErrorRate;
        this.floor = floor;
        this.explore = explore;
        this.bins = (int) Math.ceil((1 - floor) / BIN) + 1;
        this.right = new AtomicLongArray(bins);
        this.wrong = new AtomicLongArray(bins);
        this.candidates = new AtomicLongArray(bins);
    }

    /** What to do with a match at {@code similarity} against an entry whose own threshold is {@code entryWrongAt}. */
    public Decision decide(double similarity, double entryWrongAt) {
        if (similarity < floor) return Decision.MISS;
        candidates.incrementAndGet(bin(similarity));
        if (similarity <= entryWrongAt || upperErrorBound(similarity) > maxErrorRate) return Decision.VERIFY;
        return ThreadLocalRandom.current().nextDouble() < explore ? Decision.VERIFY : Decision.SERVE;
    }

    /** A verification outcome at {@code similarity}. */
    public void record(double similarity, boolean same) {
        if (similarity < floor) return;
        (same ? right : wrong).incrementAndGet(bin(similarity));
    }

    /**
     * The share of candidate lookups that serving everything from {@code similarity} up would answer wrongly: the Wilson
     * upper bound on the error of verified matches there, times the share of candidates there (1 with too little data).
     */
    double upperErrorBound(double similarity) {
        long r = 0, w = 0, tail = 0, all = 0;
        int from = bin(similarity);
        for (int b = 0; b < bins; b++) {
            all += candidates.get(b);
            if (b < from) continue;
            r += right.get(b);
            w += wrong.get(b);
            tail += candidates.get(b);
        }
        long n = r + w;
        if (n < MIN_EVIDENCE || all == 0) return 1;
        double p = (double) w / n, z2 = Z * Z;
        double upper = (p + z2 / (2 * n) + Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n))) / (1 + z2 / n);
        return upper * tail / all;
    }

    /** The lowest similarity served unverified now (1 when none is yet), for stats and logs. */
    public double currentThreshold() {
        for (int b = 0; b < bins; b++) if (upperErrorBound(floor + b * BIN) <= maxErrorRate) return floor + b * BIN;
        return 1;
    }

    public long verifications() {
        long n = 0;
        for (int b = 0; b < bins; b++) n += right.get(b) + wrong.get(b);
        return n;
    }

    private int bin(double s) { return Math.min(bins - 1, Math.max(0, (int) ((s - floor) / BIN))); }
}
