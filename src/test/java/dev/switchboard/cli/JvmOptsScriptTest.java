package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's default JVM options (scripts/jvm-opts.sh, shared by ./switchboard and every bench script), per the
 * CPUs the JVM will see and the JDK it runs on: the one-CPU defaults keep Serial and raise the metaspace trigger, JDK 24+
 * lets Netty use {@code sun.misc.Unsafe}, and a user's own options win.
 */
class JvmOptsScriptTest {
    private static final String ALLOW_UNSAFE = "--sun-misc-unsafe-memory-access=allow";

    @TempDir
    Path jdks;

    /** The options for a JDK of the given feature version (the script reads JAVA_HOME/release, as in a real JDK). */
    private List<String> opts(String user, int cpus, int jdk) throws IOException, InterruptedException {
        Path home = Files.createDirectories(jdks.resolve("jdk-" + jdk));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + jdk + ".0.3\"\n");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source scripts/jvm-opts.sh && switchboard_jvm_opts \"$1\" \"$2\"",
                "_", user, Integer.toString(cpus)).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", home.toString());
        pb.environment().remove("SWITCHBOARD_HEAP");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.isEmpty() ? List.of() : List.of(out.split(" "));
    }

    private List<String> opts(String user, int cpus) throws IOException, InterruptedException { return opts(user, cpus, 25); }

    @Test
    void oneCpuKeepsTheJvmsCollectorAndLeavesOutMetaspaceFullCollections() throws Exception {
        assertThat(opts("", 1)).contains("-Xmx1g", "-XX:MetaspaceSize=64m").noneMatch(o -> o.startsWith("-XX:+Use"));
    }

    @Test
    void twoCpusGetZgcAndNoMetaspaceTrigger() throws Exception {
        assertThat(opts("", 2)).contains("-XX:+UseZGC").noneMatch(o -> o.startsWith("-XX:MetaspaceSize"));
    }

    @Test
    void nettyMayUseUnsafeFromJdk24AndOlderJdksAreNotGivenAFlagTheyDoNotKnow() throws Exception {
        assertThat(opts("", 1, 25)).contains(ALLOW_UNSAFE);
        assertThat(opts("", 2, 24)).contains(ALLOW_UNSAFE);
        assertThat(opts("", 2, 21)).doesNotContain(ALLOW_UNSAFE).contains("-XX:+ZGenerational");
        assertThat(opts("", 1, 23)).doesNotContain(ALLOW_UNSAFE);
    }

    @Test
    void theUsersOwnOptionsWin() throws Exception {
        assertThat(opts("-XX:MetaspaceSize=128m -Xmx2g --sun-misc-unsafe-memory-access=warn", 1)).isEmpty();
        assertThat(opts("-XX:+UseG1GC", 2)).doesNotContain("-XX:+UseZGC");
    }
}
