package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.ServeFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * QA (thirty-ninth session): {@code switchboard serve … &} in a script starts with SIGINT ignored (a non-interactive
 * shell does so for background jobs) and the JVM kept the ignore, so the script's {@code kill -INT} or a Ctrl-C did not
 * stop it. LiteLLM's uvicorn and Go's signal.Notify take SIGINT all the same; so does serve now: drained, exit 0.
 */
class SigintIgnoredAtStartTest {
    @RegisterExtension
    final ServeFixture serve = new ServeFixture();

    /** The SigIgn mask of /proc/PID/status has SIGINT's bit (signal 2: 0x2) set. */
    private static boolean sigintIgnored(String status) {
        String mask = status.lines().filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow().substring(7).strip();
        return (new java.math.BigInteger(mask, 16).longValue() & 0x2L) != 0;
    }

    @Test
    void aGatewayStartedWithSigintIgnoredStopsOnSigintAsInATerminal() throws Exception {
        // the Foreign Function API (final in 22) is what takes the ignored signal; on 21 serve warns "stop with SIGTERM"
        assumeTrue(Runtime.version().feature() >= 22, "Java 22 or later");
        assumeTrue(Files.exists(Path.of("/proc/self/status")), "Linux /proc");
        // the wrapper GatewayProcess uses does start its command with SIGINT ignored
        Process probe = new ProcessBuilder("sh", "-c", "trap '' INT; exec cat /proc/self/status").start();
        String probed = new String(probe.getInputStream().readAllBytes());
        probe.waitFor(5, TimeUnit.SECONDS);
        assertThat(sigintIgnored(probed)).as(probed).isTrue();
        // the fixture's directory, simulator, keys and log, and the process closed after the test whatever happens
        GatewayProcess gw = serve.startWithSigintIgnored(serve.config(serve.sqlite()));
        ProcessHandle java = ProcessHandle.of(gw.pid()).orElseThrow();
        // sh exec'd the JVM: the pid is the JVM's
        assertThat(java.info().command().orElse("")).endsWith("java");
        // taken before the port answered: at readiness SIGINT is no longer ignored
        String status = Files.readString(Path.of("/proc/" + gw.pid() + "/status"));
        assertThat(sigintIgnored(status)).as("SIGINT still ignored at readiness:\n" + status + serve.logText()).isFalse();
        assertThat(serve.logText()).doesNotContain("could not be taken").doesNotContain("restricted method");
        new ProcessBuilder("kill", "-INT", Long.toString(gw.pid())).start().waitFor(5, TimeUnit.SECONDS);
        boolean gone = java.onExit().toCompletableFuture().completeOnTimeout(null, 30, TimeUnit.SECONDS).join() != null;
        assertThat(gone).as("stopped on SIGINT:\n" + serve.logText() + "\n" + status).isTrue();
        assertThat(serve.logText()).contains("Stopping: finishing requests in flight").contains("Stopped");
    }
}
