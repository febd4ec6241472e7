package dev.switchboard.cli;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.Deployment;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.pipeline.Gateway;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Validate a config and print the resolved model list (keys masked).")
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Path to config.yaml.")
    Path config;

    @Override
    public Integer call() {
        GatewayConfig cfg;
        try {
            cfg = ConfigLoader.fromEnvironment().load(config);
        } catch (ConfigException e) {
            System.out.println("INVALID " + config + ":");
            e.problems().forEach(p -> System.out.println("  error: " + p));
            return 1;
        }
        Vertx vertx = VertxRuntime.create(1);
        try {
            Gateway.create(vertx, cfg, System::getenv).close();
        } catch (IllegalArgumentException e) {
            System.out.println("INVALID " + config + ":");
            for (String line : e.getMessage().split("\n")) System.out.println("  error: " + line);
            return 1;
        } finally {
            vertx.close();
        }
        System.out.println("OK " + config + ": " + cfg.deployments().size() + " deployment(s), "
                + cfg.aliases().size() + " model(s)");
        System.out.printf("  %-20s %-40s %-36s %s%n", "MODEL", "DEPLOYMENT", "API BASE", "API KEY");
        for (Deployment d : cfg.deployments()) {
            System.out.printf("  %-20s %-40s %-36s %s%n", d.alias(), d.id(),
                    d.apiBase() == null ? "(default)" : d.apiBase(), d.apiKey() == null ? "-" : d.apiKey().masked());
        }
        System.out.println("  master key: " + (cfg.general().masterKey() == null ? "none (loopback only)" : cfg.general().masterKey().masked()));
        cfg.warnings().forEach(w -> System.out.println("  warning: " + w));
        return 0;
    }
}
