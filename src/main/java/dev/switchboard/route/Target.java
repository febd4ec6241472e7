package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import dev.switchboard.provider.Provider;

/** A deployment with its ready provider. */
public record Target(Deployment deployment, Provider provider) {
    /**
     * The config entry whose attempt answered the call, attached when it answers. The answer names its deployment as
     * {@code provider/model}, which two entries can share (one Azure deployment name on two resources, each with its
     * own base_model); the entry is what is priced.
     */
    public static final dev.switchboard.model.CallContext.Key<Deployment> SERVED =
            new dev.switchboard.model.CallContext.Key<>(Deployment.class);
}
