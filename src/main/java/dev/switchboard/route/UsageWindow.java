package dev.switchboard.route;

/**
 * Requests and tokens a deployment took in the current 60-second window, for usage-based routing and its
 * rpm/tpm limits (LiteLLM also counts per minute). Reserving is atomic with the limit check, so concurrent
 * requests cannot push a deployment over its rpm; tokens are counted from the estimate at reservation and
 * corrected by the real usage when the answer reports it.
 */
final class UsageWindow {
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private long minute = Long.MIN_VALUE;
    private long requests;
    private long tokens;

    /**
     * Takes one request and {@code estimatedTokens} if they fit under the limits (null: no limit). A request
     * larger than the whole tpm still fits into an empty minute, or it could never be served.
     */
    synchronized boolean tryReserve(long now, Double rpm, Double tpm, long estimatedTokens) {
        roll(now);
        if (rpm != null && requests + 1 > rpm) return false;
        if (tpm != null && tokens > 0 && tokens + estimatedTokens > tpm) return false;
        requests++;
        tokens += estimatedTokens;
        return true;
    }

    synchronized boolean fits(long now, Double rpm, Double tpm, long estimatedTokens) {
        roll(now);
        return (rpm == null || requests + 1 <= rpm) && (tpm == null || tokens == 0 || tokens + estimatedTokens <= tpm);
    }

    /** Replaces the estimate by the real count once the answer says it. */
    synchronized void correct(long now, long estimated, long actual) {
        roll(now);
        tokens = Math.max(0, tokens - estimated + actual);
    }

    /** How full the deployment is this minute, 0..1 (the larger of the rpm and tpm shares); 0 without limits. */
    synchronized double load(long now, Double rpm, Double tpm) {
        roll(now);
        double r = rpm == null || rpm <= 0 ? 0 : requests / rpm;
        double t = tpm == null || tpm <= 0 ? 0 : tokens / tpm;
        return Math.max(r, t);
    }

    static long nanosToNextMinute(long now) {
        return MINUTE_NANOS - Math.floorMod(now, MINUTE_NANOS);
    }

    private void roll(long now) {
        long m = Math.floorDiv(now, MINUTE_NANOS);
        if (m != minute) {
            minute = m;
            requests = 0;
            tokens = 0;
        }
    }
}
