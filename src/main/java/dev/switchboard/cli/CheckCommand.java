package dev.switchboard.cli;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.pipeline.Gateway;
import dev.switchboard.pipeline.ServedModel;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Validate a config and print the resolved model list (keys masked). Creates and migrates no store: "
                + "PostgreSQL is read in a read-only session, the SQLite file is not opened.")
final class CheckCommand implements Callable<Integer> {
    @Option(names = {"--config", "-c"}, required = true, description = "Path to config.yaml.")
    Path config;

    @Option(names = "--explain", description = "For each deployment, print the settings it runs with and where each "
            + "came from (file line, merge key <<, default_litellm_params, environment, default).")
    boolean explain;

    @Option(names = "--port", defaultValue = "4000", converter = OptionValues.Port.class,
            description = "The port serve will listen on (default ${DEFAULT-VALUE}): a base variable of the environment "
                    + "(ANTHROPIC_BASE_URL, OPENAI_BASE_URL, ...) pointing at it is the gateway itself, passed over as serve does.")
    int port;

    @Override
    public Integer call() {
        GatewayConfig cfg;
        try {
            // serve's host is not known here: any address of this machine on that port counts as the gateway's
            cfg = ConfigLoader.fromEnvironment().ignoringBasesAt(base -> port > 0 && SelfRoute.isSelf(base, "0.0.0.0", port),
                    "port " + port).load(config);
        } catch (ConfigException e) {
            System.out.println("INVALID " + config + ":");
            e.problems().forEach(p -> System.out.println("  error: " + p));
            e.warnings().forEach(w -> System.out.println("  warning: " + w));
            // a file that cannot be read is the command line's problem (2, as serve says it); a refused content is 1
            return e.unreadable() ? 2 : 1;
        }
        // The gateway is built (and closed at once) because only the providers know whether a deployment can
        // be served and where it really goes; the model list is read from it, not from the raw config.
        List<ServedModel> models;
        java.util.Map<String, List<String>> wildcards;
        String counts;
        List<String> warnings;
        List<String> unpriced;
        String store;
        String prices;
        Vertx vertx;
        try {
            vertx = VertxRuntime.create(1, cfg.general().eventLoopTransport());
        } catch (IllegalStateException e) {
            System.out.println("INVALID " + config + ":");
            System.out.println("  error: " + e.getMessage());
            return 1;
        }
        String transport = VertxRuntime.transportName(vertx);
        try {
            Gateway gateway = Gateway.createForCheck(vertx, cfg, System::getenv);
            models = gateway.models();
            wildcards = gateway.wildcardsServed();
            counts = gateway.modelCounts(cfg.deployments().size());
            warnings = gateway.warnings();
            unpriced = gateway.unpriced();
            prices = gateway.priceSource();
            gateway.shutdown();
            // The gateway above ran on a scratch store; the configured one is only looked at (PostgreSQL read-only,
            // the SQLite file not opened): a check must not migrate a production schema nor leave a file where it ran.
            store = Gateway.probeStore(cfg);
        } catch (IllegalArgumentException e) {
            System.out.println("INVALID " + config + ":");
            for (String line : e.getMessage().split("\n")) System.out.println("  error: " + line);
            return 1;
        } catch (IllegalStateException e) {
            System.out.println("INVALID " + config + ":");
            System.out.println("  error: " + e.getMessage());
            return 1;
        } finally {
            vertx.close();
        }
        System.out.println("OK " + config + ": " + counts);
        // columns as wide as their widest cell: fixed widths broke on a long model or base URL
        // a cloud provider's own sign-in (an AWS profile, a Google service account) is named as what it is, not as an API key
        Table table = new Table("MODEL", "DEPLOYMENT", "API BASE", "KEY / CREDENTIALS");
        for (ServedModel m : models) {
            table.row(m.alias(), m.servedBy(), m.baseUrl() == null ? "-" : m.baseShown(), m.signIn() != null ? m.signIn()
                    : m.apiKey() == null ? "-" : m.apiKey().masked() + ("api_key".equals(m.keySource()) ? "" : " (" + m.keySource() + ")"));
        }
        table.print(System.out, "  ");
        wildcards.forEach((pattern, lines) -> {
            System.out.println("  wildcard \"" + pattern + "\" serves:");
            lines.forEach(l -> System.out.println("    " + l));
        });
        System.out.println("  master key: " + (cfg.general().masterKey() != null ? cfg.general().masterKey().masked()
                + " (from " + cfg.general().sources().masterKey() + ")"
                : cfg.general().jwtAuthEnabled() ? "none (JWT auth: every caller needs a token or a virtual key)" : "none (loopback only)"));
        if (cfg.general().jwtAuthEnabled()) System.out.println("  JWT auth: keys from " + jwtUrls(cfg.general().jwtAuth()));
        System.out.println("  store: " + store + (cfg.general().sources().databaseUrl() == null ? ""
                : " (URL from " + cfg.general().sources().databaseUrl() + ")"));
        System.out.println("  event loop transport: " + transport + " (event_loop_transport: "
                + cfg.general().eventLoopTransport().configName() + ")");
        System.out.println("  prices: " + prices);
        // which channels budget alerts go to, and where: the hooks' URLs masked (their paths are their secrets)
        if (cfg.general().alerting().budgetAlerts()) System.out.println("  budget alerts: " + cfg.general().alerting().describe());
        unpriced.forEach(u -> System.out.println("  unpriced: " + u + " (its calls cost $0)")); // the reason says how to price it
        if (explain) {
            System.out.println("  effective settings (value, then where it came from):");
            ConfigExplainer.print(System.out, cfg, models);
        }
        // the config's and the gateway's (a hosted provider without a key) together, by line
        java.util.List<String> all = new java.util.ArrayList<>(cfg.warnings());
        all.addAll(warnings);
        // a key of no telling shape is looked up in the store as serve does once it is open: read-only, PostgreSQL only
        // (the SQLite file is not opened by check; serve still refuses such a key there)
        java.util.List<String> ownKey;
        try (dev.switchboard.pipeline.StoreKeys storeKeys = Gateway.storeKeys(cfg)) {
            ownKey = dev.switchboard.pipeline.OwnKeyUpstream.refusals(cfg, System::getenv, storeKeys);
            if (storeKeys.failure() != null) all.add("could not look the exported key up in the store (" + storeKeys.failure()
                    + "); judged by its shape only");
        }
        ownKey.forEach(r -> all.add("serve would refuse to start: " + r));
        dev.switchboard.config.ConfigMessages.inLineOrder(all).forEach(w -> System.out.println("  warning: " + w));
        return 0;
    }

    /** Every JWKS or discovery URL the JWT settings name (the global one and each issuer's). */
    @SuppressWarnings("unchecked")
    private static java.util.List<String> jwtUrls(java.util.Map<String, Object> jwt) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Object i : (java.util.List<Object>) jwt.getOrDefault("issuers", java.util.List.of())) {
            out.addAll((java.util.List<String>) ((java.util.Map<String, Object>) i).get("jwks_urls"));
        }
        if (jwt.get("global") instanceof java.util.Map<?, ?> g) out.addAll((java.util.List<String>) g.get("jwks_urls"));
        return out;
    }
}
