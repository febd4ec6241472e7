package dev.switchboard.govern;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits in memory, per key: rpm and tpm as token buckets (capacity = the per-minute limit, refilled continuously
 * at limit/60 per second, so a key may burst up to its limit and then runs at its rate, with no minute boundary to
 * game), max_parallel_requests as a counter of requests in flight.
 *
 * <p>tpm reserves the request's expected tokens up front (the caller's estimate: the prompt, plus its output limit
 * times {@code n} when it sets one) and is settled to the real usage when the call ends. A request is admitted only
 * when its reservation fits in what is left, so a burst of concurrent calls takes no more than the bucket holds
 * (LiteLLM admits while its counter is under the limit, so any number of calls pass at once). Two exceptions: a full
 * bucket admits any request, or one larger than the whole limit could never be served (it waits for a full bucket, then
 * takes the key into debt); and a request that sets no output limit reserves its prompt only, so its answer may take the
 * bucket below zero when it settles. The debt stops at minus one limit ({@link State#debtFloor}): the key then waits about a
 * minute, never the many minutes a burst far over the limit would otherwise have run up.
 *
 * <p>Other gateways on the same store take their rpm and tpm use off these buckets ({@link #othersUsed}, every few
 * seconds), so each gateway's buckets hold what the key has left across all of them, late by a sync. The in-flight
 * count is this gateway's own ({@link SharedRateLimits} says why).
 */
public final class LocalRateLimiter implements RateLimiter {
    private static final double NANOS_PER_MINUTE = 60e9;
    /**
     * The wait a limit of 0 answers: such a bucket never refills (its rate is 0 a minute), so there is no time at which a
     * retry would pass; LiteLLM refuses every request of a 0 limit and answers its window, 60 s, as its retry-after. A
     * client that honours the header then asks again once a minute, which sees a limit raised by an admin.
     */
    static final long WINDOW_SECONDS = 60;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    @Override
    public Permit acquire(String keyId, Limits limits, long estimatedTokens, long nowNanos) {
        return acquire(keyId, "this key", limits, estimatedTokens, nowNanos);
    }

    @Override
    public Permit acquire(String id, String who, Limits limits, long estimatedTokens, long nowNanos) {
        if (!limits.any()) return Permit.NONE;
        State s = states.computeIfAbsent(id, k -> new State(nowNanos));
        return s.acquire(limits, estimatedTokens, nowNanos, who);
    }

    /** The id's bucket and, for a key's id, its per-model buckets ({@code <key id>:model:<hash>}) with it. */
    @Override
    public void forget(String keyId) {
        states.remove(keyId);
        String models = keyId + ModelLimits.ID_MARK;
        states.keySet().removeIf(id -> id.startsWith(models));
    }

    @Override
    public java.util.List<Usage> usage() {
        java.util.List<Usage> out = new java.util.ArrayList<>();
        states.forEach((id, s) -> out.add(s.usage(id)));
        return out;
    }

    @Override
    public void othersUsed(String keyId, Limits limits, long requests, long tokens, long nowNanos) {
        if (limits.rpm() == null && limits.tpm() == null) return;
        states.computeIfAbsent(keyId, k -> new State(nowNanos)).othersUsed(limits, requests, tokens, nowNanos);
    }

    static final class State {
        private double requests = Double.NaN;
        private double tokens = Double.NaN;
        private long last;
        private long inFlight;
        /** What this gateway took since it started (for the other gateways): requests admitted, tokens net of corrections */
        private long takenRequests;
        private long takenTokens;
        /** The texts of the limits last asked with (under this state's lock) */
        private LimitTexts texts;

        /** Whose limits these are, in a refusal: {@code this key}, {@code team: red} (under this state's lock). */
        private String who = "this key";

        State(long now) { this.last = now; }

        synchronized Permit acquire(Limits l, long estimated, long now, String who) {
            this.who = who;
            refill(l, now);
            if (l.maxParallel() != null && inFlight >= l.maxParallel()) {
                if (l.maxParallel() == 0) throw refused("max_parallel_requests is 0: no request of " + who + " is served.", WINDOW_SECONDS, l);
                throw refused("max_parallel_requests (" + l.maxParallel() + ") reached: " + inFlight + " requests of " + who
                        + " are in flight.", 1, l);
            }
            if (l.rpm() != null && requests < 1) {
                if (l.rpm() == 0) throw refused("rpm_limit is 0: no request of " + who + " is served.", WINDOW_SECONDS, l);
                long wait = (long) Math.ceil((1 - requests) * NANOS_PER_MINUTE / l.rpm() / 1e9);
                throw refused("rpm_limit (" + l.rpm() + " requests a minute) reached.", wait, l);
            }
            double reserved = 0;
            if (l.tpm() != null) {
                if (l.tpm() == 0) throw refused("tpm_limit is 0: no request of " + who + " is served.", WINDOW_SECONDS, l);
                double need = need(estimated, l.tpm());
                if (tokens < need) {
                    long wait = (long) Math.ceil((need - tokens) * NANOS_PER_MINUTE / l.tpm() / 1e9);
                    throw refused("tpm_limit (" + l.tpm() + " tokens a minute) reached: this request reserves " + estimated
                            + " tokens (its prompt estimate, plus its output limit × n if it sets one), " + remaining(tokens) + " are left.", wait, l);
                }
                double before = tokens;
                tokens = Math.max(debtFloor(l.tpm()), tokens - estimated);
                reserved = before - tokens;
            }
            if (l.rpm() != null) requests -= 1;
            inFlight++;
            takenRequests++;
            takenTokens += estimated;
            // what remains, as the headers will say it; written out when the answer's headers are made
            return new LimitPermit(new Remaining(texts(l), remaining(requests), remaining(tokens)), estimated, reserved);
        }

        /**
         * What must be left for a request that reserves {@code estimated}: all of it, or a full bucket when it is larger
         * than the whole limit (else it could never be served); at least one token (a bucket at 0 is empty).
         */
        static double need(long estimated, long tpm) {
            return Math.max(1, Math.min(estimated, tpm));
        }

        /**
         * The lowest a tpm bucket goes: minus one limit, about a minute's refill. A burst settled far over its
         * reservations (calls without an output limit) or one request larger than the limit costs the key that minute,
         * not a lock-out of many (30 calls of n=100 against 1,000 tpm would have been 32 minutes); LiteLLM's per-minute
         * counter forgets an overshoot when its minute ends.
         */
        static double debtFloor(long tpm) { return -tpm; }

        /** The limits' own texts, made once per limits (a key's version), not per request. */
        private LimitTexts texts(Limits l) {
            LimitTexts t = texts;
            if (t == null || t.limits() != l) texts = t = LimitTexts.of(l);
            return t;
        }

        private static long remaining(double left) { return Math.max(0, (long) Math.floor(left)); }

        /** One admitted request: its estimate (corrected when it is released) and what remained when it was admitted. */
        private final class LimitPermit implements Permit {
            private final Remaining remaining;
            private final long estimated;
            /** What the reservation took off the bucket: the estimate, or less where the debt floor stopped it */
            private final double reserved;
            private boolean released;

            LimitPermit(Remaining remaining, long estimated, double reserved) {
                this.remaining = remaining;
                this.estimated = estimated;
                this.reserved = reserved;
            }

            /**
             * Settles the reservation to the real usage: the bucket gives back what the call did not use (up to a full
             * bucket) or takes the rest (down to the debt floor). Unknown usage (-1) keeps the reservation.
             */
            @Override
            public void release(long actualTokens, long nowNanos) {
                synchronized (State.this) {
                    if (released) return;
                    released = true;
                    inFlight--;
                    if (remaining.texts().limits().tpm() != null && actualTokens >= 0) {
                        // the limit the bucket is under now (changed since, it was moved with it), else the permit's
                        long tpm = lastTpm != NO_LIMIT ? lastTpm : remaining.texts().limits().tpm();
                        if (!Double.isNaN(tokens)) tokens = Math.min(tpm, Math.max(debtFloor(tpm), tokens - (actualTokens - reserved)));
                        takenTokens += actualTokens - estimated;
                    }
                }
            }

            @Override
            public void cancel(long nowNanos) {
                synchronized (State.this) {
                    if (released) return;
                    Limits l = remaining.texts().limits();
                    release(0, nowNanos);
                    if (l.rpm() != null) requests = Math.min(l.rpm(), requests + 1); // the request given back too
                    takenRequests--;
                }
            }

            @Override
            public Map<String, String> headers() {
                Map<String, String> h = new LinkedHashMap<>();
                remaining.put(h);
                return h;
            }

            @Override
            public void putHeaders(Map<String, String> into) { remaining.put(into); }
        }

        synchronized Usage usage(String keyId) { return new Usage(keyId, takenRequests, takenTokens); }

        /**
         * Another gateway's use, taken off as if it had been admitted here (refilled first, so it decays at the key's
         * rate like this gateway's own). A debit stops at minus a whole limit, so a burst several gateways let through
         * before they heard of each other costs about a minute's wait; it never lifts a bucket this gateway's own calls
         * took lower (one call far over tpm), and a correction gives tokens back up to the limit.
         */
        synchronized void othersUsed(Limits l, long usedRequests, long usedTokens, long now) {
            refill(l, now);
            if (l.rpm() != null) requests = debit(requests, usedRequests, l.rpm());
            if (l.tpm() != null) tokens = debit(tokens, usedTokens, l.tpm());
        }

        /**
         * A bucket under a changed limit. Raised: the difference is there at once. Lowered: what was used this minute
         * stays used down to an empty bucket, never into a debt the old limit did not run up (1,000,000 tpm lowered to
         * 10,000 with 500,000 used would be 49 minutes of 429s; LiteLLM's counter waits out the minute), and a debt the
         * key already had is kept, within minus the new limit.
         */
        static double moved(double bucket, long oldLimit, long newLimit) {
            double raised = bucket + (newLimit - oldLimit);
            if (newLimit > oldLimit) return Math.min(newLimit, raised);
            return Math.min(newLimit, Math.max(Math.max(raised, Math.min(bucket, 0)), -newLimit));
        }

        private static double debit(double bucket, long used, long limit) {
            if (used < 0) return Math.min(limit, bucket - used);
            return Math.max(Math.min(bucket, -limit), bucket - used);
        }

        /**
         * The rpm and tpm the buckets were last filled to ({@link #NO_LIMIT} before, or while there was none), so a changed
         * limit moves the bucket with it. A limit of 0 is a limit: raised from 0 to 10, the key has its 10 at once.
         */
        private long lastRpm = NO_LIMIT;
        private long lastTpm = NO_LIMIT;
        private static final long NO_LIMIT = -1;

        private void refill(Limits l, long now) {
            // A limit raised (or lowered) since the last request moves the bucket by the difference: what was used this
            // minute stays used, and the rest of the new limit is there at once (2 → 10 after 2 requests: 8 more now,
            // as LiteLLM's counter gives them), not only at the new rate
            if (l.rpm() != null && lastRpm != NO_LIMIT && l.rpm() != lastRpm && !Double.isNaN(requests)) requests = moved(requests, lastRpm, l.rpm());
            if (l.tpm() != null && lastTpm != NO_LIMIT && l.tpm() != lastTpm && !Double.isNaN(tokens)) tokens = moved(tokens, lastTpm, l.tpm());
            lastRpm = l.rpm() == null ? NO_LIMIT : l.rpm(); // a limit taken away and set again later starts afresh
            lastTpm = l.tpm() == null ? NO_LIMIT : l.tpm();
            double minutes = Math.max(0, now - last) / NANOS_PER_MINUTE;
            last = Math.max(last, now); // the sync's clock read may be older than a request's
            if (l.rpm() != null) requests = Double.isNaN(requests) ? l.rpm() : Math.min(l.rpm(), requests + minutes * l.rpm());
            if (l.tpm() != null) tokens = Double.isNaN(tokens) ? l.tpm() : Math.min(l.tpm(), tokens + minutes * l.tpm());
        }

        private Map<String, String> headers(Limits l) {
            Map<String, String> h = new LinkedHashMap<>();
            new Remaining(texts(l), remaining(requests), remaining(tokens)).put(h);
            return h;
        }

        private GatewayException refused(String why, long retryAfterSeconds, Limits l) {
            long wait = Math.max(1, retryAfterSeconds);
            return new GatewayException(ErrorKind.RATE_LIMIT, 429, "Rate limit exceeded for " + who + ": " + why
                    + " Retry after " + wait + " s.", null, "rate_limit_exceeded", null, wait).withHeaders(headers(l));
        }
    }

    /** A key's limits with their numbers as header text. */
    private record LimitTexts(Limits limits, String rpm, String tpm) {
        static LimitTexts of(Limits l) {
            return new LimitTexts(l, l.rpm() == null ? null : Long.toString(l.rpm()), l.tpm() == null ? null : Long.toString(l.tpm()));
        }
    }

    /** What remained of a key's limits when a request was admitted (or refused), as its headers say it. */
    private record Remaining(LimitTexts texts, long requests, long tokens) {
        /** The {@code x-ratelimit-*} headers of the key's limits, in their order. */
        void put(Map<String, String> into) {
            if (texts.rpm() != null) {
                into.put("x-ratelimit-limit-requests", texts.rpm());
                into.put("x-ratelimit-remaining-requests", Long.toString(requests));
            }
            if (texts.tpm() != null) {
                into.put("x-ratelimit-limit-tokens", texts.tpm());
                into.put("x-ratelimit-remaining-tokens", Long.toString(tokens));
            }
        }
    }
}
