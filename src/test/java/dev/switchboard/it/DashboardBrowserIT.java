package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.BrowserScript;
import dev.switchboard.support.DashboardFixture;
import dev.switchboard.support.DashboardFixture.LedgerFigures;
import dev.switchboard.support.LedgerSeed;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser. A store is seeded with 100,000 calls of a month of traffic (through the real ledger
 * writer), a gateway opens it, the fixture's traffic goes through it with the OpenAI SDK, and
 * {@code ui-tests/dashboard.mjs} (playwright-core driving Debian's Chromium, headless) logs in, reads every chart's
 * figures from the page and compares them with the ledger, creates a key with a budget, blocks it, logs out, and saves
 * screenshots under {@code target/ui-screenshots/}. It prints the page's load time on that ledger.
 *
 * <p>Needs {@code node}, {@code ui-tests/node_modules} ({@code npm ci} in {@code ui-tests/}) and Chromium
 * ({@code apt-get install chromium}, or {@code SWITCHBOARD_CHROMIUM=/path}): see {@link BrowserScript}.
 */
class DashboardBrowserIT {
    static final int SEEDED_CALLS = 100_000;

    @Test
    void theDashboardShowsTheTrafficJustSentAndManagesKeys() throws Exception {
        String chromium = BrowserScript.chromiumOrSkip("DashboardBrowserIT");

        String db = TestGateway.tempDatabase();
        long t0 = System.nanoTime();
        LedgerSeed.Seeded seeded = LedgerSeed.seed(db, SEEDED_CALLS, System.currentTimeMillis());
        long seedMs = (System.nanoTime() - t0) / 1_000_000;
        try (TestGateway gw = TestGateway.start(DashboardFixture.CONFIG + "  database_path: \"" + db + "\"\n")) {
            DashboardFixture.send(gw);
            LedgerFigures alpha = DashboardFixture.ledger(gw, "alpha");
            LedgerFigures beta = DashboardFixture.ledger(gw, "beta");
            String fallbackId = fallbackRequestId(gw);
            JsonObject overview = new Admin(gw).getOk("/ui/api/overview");
            JsonObject expected = new JsonObject()
                    .put("baseUrl", gw.baseUrl())
                    .put("masterKey", TestGateway.MASTER_KEY)
                    .put("chromium", chromium)
                    .put("screenshots", BrowserScript.SCREENSHOTS.toString())
                    .put("apps", new JsonObject().put("alpha", figures(alpha)).put("beta", figures(beta)))
                    .put("cache", new JsonObject().put("exactHits", seeded.exactHits() + alpha.exactHits() + beta.exactHits())
                            .put("cachedTokens", seeded.cachedTokens() + alpha.cacheReadTokens() + beta.cacheReadTokens()))
                    .put("slow", new JsonObject().put("deployment", "openai/slow-model").put("minMs", DashboardFixture.SLOW_MS).put("maxMs", 400))
                    .put("errors", new JsonObject().put("deployment", "openai/primary-model").put("count", beta.failedAttempts()))
                    .put("fallbackRequestId", fallbackId)
                    // the Teams page: each team's 30 days, the seeded calls plus the live ones (alpha's are research's)
                    .put("teams", new JsonObject()
                            .put(DashboardFixture.TEAM, seeded.teamCostNanos().get(DashboardFixture.TEAM) + alpha.costNanos())
                            .put("devtools", seeded.teamCostNanos().get("devtools")));
            List<String> out = BrowserScript.run("dashboard.mjs", expected);
            out.forEach(System.out::println);
            String result = out.stream().filter(l -> l.startsWith("RESULT ")).findFirst().orElse("RESULT {}");
            JsonObject timing = new JsonObject(result.substring(7));
            System.out.printf("dashboard on %,d ledger rows (seeded in %d ms): overview figures computed in %.1f ms on the server; "
                            + "page data loaded and drawn in %s ms; login to drawn charts %s ms%n", seeded.rows(), seedMs,
                    overview.getDouble("compute_ms"), timing.getValue("overviewMs"), timing.getValue("loginToCharts"));
            assertThat(out).as(String.join("\n", out)).noneMatch(l -> l.startsWith("FAIL"));
            assertThat(out.stream().filter(l -> l.matches("\\d+ passed, 0 failed")).findFirst()).isPresent();
            // Charts read rollups, not the 100,000 rows: the whole overview in well under a second on this machine
            assertThat(timing.getInteger("overviewMs")).isLessThan(3_000);
            assertThat(Files.size(Path.of("target/ui-screenshots/overview.png"))).isGreaterThan(20_000);
            assertThat(new Admin(gw).info("weekend-app").getBoolean("blocked")).isTrue();
        }
    }

    private static JsonObject figures(LedgerFigures f) {
        return new JsonObject().put("served", f.served()).put("costNanos", f.costNanos()).put("fallbacks", f.fallbacks());
    }

    private static String fallbackRequestId(TestGateway gw) {
        for (Object o : new Admin(gw).getOk("/spend/logs?key_alias=beta").getJsonArray("data")) {
            JsonObject r = (JsonObject) o;
            if (String.valueOf(r.getString("route")).startsWith("fallback")) return r.getString("request_id");
        }
        throw new AssertionError("no fallback in the ledger");
    }
}
