package dev.switchboard.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real-browser test's script under {@code ui-tests/} (playwright-core driving Debian's Chromium, headless), run by
 * node with the figures it must find in a JSON file. What the dashboard tests need around it, in one place: finding
 * Chromium, node and {@code npm ci}'s playwright-core — a test fails under CI ({@code CI=true}, where {@code .ci/run}
 * installs them) and is skipped elsewhere, saying what to install — and running the script with its output in a file
 * (a pipe left unread could fill and stall it).
 */
public final class BrowserScript {
    /** The scripts' folder. */
    public static final Path UI_TESTS = Path.of("ui-tests").toAbsolutePath();
    /** Where the scripts save their screenshots. */
    public static final Path SCREENSHOTS = Path.of("target/ui-screenshots").toAbsolutePath();

    private BrowserScript() {}

    /** Chromium's path, once node and playwright-core are there too; else {@code test} fails under CI or is skipped. */
    public static String chromiumOrSkip(String test) {
        String chromium = findChromium();
        String missing = chromium == null ? "Chromium (apt-get install -y chromium, or set SWITCHBOARD_CHROMIUM)"
                : !commandWorks("node", "--version") ? "node (apt-get install -y nodejs)"
                : !Files.isDirectory(UI_TESTS.resolve("node_modules/playwright-core")) ? "playwright-core (cd ui-tests && npm ci)"
                : null;
        if (missing != null) {
            String msg = test + " cannot run: " + missing + " is missing.";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(msg + " .ci/run installs it; CI must not skip this test.");
            System.err.println("\n*** SKIPPED *** " + msg + " Install it to run the real-browser test.\n");
            Assumptions.abort(msg);
        }
        return chromium;
    }

    /** Runs {@code ui-tests/<script> <expected.json>} (90 s at most) and gives its output's lines. */
    public static List<String> run(String script, JsonObject expected) throws IOException, InterruptedException {
        String name = script.replace(".mjs", "");
        Path file = Files.createTempFile(name + "-expected-", ".json");
        Files.writeString(file, expected.encodePrettily());
        Path log = Files.createTempFile(name + "-", ".log");
        Process p = new ProcessBuilder("node", script, file.toString()).directory(UI_TESTS.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the browser test did not finish in 90 s:\n" + Files.readString(log));
        }
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    private static String findChromium() {
        String env = System.getenv("SWITCHBOARD_CHROMIUM");
        for (String c : new String[] {env, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
            if (c != null && Files.isExecutable(Path.of(c))) return c;
        }
        return null;
    }

    private static boolean commandWorks(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
