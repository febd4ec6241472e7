package dev.switchboard.cli;

import dev.switchboard.simulator.ProviderSimulator;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the gateway on the bundled demo config with no keys and no network: {@code mock/} models answer
 * in-process, and an {@code openai/} model is served by the built-in OpenAI simulator on a free local port,
 * so the real OpenAI provider path is exercised too.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Run with a bundled config on the built-in mock provider and simulator (no keys needed).")
final class DemoCommand implements Callable<Integer> {
    static final String SIMULATOR_ENV = "SWITCHBOARD_DEMO_SIMULATOR";

    @Option(names = "--port", defaultValue = "4000", converter = OptionValues.Port.class,
            description = "Port, 0 to 65535 (default ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = {"--detailed_debug", "--debug"}, description = "Log Switchboard's DEBUG lines too (LiteLLM's flags; "
            + "LITELLM_LOG=DEBUG does the same). Keys stay masked.")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        DebugLogging.apply(debug, System::getenv);
        String config;
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo-config.yaml")) {
            if (in == null) throw new IOException("demo-config.yaml missing from the jar");
            config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // before the simulator starts and the store is created: a demo on a port in use left both behind it
        String taken = PortProbe.refusal("127.0.0.1", port);
        if (taken != null) {
            System.err.println(taken);
            return 1;
        }
        int loops = Runtime.getRuntime().availableProcessors();
        // The bundled config leaves event_loop_transport at auto, and the simulator shares the gateway's Vert.x.
        Vertx vertx = VertxRuntime.create(loops, dev.switchboard.config.EventLoopTransport.AUTO);
        ProviderSimulator sim = ProviderSimulator.start(vertx, "127.0.0.1", 0, false)
                .toCompletionStage().toCompletableFuture().get();
        String simBase = sim.baseUrl();
        // A random key: the gateway masks any 8-character run of a provider key in what comes back, so a key made of
        // words ("sk-demo-simulator-key") masked the word "simulator" in the simulator's own answers.
        String simKey = "sk-demo-" + java.util.HexFormat.of().formatHex(randomBytes());
        System.err.println("demo: OpenAI simulator on " + simBase);
        return Launch.serve(null, config, name -> SIMULATOR_ENV.equals(name) ? simBase
                : "SIMULATOR_KEY".equals(name) ? simKey : System.getenv(name),
                "127.0.0.1", port, loops, vertx);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }
}
