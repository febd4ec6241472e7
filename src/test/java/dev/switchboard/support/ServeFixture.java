package dev.switchboard.support;

import dev.switchboard.simulator.ProviderSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test of a real {@code switchboard serve} process ({@link GatewayProcess}) stands on, once for every such test
 * ({@code @RegisterExtension final ServeFixture serve = new ServeFixture();}): before each test a directory of its own and
 * the provider simulator (one event loop) on a free loopback port; after it both are gone. The config points the
 * gateway's one alias {@code gpt} at that simulator ({@link GatewayProcess#writeConfig}); {@link #start} runs the process
 * with the suite's keys ({@link #ENV}) and its output in {@link #log()}, and closes after the test whatever it started
 * and the test left running. What a test checks stays in the test.
 */
public final class ServeFixture implements BeforeEachCallback, AfterEachCallback {
    /** The environment the config's {@code os.environ/…} names: the suite's master key and provider key. */
    public static final Map<String, String> ENV = Map.of("MASTER_KEY", TestGateway.MASTER_KEY, "PROVIDER_KEY", TestGateway.PROVIDER_KEY);

    private final VertxOptions simulatorOptions;
    private Path dir;
    private Vertx vertx;
    private ProviderSimulator sim;
    /** What {@link #start} started in this test (from any thread), closed after it. */
    private final List<GatewayProcess> processes = new ArrayList<>();

    /** The simulator on one event loop. */
    public ServeFixture() {
        this(new VertxOptions().setEventLoopPoolSize(1));
    }

    /** The simulator's Vert.x as these options say (more event loops, for a test whose provider side is busy). */
    public ServeFixture(VertxOptions simulatorOptions) {
        this.simulatorOptions = simulatorOptions;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("serve-process-");
        vertx = Vertx.vertx(simulatorOptions);
        sim = TestGateway.await(ProviderSimulator.start(vertx, "127.0.0.1", 0, false));
    }

    /**
     * Closes every process {@link #start} started that is still running (a test that failed before its own close), then
     * the simulator, then deletes the directory. One step that fails does not skip the rest: the first failure is thrown
     * with the others suppressed.
     */
    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failed = null;
        List<GatewayProcess> started;
        synchronized (processes) {
            started = new ArrayList<>(processes);
            processes.clear();
        }
        for (GatewayProcess gp : started) {
            try {
                gp.close();
            } catch (RuntimeException e) {
                failed = add(failed, e);
            }
        }
        try {
            if (vertx != null) TestGateway.await(vertx.close());
        } catch (RuntimeException e) {
            failed = add(failed, e);
        }
        vertx = null;
        sim = null;
        if (dir != null) {
            List<Path> paths = List.of();
            try (Stream<Path> all = Files.walk(dir)) {
                paths = all.sorted(Comparator.reverseOrder()).toList();
            } catch (IOException e) {
                failed = add(failed, e);
            }
            for (Path p : paths) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    failed = add(failed, e);
                }
            }
            dir = null;
        }
        if (failed != null) throw failed;
    }

    private static Exception add(Exception first, Exception next) {
        if (first == null) return next;
        first.addSuppressed(next);
        return first;
    }

    /** The test's own directory (deleted after it). */
    public Path dir() { return dir; }

    public ProviderSimulator sim() { return sim; }

    /** Where {@link #start} sends the process's stdout and stderr (appended: a restart keeps the first run's lines). */
    public Path log() { return dir.resolve("gateway.log"); }

    /** The {@code general_settings} line of a SQLite store in {@link #dir()}. */
    public String sqlite() { return "  database_path: \"" + dir.resolve("switchboard.db") + "\"\n"; }

    /** {@code config.yaml} in {@link #dir()}: alias {@code gpt} on the simulator and these {@code general_settings} lines. */
    public Path config(String generalSettings) throws IOException {
        return config("", generalSettings);
    }

    /** With more {@code litellm_params} lines of the alias (indented six spaces). */
    public Path config(String deploymentLines, String generalSettings) throws IOException {
        return GatewayProcess.writeConfig(dir.resolve("config.yaml"), sim.baseUrl(), deploymentLines, generalSettings);
    }

    /** {@code serve} with {@link #ENV}, its output in {@link #log()}; returns once it is ready. */
    public GatewayProcess start(Path config) {
        return track(GatewayProcess.start(config, ENV, log()));
    }

    /** With its output in {@code logName} in {@link #dir()} (a test that starts one process after another, or two at once). */
    public GatewayProcess start(Path config, String logName) {
        return track(GatewayProcess.start(config, ENV, dir.resolve(logName)));
    }

    /** With extra JVM options (before the main class) and options of {@code serve} (after {@code --port}). */
    public GatewayProcess start(Path config, List<String> jvmOptions, List<String> serveOptions) {
        return track(GatewayProcess.start(config, ENV, log(), jvmOptions, serveOptions));
    }

    /**
     * With SIGINT ignored, as a non-interactive shell starts a background job ({@code serve … &} in a script):
     * {@link GatewayProcess#start(Path, Map, Path, List, List, boolean)}.
     */
    public GatewayProcess startWithSigintIgnored(Path config) {
        return track(GatewayProcess.start(config, ENV, log(), List.of(), List.of(), true));
    }

    private GatewayProcess track(GatewayProcess gp) {
        synchronized (processes) {
            processes.add(gp);
        }
        return gp;
    }

    /** Whatever the process wrote so far. */
    public String logText() {
        try {
            return Files.readString(log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
