package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .ci/run runs under {@code set -euo pipefail}: a client CLI that npm could not install (no network, a registry down)
 * must leave its test to fail with a message, not end the whole CI run at the {@code find} that looks for its binary
 * (find exits 1 on a missing directory, and pipefail makes the pipeline's status that 1). Each {@code $(find …)} line
 * of the script is run as the script runs it, with the cache directory missing.
 */
class CiScriptTest {
    @TempDir
    Path empty;

    @Test
    void aMissingClientInstallDoesNotEndTheScript() throws Exception {
        List<String> finds = Files.readAllLines(Path.of(".ci/run")).stream()
                .filter(l -> l.matches("\\s*[A-Z_]+=\"\\$\\(find .*")).map(String::strip).toList();
        assertThat(finds).as("the CODEX_BIN and CLAUDE_BIN look-ups").hasSizeGreaterThanOrEqualTo(2);
        for (String line : finds) {
            String missing = empty.resolve("not-installed").toString();
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; codex_dir=\"$1\"; claude_dir=\"$1\"; "
                    + line + "; echo reached", "_", missing).redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as(line).isEqualTo("reached");
            assertThat(p.exitValue()).as(line).isZero();
        }
    }
}
