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

    /** Null when not given: then LiteLLM's {@code PORT} variable, else 4000 (a flag beats the variable, as click's envvar). */
    @Option(names = "--port", converter = OptionValues.Port.class,
            description = "Port, 0 to 65535 (default $PORT, else 4000; 0: any free port).")
    Integer port;

    /** Null when not given: then LiteLLM's {@code HOST} variable, else 127.0.0.1 (LiteLLM's default is 0.0.0.0). */
    @Option(names = "--host", description = "Address to listen on (default $HOST, else 127.0.0.1).")
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

    /** The environment: LiteLLM's HOST, PORT, NUM_WORKERS and LITELLM_LOG are read here (a test gives its own). */
    java.util.function.Function<String, String> env = System::getenv;

    @Override
    public Integer call() {
        DebugLogging.apply(debug, env);
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DebugLogging.LIFECYCLE);
        String workers = numWorkers != null ? "--num_workers " + numWorkers : given("NUM_WORKERS") != null ? "NUM_WORKERS=" + given("NUM_WORKERS") : null;
        if (workers != null) {
            log.warn("{} ignored: it is LiteLLM's count of worker processes; one Switchboard process uses every core (one "
                    + "event loop per core)", workers);
        }
        String h = host;
        if (h == null && given("HOST") != null) {
            h = given("HOST");
            log.info("Address {} from $HOST (LiteLLM's variable; --host overrides it)", h);
            // LiteLLM's HOST default is 0.0.0.0, and a HOST exported for another program reaches this one too
            if (!Launch.isLoopback(h)) {
                log.warn("$HOST={} is not a loopback address: the gateway is reachable from the network. Fix: unset HOST "
                        + "or pass --host 127.0.0.1 if that is not meant", h);
            }
        }
        Integer p = port;
        if (p == null && given("PORT") != null) {
            try {
                p = new OptionValues.Port().convert(given("PORT"));
            } catch (picocli.CommandLine.TypeConversionException e) {
                System.err.println("$PORT: " + e.getMessage() + ". Fix: export PORT=4000, unset it, or pass --port.");
                return 2;
            }
            log.info("Port {} from $PORT (LiteLLM's variable; --port overrides it)", p);
        }
        return Launch.serve(config, null, env, h == null ? "127.0.0.1" : h, p == null ? 4000 : p, eventLoops, null,
                host == null && h != null ? "$HOST" : null);
    }

    /** The variable's value, null when unset or blank (an empty HOST= is not an address). */
    private String given(String name) {
        String v = env.apply(name);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
