package dev.switchboard.provider.bedrock;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.ProviderSecrets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * A deployment's AWS credentials, resolved off the event loop and cached. Resolving may block (a profile file read,
 * the container or instance metadata endpoint, an SSO cache), so it runs on a Vert.x worker; a request only waits
 * for it when there is nothing valid in the cache (the first call, or credentials that have expired). Credentials
 * with an expiry are refreshed in the background from five minutes before it; credentials without one (keys in a
 * profile file) are re-read every 15 minutes in the background, so a rotated file is picked up.
 */
final class BedrockCredentials {
    static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);
    static final Duration REREAD_EVERY = Duration.ofMinutes(15);

    private record Cached(AwsCredentialsIdentity identity, long refreshAtMillis, long expiresAtMillis) {}

    private final Vertx vertx;
    private final AwsCredentialsProvider provider;
    private final boolean blocking;
    private final String deploymentId;
    private final LongSupplier clock;
    private final ProviderSecrets minted;
    private volatile Cached cached;
    private Future<AwsCredentialsIdentity> inFlight; // guarded by this

    /**
     * @param blocking false for keys given in the config (nothing to read, resolved in place), true for the chain
     * @param minted the secret access key and session token resolved are registered there (those from a profile or
     *     the instance are known only now); the config's own are configured secrets already, and not added twice
     */
    BedrockCredentials(Vertx vertx, AwsCredentialsProvider provider, boolean blocking, String deploymentId, LongSupplier clock,
                       ProviderSecrets minted) {
        this.vertx = vertx;
        this.provider = provider;
        this.blocking = blocking;
        this.deploymentId = deploymentId;
        this.clock = clock;
        this.minted = minted;
    }

    /** Valid credentials: from the cache at once when it has them, else once a worker has resolved them. */
    Future<AwsCredentialsIdentity> current() {
        Cached c = cached;
        long now = clock.getAsLong();
        if (c != null && now < c.refreshAtMillis) return Future.succeededFuture(c.identity);
        if (c != null && now < c.expiresAtMillis) {
            refresh(); // still valid: used now, replaced in the background
            return Future.succeededFuture(c.identity);
        }
        return refresh();
    }

    private synchronized Future<AwsCredentialsIdentity> refresh() {
        if (inFlight != null) return inFlight;
        if (!blocking) return Future.succeededFuture(store(provider.resolveCredentials()));
        Promise<AwsCredentialsIdentity> done = Promise.promise();
        inFlight = done.future();
        vertx.<AwsCredentialsIdentity>executeBlocking(() -> store(provider.resolveCredentials()), false).onComplete(ar -> {
            synchronized (this) {
                inFlight = null;
            }
            if (ar.succeeded()) done.complete(ar.result());
            else done.fail(unavailable(ar.cause()));
        });
        return done.future();
    }

    private AwsCredentialsIdentity store(AwsCredentialsIdentity id) {
        long now = clock.getAsLong();
        Instant expiry = id.expirationTime().orElse(null);
        long expires = expiry == null ? Long.MAX_VALUE : expiry.toEpochMilli() - 60_000;
        long refreshAt = expiry == null ? now + REREAD_EVERY.toMillis() : expiry.toEpochMilli() - REFRESH_BEFORE_EXPIRY.toMillis();
        long until = expiry == null ? Long.MAX_VALUE : expiry.toEpochMilli();
        minted.add(id.secretAccessKey(), until);
        if (id instanceof AwsSessionCredentialsIdentity session) minted.add(session.sessionToken(), until);
        cached = new Cached(id, refreshAt, expires);
        return id;
    }

    /**
     * No credentials: the SDK's message says which sources it tried (environment, profile, container, instance);
     * it never holds a secret. A 401, so the router treats it as the deployment's fault and falls back.
     */
    private GatewayException unavailable(Throwable t) {
        if (t instanceof GatewayException g) return g;
        String why = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new GatewayException(ErrorKind.AUTHENTICATION, 401, "No AWS credentials for " + deploymentId + ": " + why
                + " Fix: set aws_access_key_id and aws_secret_access_key (or aws_profile_name) in litellm_params, or the"
                + " AWS environment variables.", null, "aws_credentials_unavailable", null, null);
    }
}
