package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.TestGateway;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Codex CLI (npm {@code @openai/codex}) against the gateway, configured as the README says: a custom model provider
 * whose base URL is the gateway, {@code wire_api = "responses"}, run non-interactively ({@code codex exec}) against an
 * OpenAI-backed and an Anthropic-backed alias. The simulated model calls Codex's first tool, Codex runs it and sends
 * the output back, and the turn ends with the model's answer to it.
 *
 * <p>Codex is a 400 MB download, not a Maven dependency: the test runs where {@code CODEX_BIN} names the binary (or
 * {@code codex} is on the PATH), fails in CI ({@code CI=true}, where {@code .ci/run} installs it) when it is missing,
 * and is skipped, saying so, elsewhere. Install: {@code npm install @openai/codex@0.169.0}.
 */
class CodexCliIT {
    static TestGateway gw;
    static String codex;

    @BeforeAll
    static void start() {
        codex = findCodex();
        String missing = "Codex CLI not installed (set CODEX_BIN or put codex on the PATH; npm install @openai/codex@0.169.0)";
        // In CI (.ci/run installs it) a missing Codex is a failure, never a quiet skip; elsewhere a loud skip.
        if (codex == null && "true".equals(System.getenv("CI"))) throw new AssertionError(missing);
        if (codex == null) System.err.println("*** SKIPPED CodexCliIT: " + missing);
        Assumptions.assumeTrue(codex != null, missing);
        gw = TestGateway.standard();
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
    }

    static String findCodex() {
        String env = System.getenv("CODEX_BIN");
        if (env != null && new File(env).canExecute()) return env;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "codex");
            if (f.canExecute()) return f.getPath();
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude"})
    void codexExecCompletesATurnWithAToolCall(String alias) throws Exception {
        gw.simulator.reset();
        Path home = Files.createTempDirectory("codex-home");
        Path work = Files.createTempDirectory("codex-work");
        Files.writeString(home.resolve("config.toml"), """
                model = "%s"
                model_provider = "switchboard"

                [model_providers.switchboard]
                name = "Switchboard"
                base_url = "%s"
                env_key = "SWITCHBOARD_API_KEY"
                wire_api = "responses"
                """.formatted(alias, gw.v1()));
        // Codex offers OpenAI's built-in web search, which only an OpenAI deployment runs (any other answers 400 naming
        // it): the README's recipe turns it off for other aliases. The sandbox is off because its helper (bubblewrap)
        // is not installed on every machine; the simulated model's command runs in an empty temporary directory.
        List<String> cmd = new java.util.ArrayList<>(List.of(codex, "exec", "--skip-git-repo-check", "--sandbox", "danger-full-access"));
        if (!alias.equals("gpt")) cmd.addAll(List.of("-c", "web_search=\"disabled\""));
        cmd.add("list the files here");
        // stdin from /dev/null (codex exec reads a piped stdin to its end before it starts), output to a file (a full pipe
        // would stall it)
        Path log = work.resolve("codex.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectOutput(log.toFile());
        pb.environment().put("CODEX_HOME", home.toString());
        pb.environment().put("SWITCHBOARD_API_KEY", TestGateway.MASTER_KEY);
        pb.environment().remove("OPENAI_API_KEY");
        Process p = pb.start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(done).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> paths = gw.simulator.received().stream().map(r -> r.path()).toList();
        // OpenAI's Responses API for the OpenAI alias (passed through), Anthropic's Messages API for the other
        assertThat(paths).as(out).isNotEmpty().allMatch(path -> path.equals(alias.equals("gpt") ? "/v1/responses" : "/v1/messages"));
        assertThat(paths.size()).as("the tool call, then its result").isGreaterThanOrEqualTo(2);
        // the model's tool call went back to the provider as a tool result, and the final answer quotes it
        assertThat(out).contains("The tool returned:");
    }
}
