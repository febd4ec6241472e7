package dev.switchboard.cli;

import dev.switchboard.config.EventLoopTransport;
import dev.switchboard.simulator.ProviderSimulator;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the OpenAI wire-format simulator on its own, e.g. as the upstream of the benchmark. */
@Command(name = "simulator", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Run the OpenAI-compatible provider simulator (for tests and benchmarks).")
final class SimulatorCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "4010", converter = OptionValues.Port.class,
            description = "Port, 0 to 65535 (default ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--event-loops", defaultValue = "1", converter = OptionValues.AtLeastOne.class,
            description = "Event loops, 1 or more (default ${DEFAULT-VALUE}).")
    int eventLoops;

    @Option(names = "--slow-model", description = "A model whose streams send one event every --chunk-delay-ms (long streams,"
            + " for bench/streams.sh); other models answer at once.")
    String slowModel;

    @Option(names = "--chunk-delay-ms", defaultValue = "250", converter = OptionValues.Millis.class,
            description = "The slow model's wait between events, 0 or more (default ${DEFAULT-VALUE}).")
    long chunkDelayMs;

    @Option(names = "--transport", defaultValue = "auto", description = "Event loop transport: auto (io_uring, else epoll, else NIO, as the "
            + "gateway's general_settings.event_loop_transport), io_uring, epoll or nio (default ${DEFAULT-VALUE}).")
    String transport;

    @Override
    public Integer call() throws Exception {
        EventLoopTransport t = EventLoopTransport.parse(transport);
        if (t == null) {
            System.err.println("--transport " + transport + " is not a transport. Fix: use one of " + EventLoopTransport.configNames() + ".");
            return 2;
        }
        String unresolvable = ListenFailure.unresolvable(host);
        if (unresolvable != null) {
            System.err.println(unresolvable);
            return 1;
        }
        Vertx vertx;
        try {
            vertx = VertxRuntime.create(eventLoops, t);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage().replace("general_settings.event_loop_transport is", "--transport"));
            return 2;
        }
        ProviderSimulator sim;
        try {
            sim = ProviderSimulator.start(vertx, host, port, false).toCompletionStage().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            System.err.println(ListenFailure.describe(host, port, e));
            vertx.close();
            return 1;
        }
        if (slowModel != null) sim.behaveAlways(slowModel, dev.switchboard.simulator.SimBehaviour.longSlowStream(chunkDelayMs, 1));
        System.err.println("simulator: OpenAI wire format on " + Launch.httpUrl(host, sim.port()) + "/v1");
        new CountDownLatch(1).await();
        return 0;
    }
}
