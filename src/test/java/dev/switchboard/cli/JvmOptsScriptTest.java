package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher's default JVM options (scripts/jvm-opts.sh, shared by ./switchboard and every bench script), per the
 * CPUs the JVM will see: the one-CPU defaults keep Serial and raise the metaspace trigger, and a user's own options win.
 */
class JvmOptsScriptTest {
    private static List<String> opts(String user, int cpus) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "source scripts/jvm-opts.sh && switchboard_jvm_opts \"$1\" \"$2\"", "_",
                user, Integer.toString(cpus)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.isEmpty() ? List.of() : List.of(out.split(" "));
    }

    @Test
    void oneCpuKeepsTheJvmsCollectorAndLeavesOutMetaspaceFullCollections() throws Exception {
        assertThat(opts("", 1)).contains("-Xmx1g", "-XX:MetaspaceSize=64m").noneMatch(o -> o.startsWith("-XX:+Use"));
    }

    @Test
    void twoCpusGetZgcAndNoMetaspaceTrigger() throws Exception {
        assertThat(opts("", 2)).contains("-XX:+UseZGC").noneMatch(o -> o.startsWith("-XX:MetaspaceSize"));
    }

    @Test
    void theUsersOwnOptionsWin() throws Exception {
        assertThat(opts("-XX:MetaspaceSize=128m -Xmx2g", 1)).isEmpty();
        assertThat(opts("-XX:+UseG1GC", 2)).doesNotContain("-XX:+UseZGC");
    }
}
