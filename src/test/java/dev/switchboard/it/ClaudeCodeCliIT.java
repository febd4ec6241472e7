package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Claude Code (npm {@code @anthropic-ai/claude-code}) against the gateway, configured as the README says
 * ({@code ANTHROPIC_BASE_URL} without {@code /v1}, the key in {@code ANTHROPIC_AUTH_TOKEN}), run non-interactively
 * ({@code claude -p}) against an Anthropic-backed alias (the Messages API passed through) and an OpenAI-backed one
 * (translated both ways, streamed). The simulated model calls Claude Code's only offered tool, Glob, with the pattern
 * {@code Paris} in the directory {@code Paris}; Claude Code runs it (the permission given with {@code --allowedTools},
 * which works as root, unlike {@code --dangerously-skip-permissions}) and sends the match back, and the turn ends with
 * the model's answer quoting it.
 *
 * <p>Claude Code is a 240 MB native binary, not a Maven dependency: the test runs where {@code CLAUDE_BIN} names it (or
 * {@code claude} is on the PATH), fails in CI ({@code CI=true}, where {@code .ci/run} installs it) when it is missing,
 * and is skipped, saying so, elsewhere. Install: {@code npm install @anthropic-ai/claude-code@2.1.197}. Nothing leaves
 * the machine: telemetry, the auto-updater and the other non-essential traffic are off, and {@code HOME} is a fresh
 * directory (no login, no settings; {@code -p} skips the onboarding and the trust dialog).
 */
class ClaudeCodeCliIT {
    static final String VERSION = "2.1.197";
    static TestGateway gw;
    static String claude;

    @BeforeAll
    static void start() {
        claude = findClaude();
        String missing = "Claude Code not installed (set CLAUDE_BIN or put claude on the PATH; npm install @anthropic-ai/claude-code@" + VERSION + ")";
        // In CI (.ci/run installs it) a missing Claude Code is a failure, never a quiet skip; elsewhere a loud skip.
        if (claude == null && "true".equals(System.getenv("CI"))) throw new AssertionError(missing);
        if (claude == null) System.err.println("*** SKIPPED ClaudeCodeCliIT: " + missing);
        Assumptions.assumeTrue(claude != null, missing);
        // Outside CI another version is skipped, saying so: what it sends (and so what the assertions expect) changes
        // from release to release; in CI .ci/run installs the pinned one, and another there fails the assertions loudly
        String version = version(claude);
        if (!"true".equals(System.getenv("CI")) && !VERSION.equals(version)) {
            String other = "Claude Code at " + claude + " is " + version + ", not the pinned " + VERSION + " (set CLAUDE_BIN to it)";
            System.err.println("*** SKIPPED ClaudeCodeCliIT: " + other);
            Assumptions.abort(other);
        }
        gw = TestGateway.standard();
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
    }

    /** {@code claude --version}'s version ({@code 2.1.197} of {@code 2.1.197 (Claude Code)}), or null when it says none. */
    static String version(String claude) {
        try {
            Process p = new ProcessBuilder(claude, "--version").redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            var m = java.util.regex.Pattern.compile("^(\\d+\\.\\d+\\.\\d+)").matcher(out);
            return p.exitValue() == 0 && m.find() ? m.group(1) : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static String findClaude() {
        String env = System.getenv("CLAUDE_BIN");
        if (env != null && new File(env).canExecute()) return env;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "claude");
            if (f.canExecute()) return f.getPath();
        }
        return null;
    }

    /** {@code claude -p PROMPT --model ALIAS --output-format json} plus {@code extra}: its JSON result, after a clean exit. */
    private static JsonObject run(String alias, List<String> extra) throws Exception {
        Path home = Files.createTempDirectory("claude-home");
        Path work = Files.createTempDirectory("claude-work");
        Files.createDirectories(work.resolve("Paris"));
        Files.writeString(work.resolve("Paris/Paris"), "the file the model looks for\n");
        List<String> cmd = new ArrayList<>(List.of(claude, "-p", "find Paris", "--model", alias, "--output-format", "json",
                "--no-session-persistence"));
        cmd.addAll(extra);
        Path log = home.resolve("claude.out");
        // stdin from /dev/null (-p would wait for a piped stdin's end), output to a file (a full pipe would stall it)
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectError(home.resolve("claude.err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectOutput(log.toFile());
        var env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("ANTHROPIC_") || k.startsWith("CLAUDE_CODE_") || k.startsWith("CLAUDE_CONFIG"));
        env.put("HOME", home.toString());
        env.put("ANTHROPIC_BASE_URL", gw.baseUrl()); // without /v1: the client adds it
        env.put("ANTHROPIC_AUTH_TOKEN", TestGateway.MASTER_KEY);
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("NO_PROXY", "127.0.0.1,localhost"); // a proxy set for the machine must not take the gateway's calls
        env.put("no_proxy", "127.0.0.1,localhost");
        try {
            Process p = pb.start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) {
                // its helpers too (ripgrep, a shell it started for a tool): they would outlive the test otherwise
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            String err = Files.readString(home.resolve("claude.err"), StandardCharsets.UTF_8);
            assertThat(done).as(out + err).isTrue();
            assertThat(p.exitValue()).as(out + err).isZero();
            JsonObject result = new JsonObject(out.strip());
            assertThat(result.getBoolean("is_error")).as(out).isFalse();
            return result;
        } finally {
            deleteTree(home);
            deleteTree(work);
        }
    }

    /** Removes a temporary directory and all in it (Claude Code writes its state into the fresh HOME). */
    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) return;
        try (var paths = Files.walk(dir)) {
            for (Path x : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "gpt"})
    void claudeCodeCompletesATurnWithAToolCall(String alias) throws Exception {
        gw.simulator.reset();
        JsonObject result = run(alias, List.of("--tools", "Glob", "--allowedTools", "Glob"));
        // the model called Glob, Claude Code ran it and sent its match back, and the answer quotes it
        assertThat(result.getString("result")).isEqualTo("The tool returned: Paris/Paris");
        assertThat(result.getInteger("num_turns")).isEqualTo(2);
        List<ProviderSimulator.Received> sent = gw.simulator.received();
        // Anthropic's Messages API for the Anthropic alias (passed through), OpenAI's chat completions for the other
        assertThat(sent).isNotEmpty().allMatch(r -> r.path().equals(alias.equals("gpt") ? "/v1/chat/completions" : "/v1/messages"));
        assertThat(sent).as("the tool call, then its result").hasSize(2);
        assertThat(sent).allMatch(r -> Boolean.TRUE.equals(r.body().getBoolean("stream")), "Claude Code streams");
        assertThat(sent.get(1).body().encode()).contains("Paris/Paris");
        if (alias.equals("claude")) {
            // Claude Code asks the alias for adaptive thinking, which Claude Sonnet 4.5 refuses (the simulator as the API
            // does): the gateway sends the budget of its effort instead, and none in the tool loop whose turn came back
            // without its thinking block
            assertThat(sent.get(0).body().getJsonObject("thinking").getString("type")).isEqualTo("enabled");
            assertThat(sent.get(1).body().getValue("thinking")).isNull();
        }
    }

    /**
     * With its default tools, Claude Code sends the list of its agent types as a mid-conversation system message (to a
     * model name it does not know, such as an alias). Claude Sonnet 4.5 refuses it in the API's words, which reach Claude
     * Code unchanged, and Claude Code asks again with the list in the user turn; an {@code openai/} entry on a host other
     * than OpenAI's (here the simulator) gets it folded into the user turn before it. Before, the gateway refused it in its own words, which Claude Code does not fall back on: every
     * session through an alias ended at its first request.
     */
    @Test
    void theMidConversationSystemMessageOfClaudeCodesDefaultTools() throws Exception {
        gw.simulator.reset();
        JsonObject result = run("claude", List.of());
        // the simulated model calls the first tool, Agent, with a made-up agent type: Claude Code's answer quotes the error
        assertThat(result.getString("result")).startsWith("The tool returned: ").contains("Paris");
        List<ProviderSimulator.Received> sent = gw.simulator.received();
        assertThat(sent.get(0).body().encode()).as("the first request carries the system message").contains("\"role\":\"system\"");
        assertThat(sent.get(1).body().encode()).as("asked again without it").doesNotContain("\"role\":\"system\"");

        gw.simulator.reset();
        result = run("gpt", List.of());
        assertThat(result.getString("result")).startsWith("The tool returned: ");
        var messages = gw.simulator.received().get(0).body().getJsonArray("messages");
        // the gpt alias is an openai/ entry on the simulator's host, not OpenAI's own: the notes are folded into the user turn
        assertThat(messages.stream().map(m -> ((JsonObject) m).getString("role")).filter("system"::equals).count()).isEqualTo(1);
        assertThat(messages.encode()).contains("<system-reminder>");
    }
}
