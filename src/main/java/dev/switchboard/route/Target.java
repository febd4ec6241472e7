package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import dev.switchboard.provider.Provider;

/** A deployment with its ready provider. */
public record Target(Deployment deployment, Provider provider) {}
