package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.ServeFixture;
import dev.switchboard.support.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code general_settings.background_thread_nice} in a started gateway: the store writers' threads (ledger, request log,
 * WAL checkpointer) run at the configured nice value, read from the kernel ({@code /proc/<pid>/task/<tid>/stat}, field
 * 19), the event loop stays at the gateway's own, the start's log says what was applied; 0 leaves every thread as it is.
 */
class BackgroundNiceIT {
    /** The writers' thread names as the kernel keeps them (15 characters). */
    private static final String LEDGER = "switchboard-led", REQUEST_LOG = "switchboard-req", CHECKPOINT = "switchboard-che";

    @RegisterExtension
    final ServeFixture serve = new ServeFixture();

    @BeforeAll
    static void linux() {
        assumeThat(Files.exists(Path.of("/proc/thread-self"))).as("Linux").isTrue();
    }

    @Test
    void theStoreWritersRunAtTheConfiguredNiceAndTheEventLoopDoesNot() throws Exception {
        assumeThat(reniceThere()).as("renice (util-linux) on this machine").isTrue();
        int base = ownNice(); // the gateway starts at this JVM's nice (a niced build: 5)
        int nice = base + 3; // the writers go to the gateway's own nice + the setting
        assumeThat(nice).as("room below this JVM's own priority").isLessThanOrEqualTo(19);
        try (GatewayProcess gw = serve.start(serve.config(serve.sqlite() + "  background_thread_nice: 3\n"))) {
            Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(nices(gw.pid()))
                    .containsEntry(LEDGER, nice).containsEntry(REQUEST_LOG, nice).containsEntry(CHECKPOINT, nice));
            Map<String, List<Integer>> all = allNices(gw.pid());
            assertThat(all.get("vert.x-eventloo")).as("every event loop thread").isNotEmpty().containsOnly(base);
            assertThat(all.get("VM Thread")).containsOnly(base);
            assertThat(serve.logText()).containsPattern(
                    "store: thread switchboard-(ledger|request-log|checkpoint) runs at nice " + nice + " \\(the gateway's "
                            + base + " \\+ 3, tid \\d+\\) \\(general_settings.background_thread_nice\\)");
            // and it still writes
            assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void zeroLeavesTheWritersAtTheGatewaysPriority() throws Exception {
        try (GatewayProcess gw = serve.start(serve.config(serve.sqlite() + "  background_thread_nice: 0\n"))) {
            assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
            Thread.sleep(1_500); // past the checkpointer's first period: nothing lowers anything later
            int base = ownNice();
            assertThat(nices(gw.pid())).containsEntry(LEDGER, base).containsEntry(REQUEST_LOG, base).containsEntry(CHECKPOINT, base);
            assertThat(serve.logText()).doesNotContain("background_thread_nice");
        }
    }

    /** This JVM's main nice value (the gateway process inherits it). */
    private static int ownNice() throws IOException {
        return nice(Files.readString(Path.of("/proc/self/stat")));
    }

    private static int nice(String stat) {
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]); // field 19: [0] is field 3
    }

    /** Whether there is a renice for the gateway to run (where there is none the writers stay as they are, logged). */
    private static boolean reniceThere() {
        if (Files.isExecutable(Path.of("/usr/bin/renice")) || Files.isExecutable(Path.of("/bin/renice"))) return true;
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "renice"))) return true;
        }
        return false;
    }

    /** The nice value of each of the process's threads by name (the last one of a name wins). */
    private static Map<String, Integer> nices(long pid) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        allNices(pid).forEach((name, values) -> out.put(name, values.get(values.size() - 1)));
        return out;
    }

    /** The nice values of all of the process's threads by name (several event loop threads share one). */
    private static Map<String, List<Integer>> allNices(long pid) throws IOException {
        Map<String, List<Integer>> out = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(stat.indexOf('(') + 1, close);
                    out.computeIfAbsent(name, k -> new ArrayList<>()).add(nice(stat));
                } catch (IOException | RuntimeException gone) { // a thread that ended meanwhile
                }
            }
        }
        return out;
    }
}
