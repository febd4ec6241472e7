package dev.switchboard.pipeline;

import dev.switchboard.store.Database;

/** Tests only: a running gateway's store, for an integration test that cuts it (holding its pool's connections). */
public final class GatewayStore {
    private GatewayStore() {}

    public static Database of(Gateway gateway) { return gateway.database(); }
}
