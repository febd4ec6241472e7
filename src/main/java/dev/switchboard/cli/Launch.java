package dev.switchboard.cli;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.edge.EdgeServer;
import dev.switchboard.pipeline.Gateway;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads a config, starts the gateway and blocks until the process is stopped. Shared by serve and demo. */
final class Launch {
    private static final Logger log = LoggerFactory.getLogger(DebugLogging.LIFECYCLE);

    private Launch() {}

    static int serve(Path configFile, String configText, Function<String, String> env, String host, int port,
                     int instances, Vertx existing) {
        return serve(configFile, configText, env, host, port, instances, existing, null);
    }

    /** @param hostFrom where {@code host} came from when not the flag ("$HOST"), for the refusal to name; else null */
    static int serve(Path configFile, String configText, Function<String, String> env, String host, int port,
                     int instances, Vertx existing, String hostFrom) {
        GatewayConfig config;
        try {
            ConfigLoader loader = new ConfigLoader(env);
            // a base variable pointing at this gateway (ANTHROPIC_BASE_URL exported for Claude Code, then serve from the
            // same shell) is passed over with a warning, not taken as a route (SelfRoute)
            if (port > 0) loader = loader.ignoringBasesAt(base -> SelfRoute.isSelf(base, host, port), httpUrl(host, port));
            config = configText != null ? loader.parse(configText) : loader.load(configFile);
        } catch (ConfigException e) {
            System.err.println("Config error" + (e.problems().size() > 1 ? "s" : "") + " in "
                    + (configFile == null ? "the bundled demo config" : configFile) + ":");
            e.problems().forEach(p -> System.err.println("  " + p));
            e.warnings().forEach(w -> System.err.println("  warning: " + w));
            return 2;
        }
        config.warnings().forEach(w -> log.warn("config: {}", w));
        String unresolvable = ListenFailure.unresolvable(host);
        if (unresolvable != null) { // before the store is opened, and before the master-key rule reads it as "not loopback"
            System.err.println(unresolvable);
            return 1;
        }
        // a port in use is found before the store is created and migrated (and, for demo, before its simulator starts)
        String taken = existing == null ? PortProbe.refusal(host, port) : null;
        if (taken != null) {
            System.err.println(taken);
            return 1;
        }
        // a base written in the config that is this gateway: warned (a detour through another alias is legal)
        SelfRoute.check(config, host, port).forEach(w -> log.warn("config: {}", w));
        // a base variable that is this gateway was passed over at load, unless the key those deployments then carry
        // is the gateway's own (exported for the same app): that key must not go to the provider
        List<String> ownKey = dev.switchboard.pipeline.OwnKeyUpstream.refusals(config, env);
        if (!ownKey.isEmpty()) {
            System.err.println("Refusing to start: a deployment would send this gateway's own key to a provider:");
            ownKey.forEach(p -> System.err.println("  " + p));
            return 2;
        }
        boolean loopback = isLoopback(host);
        // JWT auth also requires a key of every caller (a token, or a virtual key), so the network is safe without a master key.
        if (config.general().masterKey() == null && !config.general().jwtAuthEnabled() && !loopback) {
            System.err.println("Refusing to listen on " + host + (hostFrom == null ? "" : " (from " + hostFrom + ")")
                    + " without a master key: anyone on the network could "
                    + "spend your provider credits. Fix: set general_settings.master_key: os.environ/SWITCHBOARD_MASTER_KEY "
                    + "(or LiteLLM's LITELLM_MASTER_KEY in the environment), or listen on 127.0.0.1 (the default"
                    + (hostFrom == null ? "" : "; unset " + hostFrom.substring(1) + " or pass --host 127.0.0.1") + ").");
            return 2;
        }
        int loops = instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
        Vertx vertx;
        try {
            vertx = existing != null ? existing : VertxRuntime.create(loops, config.general().eventLoopTransport());
        } catch (IllegalStateException e) {
            // An explicit event_loop_transport this machine refuses: the message names the reason and the fix.
            System.err.println("Config error:\n  " + e.getMessage());
            return 2;
        }
        Gateway gateway;
        try {
            gateway = Gateway.create(vertx, config, env);
        } catch (IllegalArgumentException e) {
            System.err.println("Config error:\n  " + e.getMessage().replace("\n", "\n  "));
            vertx.close();
            return 2;
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            vertx.close();
            return 2;
        }
        // the store is open: a virtual key of any shape (generated with "key": "sk-team-…") exported as the provider's
        // key variable is the gateway's own too, refused before listening
        List<String> storeKey = dev.switchboard.pipeline.OwnKeyUpstream.refusals(config, env, gateway::holdsVirtualKey);
        if (!storeKey.isEmpty()) {
            System.err.println("Refusing to start: a deployment would send this gateway's own key to a provider:");
            storeKey.forEach(p -> System.err.println("  " + p));
            gateway.shutdown();
            if (existing == null) vertx.close();
            return 2;
        }
        // SIGTERM / SIGINT taken before the port answers: a signal sent as soon as the gateway is ready (a script's
        // `kill -INT` after its readiness check) is a stop, never lost to a handler installed after it. One that comes
        // while the server starts is a stop as soon as it has started.
        CountDownLatch stopAsked = new CountDownLatch(1);
        StopSignals.install(stopAsked::countDown);
        EdgeServer server;
        try {
            server = EdgeServer.start(vertx, gateway, host, port, loops).toCompletionStage().toCompletableFuture().get();
        } catch (Exception e) {
            System.err.println(ListenFailure.describe(host, port, e));
            gateway.shutdown();
            vertx.close();
            return 1;
        }
        if (config.general().masterKey() == null && !config.general().jwtAuthEnabled()) {
            log.warn("No general_settings.master_key and no LITELLM_MASTER_KEY: accepting requests without a key, on "
                    + "loopback ({}) only.", host);
        }
        // which source won matters when both the config and LiteLLM's variables could set it; the value is never logged
        if (config.general().sources().masterKey() != null) log.info("Master key from {}", config.general().sources().masterKey());
        if (config.general().sources().databaseUrl() != null) log.info("Database URL from {}", config.general().sources().databaseUrl());
        log.info("Switchboard listening on {} ({} event loop(s), {} transport) with {}:",
                httpUrl(host, server.port()) + "/v1", loops, VertxRuntime.transportName(vertx),
                gateway.modelCounts(config.deployments().size()));
        modelLines(gateway).forEach(line -> log.info("  {}", line));
        gateway.warnings().forEach(w -> log.warn("config: {}", w));
        log.info("Store: {} (spend ledger written every {} ms)", gateway.storeDescription(), Gateway.LEDGER_FLUSH_MILLIS);
        // the reason ends with how to price it
        gateway.unpriced().forEach(u -> log.warn("unpriced: {} (its calls cost $0 in budgets and reports)", u));
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture<Integer> exit = new java.util.concurrent.CompletableFuture<>();
        // The stop runs once, on whichever thread comes first: the main thread after SIGTERM / SIGINT (StopSignals),
        // or the shutdown hook (System.exit elsewhere, SIGHUP, signals the JVM kept) while the main thread still waits.
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                // whatever the drain throws, the status is set: the hook and the main thread wait on it, and a stop
                // that left it unset hung the process until SIGKILL (a later signal only logs)
                int status = 1;
                try {
                    status = drain(server, gateway, vertx);
                } catch (RuntimeException | Error e) {
                    log.error("the stop failed; exiting with 1", e);
                } finally {
                    exit.complete(status);
                }
            }
            stopAsked.countDown();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            try {
                // bounded: the drain itself is (EdgeServer.DRAIN, then the ledger's flush); a hook that never returns
                // keeps the JVM alive for ever
                exit.get(EdgeServer.DRAIN.toSeconds() + 60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                log.error("the stop did not finish in time; exiting without it", e);
            }
        }));
        try {
            stopAsked.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop.run();
        return exit.join();
    }

    /**
     * Stops taking requests and lets those in flight finish (their ledger rows are queued as they end), then writes what
     * the ledger still holds, then lets Vert.x go.
     *
     * @return the exit status: 0 after an orderly stop, 1 when the ledger could not write every row it held (the store
     *     refused or did not answer; each lost row was logged), so that a supervisor sees spend went unrecorded
     */
    private static int drain(EdgeServer server, Gateway gateway, Vertx vertx) {
        log.info("Stopping: finishing requests in flight (at most {} s), then writing the ledger", EdgeServer.DRAIN.toSeconds());
        java.util.concurrent.CompletableFuture<Void> closing = server.close().toCompletionStage().toCompletableFuture();
        // Background responses get the drain's time to finish too, less a margin in which those still running are
        // ended (failed, "the gateway stopped"), so that their streams' clients get a last event before the drain
        // closes their connections.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(EdgeServer.DRAIN.toSeconds() - 3);
        try {
            closing.get(EdgeServer.DRAIN.toSeconds() - 3, java.util.concurrent.TimeUnit.SECONDS);
            while (gateway.backgroundResponsesRunning() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the drain is still waiting: for the streams of background responses, among others
        }
        gateway.stopBackgroundResponses();
        closing.orTimeout(EdgeServer.DRAIN.toSeconds() + 5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
        boolean ledgerWritten = gateway.shutdown();
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
        if (!ledgerWritten) {
            log.error("Stopped, but the ledger could not write every row (see above): exiting with status 1");
            return 1;
        }
        log.info("Stopped");
        return 0;
    }

    /** The model list of the startup log: every alias, what serves it and where that is. */
    static List<String> modelLines(Gateway gateway) {
        return gateway.models().stream()
                .map(m -> m.alias() + " -> " + m.servedBy() + (m.baseUrl() == null ? "" : " at " + m.baseShown()))
                .toList();
    }

    /** {@code http://host:port}, with an IPv6 literal in brackets as URLs require ({@code http://[::1]:4000}). */
    static String httpUrl(String host, int port) {
        boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
        return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
