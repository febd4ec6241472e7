package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * QA F10-F12, F15: a wrong number, host or file on the command line is one clear line and a non-zero exit, with the
 * advice that fits, never a stack trace (serve, demo, simulator, cache eval / bench, keys).
 */
class CommandLineValuesTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            int exit = new CommandLine(new Main()).execute(args);
            return new Run(exit, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Path config(String extra) throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n"
                + "general_settings: { master_key: sk-master-0123456789, database_path: \"" + dir.resolve("sb.db") + "\" }\n" + extra);
        return f;
    }

    private static void noTrace(Run r) {
        assertThat(r.err() + r.out()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void aPortOutOfRangeIsRefusedBeforeAnythingStarts() throws Exception {
        for (String command : new String[] {"serve", "simulator", "demo"}) {
            for (String port : new String[] {"-1", "65536", "99999"}) {
                Run r = command.equals("serve") ? run(command, "--config", config("").toString(), "--port", port) : run(command, "--port", port);
                assertThat(r.exit()).as(command + " --port " + port).isEqualTo(2);
                assertThat(r.err()).contains("Invalid value for option '--port': '" + port + "' is not a port: give 0 to 65535");
                noTrace(r);
            }
        }
    }

    @Test
    void aHostThatDoesNotResolveIsNotAPortInUse() throws Exception {
        Run serve = run("serve", "--config", config("").toString(), "--host", "nosuchhost.invalid", "--port", "0");
        assertThat(serve.exit()).isEqualTo(1);
        assertThat(serve.err()).contains("Cannot listen on nosuchhost.invalid: the name does not resolve")
                .doesNotContain("stop what uses the port").doesNotContain("master key");
        noTrace(serve);
        Run sim = run("simulator", "--host", "nosuchhost.invalid", "--port", "0");
        assertThat(sim.exit()).isEqualTo(1);
        assertThat(sim.err()).contains("the name does not resolve");
        noTrace(sim);
    }

    @Test
    void aPortInUseIsOneLineForTheSimulatorToo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run sim = run("simulator", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(sim.exit()).isEqualTo(1);
            // the event-loop log line, then one line for the failure
            assertThat(sim.err().strip().lines().filter(l -> !l.contains(" INFO "))).singleElement().asString()
                    .startsWith("Cannot listen on 127.0.0.1:" + taken.getLocalPort() + ":")
                    .contains("Fix: stop what uses port " + taken.getLocalPort());
            noTrace(sim);
            Run serve = run("serve", "--config", config("").toString(), "--port", String.valueOf(taken.getLocalPort()));
            assertThat(serve.exit()).isEqualTo(1);
            assertThat(serve.err()).contains("Fix: stop what uses port " + taken.getLocalPort());
            // QA hardening F8: one line, nothing after it (the store and Vert.x are closed quietly), no trace
            assertThat(serve.err().strip().lines().filter(l -> !l.contains(" INFO ") && !l.contains(" WARN "))).singleElement().asString()
                    .startsWith("Cannot listen on 127.0.0.1:" + taken.getLocalPort() + ":");
            assertThat(serve.err().strip().lines().reduce((a, b) -> b).orElseThrow()).startsWith("Cannot listen on");
            noTrace(serve);
        }
    }

    @Test
    void eachBindFailureGetsItsOwnAdvice() {
        assertThat(ListenFailure.describe("10.255.255.1", 4000, new java.net.BindException("Cannot assign requested address")))
                .isEqualTo("Cannot listen on 10.255.255.1:4000: Cannot assign requested address. Fix: 10.255.255.1 is not an address "
                        + "of this machine: pass --host with one of its addresses (127.0.0.1 for this machine only, 0.0.0.0 for "
                        + "every interface).");
        assertThat(ListenFailure.describe("::1", 80, new java.net.SocketException("bind(..) failed: Permission denied")))
                .startsWith("Cannot listen on [::1]:80:").contains("ports below 1024 need privileges");
    }

    @Test
    void simulatorCountsMustMakeSense() {
        for (String[] args : new String[][] {{"--event-loops", "0"}, {"--event-loops", "-3"}, {"--chunk-delay-ms", "-5"}}) {
            Run r = run("simulator", args[0], args[1]);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).contains("Invalid value for option '" + args[0] + "'");
            noTrace(r);
        }
    }

    @Test
    void cacheToolsRefuseNonsenseCountsAndFilesInOneLine() throws Exception {
        Path good = dir.resolve("good.jsonl");
        Files.writeString(good, "{\"a\": \"How old are you?\", \"b\": \"What is your age?\", \"duplicate\": true}\n"
                + "{\"a\": \"Where is Paris?\", \"b\": \"Where is Rome?\", \"duplicate\": false}\n");
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
        String[][] refused = {
                {"eval", "--pairs", good.toString(), "--limit", "-1"},
                {"bench", "--pairs", good.toString(), "--entries", "0"},
                {"bench", "--pairs", good.toString(), "--lookups", "-1", "--entries", "10"},
        };
        for (String[] args : refused) {
            Run r = run(concat("cache", args));
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).contains("Invalid value for option");
            noTrace(r);
        }
        Run missing = run("cache", "bench", "--pairs", "/nope.jsonl");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("switchboard cache bench: cannot read /nope.jsonl");
        noTrace(missing);
        Path one = Files.writeString(dir.resolve("one.jsonl"), "{\"a\": \"How old are you?\", \"b\": \"What is your age?\", \"duplicate\": true}\n");
        Run tooSmall = run("cache", "bench", "--pairs", one.toString(), "--entries", "10", "--lookups", "1");
        assertThat(tooSmall.exit()).as("too small to time anything").isEqualTo(2);
        assertThat(tooSmall.err()).isEqualTo("switchboard cache bench: " + one + " has 1 pair; the bench needs 2 or more (it stores "
                + "some questions and asks others)." + System.lineSeparator());
        assertThat(tooSmall.out()).isEmpty();
        Run none = run("cache", "eval", "--pairs", empty.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("has no pairs");
        assertThat(none.out()).doesNotContain("precision");
    }

    @Test
    void anUnreachablePgvectorIsOneLineNamingItsUrlWithoutItsPassword() throws Exception {
        Path good = dir.resolve("good.jsonl");
        Files.writeString(good, "{\"a\": \"How old are you?\", \"b\": \"What is your age?\", \"duplicate\": true}\n"
                + "{\"a\": \"Where is Paris?\", \"b\": \"Where is Rome?\", \"duplicate\": false}\n");
        Run r = run("cache", "bench", "--pairs", good.toString(), "--entries", "10", "--lookups", "1",
                "--pgvector", "jdbc:postgresql://127.0.0.1:1/x?user=u&password=hunter2");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("switchboard cache bench: cannot use pgvector at jdbc:postgresql://127.0.0.1:1/x")
                .doesNotContain("hunter2");
        noTrace(r);
    }

    /** QA E3: a pairs file that is not JSON Lines printed Jackson's stack trace. */
    @Test
    void aPairsFileThatIsNotJsonLinesIsOneLineNamingItsLine() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"a\": \"x\", \"b\": \"y\", \"duplicate\": true}\nnot json\n");
        Path array = Files.writeString(dir.resolve("array.json"), "[\n  {\"a\": \"x\", \"b\": \"y\", \"duplicate\": true}\n]\n");
        for (String command : new String[] {"eval", "bench"}) {
            Run r = run("cache", command, "--pairs", bad.toString());
            assertThat(r.exit()).as(command).isEqualTo(2);
            assertThat(r.err()).as(command).isEqualTo("switchboard cache " + command + ": " + bad + ":2: not JSON; expected "
                    + "{\"a\": \"…\", \"b\": \"…\", \"duplicate\": true|false}" + System.lineSeparator());
            noTrace(r);
        }
        Run pretty = run("cache", "eval", "--pairs", array.toString());
        assertThat(pretty.exit()).isEqualTo(2);
        assertThat(pretty.err()).contains(array + ":1: not JSON; expected");
        noTrace(pretty);
    }

    /** QA E2: LiteLLM's postgresql://user:password@host/db form printed the password, in "No suitable driver found for …". */
    @Test
    void aPgvectorUrlInDatabaseUrlFormIsReadAndItsPasswordNeverShown() throws Exception {
        Path good = dir.resolve("good.jsonl");
        Files.writeString(good, "{\"a\": \"How old are you?\", \"b\": \"What is your age?\", \"duplicate\": true}\n"
                + "{\"a\": \"Where is Paris?\", \"b\": \"Where is Rome?\", \"duplicate\": false}\n");
        for (String scheme : new String[] {"postgresql", "postgres"}) {
            Run r = run("cache", "bench", "--pairs", good.toString(), "--entries", "10", "--lookups", "1",
                    "--pgvector", scheme + "://postgres:sk-live-PGSECRET1234@127.0.0.1:1/qa_e");
            assertThat(r.exit()).as(scheme).isEqualTo(1);
            assertThat(r.err()).as(scheme).contains("cannot use pgvector at jdbc:postgresql://127.0.0.1:1/qa_e: PostgreSQL is not reachable there")
                    .contains("Fix: start PostgreSQL, or correct the host and port").doesNotContain("PGSECRET").doesNotContain("No suitable driver");
            noTrace(r);
        }
        Run other = run("cache", "bench", "--pairs", good.toString(), "--entries", "10", "--lookups", "1",
                "--pgvector", "mysql://root:sk-live-PGSECRET1234@127.0.0.1:3306/x");
        assertThat(other.exit()).isEqualTo(1);
        // QA-D 9: refused before the embedder loads (which logged its lines and took a second first): with an embedder
        // that cannot load at all, the URL is still what is refused
        assertThatThrownBy(() -> dev.switchboard.pipeline.CacheEvaluation.bench(dev.switchboard.pipeline.CacheEvaluation.read(good),
                "no-such-embedder", 10, 1, "mysql://x", System.out)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("--pgvector takes a PostgreSQL URL");
        assertThat(other.err()).contains("--pgvector takes a PostgreSQL URL").doesNotContain("PGSECRET");
        noTrace(other);
    }

    @Test
    void aBadNameValueSaysSoOnce() {
        Run r = run("keys", "create", "--metadata", "novalue");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid value for option '--metadata' (NAME=VALUE): 'novalue' is not NAME=VALUE")
                .doesNotContain("option option");
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
