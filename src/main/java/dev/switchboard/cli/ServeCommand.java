package dev.switchboard.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Run the gateway with a LiteLLM-compatible config.yaml.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"--config", "-c"}, required = true, description = "Path to config.yaml.")
    Path config;

    @Option(names = "--port", defaultValue = "4000", converter = OptionValues.Port.class,
            description = "Port, 0 to 65535 (default ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"--detailed_debug", "--debug"}, description = "Log Switchboard's DEBUG lines too (LiteLLM's flags; "
            + "LITELLM_LOG=DEBUG does the same). Keys stay masked.")
    boolean debug;

    /** LiteLLM's uvicorn workers: one process here uses every core, so the option is warned and ignored. */
    @Option(names = "--num_workers", hidden = true)
    String numWorkers;

    @Option(names = "--event-loops", defaultValue = "0", hidden = true, converter = OptionValues.NotNegative.class,
            description = "Event loops (0 = one per core).")
    int eventLoops;

    @Override
    public Integer call() {
        DebugLogging.enable(DebugLogging.asked(debug, System::getenv));
        if (numWorkers != null) {
            org.slf4j.LoggerFactory.getLogger("switchboard").warn("--num_workers {} ignored: it is LiteLLM's count of worker "
                    + "processes; one Switchboard process uses every core (one event loop per core)", numWorkers);
        }
        return Launch.serve(config, null, System::getenv, host, port, eventLoops, null);
    }
}
