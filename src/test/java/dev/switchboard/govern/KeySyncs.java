package dev.switchboard.govern;

import java.util.concurrent.TimeUnit;

/** For the multi-gateway tests in other packages: a gateway's key sync run now, as its timer runs it. */
public final class KeySyncs {
    private KeySyncs() {}

    /** Runs {@code keys}' sync from the store and waits for it (and the key take-ins it started) to end. */
    public static int syncNow(KeyAdmin keys) throws Exception {
        return keys.syncFromStore().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A client address's share of the misses a sync allows, and the gateway's. */
    public static final int MISSES_PER_CLIENT = KeyAdmin.MISSES_PER_CLIENT;
    public static final int MISSES_PER_SYNC = KeyAdmin.MISSES_PER_SYNC;
    public static final int MAX_LOOKUPS_PER_CLIENT = KeyAdmin.MAX_LOOKUPS_PER_CLIENT;
}
