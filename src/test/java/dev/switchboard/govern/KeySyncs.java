package dev.switchboard.govern;

import java.util.concurrent.TimeUnit;

/** For the multi-gateway tests in other packages: a gateway's key sync run now, as its timer runs it. */
public final class KeySyncs {
    private KeySyncs() {}

    /** Runs {@code keys}' sync from the store and waits for it (and the key take-ins it started) to end. */
    public static int syncNow(KeyAdmin keys) throws Exception {
        return keys.syncFromStore().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The misses a sync allows the gateway (one address gets half at most), and an address's places among the look-ups. */
    public static final int MISSES_PER_SYNC = KeyAdmin.MISSES_PER_SYNC;
    public static final int MAX_LOOKUPS_PER_CLIENT = KeyAdmin.MAX_LOOKUPS_PER_CLIENT;
}
