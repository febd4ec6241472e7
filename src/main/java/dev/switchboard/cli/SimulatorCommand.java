package dev.switchboard.cli;

import dev.switchboard.config.EventLoopTransport;
import dev.switchboard.simulator.ProviderSimulator;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the provider simulator on its own, e.g. as the upstream of the benchmark or to try a config without providers'
 * accounts: OpenAI's, Anthropic's, Gemini's, Azure's, Bedrock's and Vertex AI's wire formats on one port.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Run the provider simulator (OpenAI, Anthropic, Gemini, Azure OpenAI, Bedrock, Vertex AI wire formats;"
                + " for tests, benchmarks and trying a config locally).")
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
            description = "The slow and the cut model's wait between events, 0 or more (default ${DEFAULT-VALUE}).")
    long chunkDelayMs;

    @Option(names = "--cut-model", description = "A model whose streams the simulator breaks off: it drops the connection after"
            + " --cut-after events, sent every --chunk-delay-ms (no error event, no end: a provider whose connection broke); other models answer whole.")
    String cutModel;

    @Option(names = "--cut-after", defaultValue = "3", converter = OptionValues.AtLeastOne.class,
            description = "How many events the cut model's streams send before the connection is dropped, 1 or more (default ${DEFAULT-VALUE});"
                    + " a stream with no more events than that is cut before its last one (a one-event stream, as the simulator's Gemini streams are, sends none).")
    int cutAfter;

    @Option(names = "--transport", defaultValue = "auto", description = "Event loop transport: auto (io_uring, else epoll, else NIO, as the "
            + "gateway's general_settings.event_loop_transport), io_uring, epoll or nio (default ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--vertex-credentials", paramLabel = "FILE", description = "Write a service-account JSON key file the"
            + " simulator trusts to FILE (its token_uri is the simulator's /token), for vertex_ai/ deployments with"
            + " vertex_credentials: FILE and api_base: the simulator's URL.")
    Path vertexCredentials;

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
        if (cutModel != null) sim.behaveAlways(cutModel, new dev.switchboard.simulator.SimBehaviour(0, 0, 0, chunkDelayMs, cutAfter, 1, null));
        // a client on this machine reaches a wildcard address at the loopback one
        String reachable = Launch.httpUrl(host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host, sim.port());
        if (vertexCredentials != null) {
            try {
                writePrivately(vertexCredentials, sim.newVertexServiceAccount(reachable + "/token"));
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("--vertex-credentials " + vertexCredentials + ": cannot write the file (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "). Fix: name a file in a directory you can write.");
                sim.close();
                vertx.close();
                return 2;
            }
        }
        System.err.println("simulator: OpenAI wire format on " + Launch.httpUrl(host, sim.port()) + "/v1");
        System.err.println("  also Anthropic (/v1/messages), Gemini (/v1beta/models/...), Azure OpenAI (/openai/...), Bedrock (/model/...,"
                + " SigV4 with access key " + ProviderSimulator.BEDROCK_ACCESS_KEY + ", any region) and Vertex AI (/v1/projects/...)");
        if (vertexCredentials != null) {
            System.err.println("  Vertex AI credentials: " + vertexCredentials.toAbsolutePath() + " (project " + ProviderSimulator.VERTEX_PROJECT
                    + "): set vertex_credentials to it and api_base: " + reachable);
        } else {
            System.err.println("  Vertex AI needs a token from this simulator: start it with --vertex-credentials FILE");
        }
        try {
            new CountDownLatch(1).await(); // until the process is stopped (or, in-process, the thread interrupted)
        } finally {
            sim.close().eventually(vertx::close);
        }
        return 0;
    }

    /** The file holds a private key: readable by its owner only, where the file system has POSIX permissions. */
    private static void writePrivately(Path file, String json) throws java.io.IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, json);
    }
}
