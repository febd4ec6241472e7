package dev.switchboard.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code switchboard serve} in a JVM of its own (the test's classpath, {@code dev.switchboard.cli.Main}), so a test can
 * kill it as an operator or the OOM killer would: {@link #kill9} is SIGKILL (no shutdown hook, no flush), {@link #terminate}
 * is SIGTERM (the gateway drains, as after Ctrl-C). Its output goes to a log file whose tail is shown when it fails to start.
 */
public final class GatewayProcess implements AutoCloseable {
    /** How a process killed by a signal reports its exit on Linux: 128 + the signal's number. */
    public static final int EXIT_SIGKILL = 128 + 9;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private GatewayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the gateway on a free loopback port and returns once {@code /health/readiness} answers 200.
     *
     * @param env extra environment variables (what the config's {@code os.environ/…} names)
     * @param log where the process's stdout and stderr go (appended, so a restart keeps the first run's lines)
     */
    public static GatewayProcess start(Path config, Map<String, String> env, Path log) {
        return start(config, env, log, List.of());
    }

    /**
     * Writes the config the process tests run: one alias, {@code gpt}, served by the simulator at {@code simBaseUrl}
     * (its key {@code os.environ/PROVIDER_KEY}, no retries), the master key {@code os.environ/MASTER_KEY}, and
     * {@code storeSettings} (indented lines under {@code general_settings}: where the store is).
     */
    public static Path writeConfig(Path file, String simBaseUrl, String storeSettings) throws IOException {
        return writeConfig(file, simBaseUrl, "", storeSettings);
    }

    /** With more {@code litellm_params} lines of the alias ({@code deploymentLines}, indented six spaces). */
    public static Path writeConfig(Path file, String simBaseUrl, String deploymentLines, String storeSettings) throws IOException {
        return Files.writeString(file, """
                model_list:
                  - model_name: gpt
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: "%s"
                      api_key: os.environ/PROVIDER_KEY
                %srouter_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                %s""".formatted(simBaseUrl, deploymentLines, storeSettings));
    }

    /** With extra JVM options ({@code -Dio.netty.transport.noNative=true}: a machine without native transports). */
    public static GatewayProcess start(Path config, Map<String, String> env, Path log, List<String> jvmOptions) {
        return start(config, env, log, jvmOptions, List.of());
    }

    /** With options of {@code serve} after its {@code --config} and {@code --port} ({@code --detailed_debug}). */
    public static GatewayProcess start(Path config, Map<String, String> env, Path log, List<String> jvmOptions, List<String> serveOptions) {
        return start(config, env, log, jvmOptions, serveOptions, false);
    }

    /**
     * @param sigintIgnored started as a non-interactive shell starts a background job ({@code serve … &} in a script):
     *     with SIGINT ignored, through {@code sh -c 'trap "" INT; exec …'}
     */
    public static GatewayProcess start(Path config, Map<String, String> env, Path log, List<String> jvmOptions,
                                       List<String> serveOptions, boolean sigintIgnored) {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        // the suite's sync interval and lock silence (pom.xml), as the gateways in this JVM have them
        String sync = System.getProperty("switchboard.sync-millis");
        if (sync != null) command.add("-Dswitchboard.sync-millis=" + sync);
        String silence = System.getProperty("switchboard.lock-silence-millis");
        if (silence != null) command.add("-Dswitchboard.lock-silence-millis=" + silence);
        // as the jar's manifest (Enable-Native-Access): serve's sigaction call (IgnoredSignal) prints no
        // restricted-method warning
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.switchboard.cli.Main", "serve",
                "--config", config.toString(), "--port", Integer.toString(port)));
        command.addAll(serveOptions);
        if (sigintIgnored) command.addAll(0, List.of("sh", "-c", "trap '' INT; exec \"$@\"", "sh"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the gateway process", e);
        }
        GatewayProcess gp = new GatewayProcess(p, port, log);
        gp.awaitReady(Duration.ofSeconds(30));
        return gp;
    }

    private void awaitReady(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/health/readiness")).timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited with " + process.exitValue() + " before it was ready:\n" + logTail());
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                killQuietly(); // nobody gets this process to close: it must not outlive the test
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the gateway to be ready", e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                killQuietly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the gateway to be ready", e);
            }
        }
        killQuietly();
        throw new IllegalStateException("the gateway was not ready within " + within + ":\n" + logTail());
    }

    /**
     * SIGKILL and up to 5 s for the process to be gone, for a start that failed (the caller has no process to close).
     * Waits through an interrupt (and restores the flag), since the point is that the process is gone before the test goes on.
     */
    private void killQuietly() {
        process.destroyForcibly();
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    public String baseUrl() { return "http://127.0.0.1:" + port; }

    public int port() { return port; }

    public String v1() { return baseUrl() + "/v1"; }

    public long pid() { return process.pid(); }

    /**
     * {@code kill -9}: SIGKILL, which the JVM cannot catch, so no shutdown hook runs. Waits for the process to be gone
     * and checks, from its exit status, that SIGKILL is what ended it.
     */
    public void kill9() {
        process.destroyForcibly(); // on Linux: kill(pid, SIGKILL)
        int exit = await();
        if (exit != EXIT_SIGKILL) throw new IllegalStateException("expected the gateway to die of SIGKILL (137), it exited with " + exit);
    }

    /**
     * {@code kill <pid>}: SIGTERM; the gateway drains and exits with 0 (1 when its ledger could not write every row).
     * @return the exit status
     */
    public int terminate() {
        process.destroy(); // on Linux: kill(pid, SIGTERM)
        return await();
    }

    private int await() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the gateway did not exit within 30 s:\n" + logTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines the process wrote, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            await();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
