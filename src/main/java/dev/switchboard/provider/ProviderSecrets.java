package dev.switchboard.provider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Every secret the gateway sends upstream, for the scrubbers of answers, the log, the request log and traces: the
 * configured ones (known at start: keys, client secrets, a Bedrock session token, header and URL credentials) and
 * the short-lived ones the gateway obtains while it runs (Vertex AI and Entra ID access tokens, AWS credentials a
 * profile or the instance hands out). A short-lived secret is registered when it is minted or refreshed and dropped
 * once it has expired (at the next registration); at most {@link #MAX_SHORT_LIVED} are kept, the soonest to expire
 * going first, so an upstream that refuses every token (each refusal mints a new one) cannot grow the set or the scan.
 *
 * <p>The request path only reads a volatile field ({@link #scrubber()}); the scrubber's table is rebuilt when the set
 * changes, which is once per token (hourly for Google and Entra), never per request.
 */
public final class ProviderSecrets {
    /** Far more than the deployments' credentials in use at once (one token each); a bound, not a working size. */
    public static final int MAX_SHORT_LIVED = 64;

    private final KeyScrubber configured;
    private final LongSupplier clock;
    private final Map<String, Long> shortLived = new LinkedHashMap<>(); // secret -> expiry, epoch millis; guarded by this
    private volatile KeyScrubber all;
    private volatile KeyScrubber shortLivedOnly = KeyScrubber.NONE;
    private volatile List<String> shortLivedList = List.of();

    public ProviderSecrets(KeyScrubber configured, LongSupplier clock) {
        this.configured = configured;
        this.clock = clock;
        this.all = configured;
    }

    /** Only configured secrets, nothing minted later will be kept from view: for tests and tools that make no tokens. */
    public static ProviderSecrets fixed(KeyScrubber configured) {
        return new ProviderSecrets(configured, System::currentTimeMillis);
    }

    /**
     * Registers a secret minted at run time, to be masked wherever configured keys are until {@code expiresAtMillis}
     * ({@link Long#MAX_VALUE}: no expiry known). A secret shorter than {@link KeyScrubber#MIN_RUN} or one that is
     * configured already is not kept (nothing to add).
     */
    public void add(String secret, long expiresAtMillis) {
        if (secret == null || secret.length() < KeyScrubber.MIN_RUN || configured.hasKey(secret)) return;
        synchronized (this) {
            long now = clock.getAsLong();
            Long before = shortLived.put(secret, expiresAtMillis);
            boolean changed = before == null;
            changed |= shortLived.values().removeIf(expiry -> expiry <= now);
            while (shortLived.size() > MAX_SHORT_LIVED) {
                String soonest = shortLived.entrySet().stream().min(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                        .orElseThrow().getKey();
                shortLived.remove(soonest);
                changed = true;
            }
            if (changed) publish();
        }
    }

    private void publish() {
        List<String> now = List.copyOf(new ArrayList<>(shortLived.keySet()));
        shortLivedList = now;
        shortLivedOnly = KeyScrubber.of(now);
        all = configured.plus(now);
    }

    /** The configured secrets and the short-lived ones now held: what upstream answers are scanned with. */
    public KeyScrubber scrubber() { return all; }

    /** Only the short-lived secrets: for the log, whose layout masks the configured secrets already. */
    public KeyScrubber shortLivedScrubber() { return shortLivedOnly; }

    /** The short-lived secrets now held, for the request log's and traces' scrubber. */
    public List<String> shortLived() { return shortLivedList; }
}
