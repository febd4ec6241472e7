package dev.switchboard.pipeline;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.Provider;
import dev.switchboard.route.Target;
import io.vertx.core.Future;
import java.util.Map;

/** Targets for the tests of pricing and metering ({@link DeploymentPrices}, {@link MeteredCall}, {@link LedgerAttempts}): their provider is never called. */
final class PricedTargets {
    /** A provider that fails any call: these tests price targets, they do not call them. */
    static final Provider NO_CALLS = new Provider() {
        @Override
        public Future<ChatResponse> chat(ChatRequest request, CallOptions options) { return Future.failedFuture("not called"); }

        @Override
        public Future<ChatStream> stream(ChatRequest request, CallOptions options) { return Future.failedFuture("not called"); }
    };

    private PricedTargets() {}

    static Target target(Deployment d) {
        return new Target(d, NO_CALLS);
    }

    /** What a bare {@code *} entry makes for the requested name: alias = the name, id = provider/model. */
    static Target made(String requested, String provider, String model) {
        return target(new Deployment(requested, provider, model, null, null, null, null, null, Map.of(), Map.of(), Map.of(), 3));
    }
}
