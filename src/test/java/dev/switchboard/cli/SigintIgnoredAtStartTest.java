package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QA (thirty-ninth session): {@code switchboard serve … &} in a script starts with SIGINT ignored (a non-interactive
 * shell does so for background jobs) and the JVM kept the ignore, so the script's {@code kill -INT} or a Ctrl-C did not
 * stop it. LiteLLM's uvicorn and Go's signal.Notify take SIGINT all the same; so does serve now: drained, exit 0.
 */
class SigintIgnoredAtStartTest {
    @TempDir
    Path dir;

    @Test
    void aGatewayStartedWithSigintIgnoredStopsOnSigintAsInATerminal() throws Exception {
        Path config = GatewayProcess.writeConfig(dir.resolve("config.yaml"), "http://127.0.0.1:9/v1",
                "  database_path: " + dir.resolve("sb.db") + "\n");
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gw = GatewayProcess.start(config, Map.of("PROVIDER_KEY", "sk-provider-test-0000", "MASTER_KEY",
                "sk-master-test-0000"), log, List.of(), List.of(), true)) {
            ProcessHandle java = ProcessHandle.of(gw.pid()).orElseThrow();
            // sh exec'd the JVM: the pid is the JVM's, and its SIGINT was ignored from the start (SigIgn bit 2 set)
            String status = Files.readString(Path.of("/proc/" + gw.pid() + "/status"));
            assertThat(java.info().command().orElse("")).endsWith("java");
            new ProcessBuilder("kill", "-INT", Long.toString(gw.pid())).start().waitFor(5, TimeUnit.SECONDS);
            boolean gone = java.onExit().toCompletableFuture().completeOnTimeout(null, 30, TimeUnit.SECONDS).join() != null;
            assertThat(gone).as("stopped on SIGINT:\n" + Files.readString(log) + "\n" + status).isTrue();
            assertThat(Files.readString(log)).contains("Stopping: finishing requests in flight").contains("Stopped");
        }
    }
}
