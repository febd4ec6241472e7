package dev.switchboard.support;

import dev.switchboard.account.SpendLedger;
import dev.switchboard.account.SpendRecord;
import dev.switchboard.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.util.HexFormat;
import java.util.List;

/**
 * Fills a store with a month of made-up but plausible traffic before a gateway opens it, through the real ledger
 * writer (so the rollups are built as in production): four apps with keys and budgets, three providers, exact cache
 * hits, provider prompt-cache reads, fallbacks and failed attempts, spread over the last 29 days. For the dashboard's
 * load-time figure on a large ledger and its screenshot.
 */
public final class LedgerSeed {
    static final String[] APPS = {"research-agent", "coding-assistant", "support-bot", "nightly-batch"};
    static final double[] BUDGETS = {40, 25, 15, 60};
    /** The team each app's calls count for: two share one, one has none (the Teams page's chart and table). */
    static final String[] TEAMS = {"research", "devtools", null, "research"};
    static final String[] DEPLOYMENTS = {"openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5", "gemini/gemini-2.5-flash"};

    /** What the seeded rows hold that the live checks add to. */
    public record Seeded(long rows, long exactHits, long cachedTokens, java.util.Map<String, Long> teamCostNanos) {}

    private LedgerSeed() {}

    public static Seeded seed(String databasePath, int calls, long nowMillis) {
        long exactHits = 0, cachedTokens = 0, rows = 0;
        java.util.Map<String, Long> teamCost = new java.util.TreeMap<>();
        try (Database db = Database.open(null, databasePath)) {
            insertKeys(db, nowMillis);
            SpendLedger ledger = new SpendLedger(db, 60_000);
            for (int i = 0; i < calls; i++) {
                int app = i % APPS.length;
                // 0-28 whole days and up to an hour back: the dashboard's 30 days start at midnight UTC 29 days ago, so a
                // row 29 days and an hour back fell outside them when the test ran between 00:00 and 01:00 UTC, and the
                // dashboard then rightly counted fewer hits than were seeded.
                int daysAgo = (i / APPS.length) % 29;
                long ended = nowMillis - daysAgo * 86_400_000L - (i % 3_600) * 1_000L;
                String dep = DEPLOYMENTS[(i / 7) % DEPLOYMENTS.length];
                boolean hit = i % 9 == 0;
                boolean fallback = !hit && i % 23 == 0;
                long prompt = 300 + (i * 31L) % 2_500;
                long completion = 80 + (i * 17L) % 600;
                long cached = !hit && prompt > 1_500 && i % 3 == 0 ? 1_024 : 0;
                // busier on weekdays, each app its own size
                double scale = (app + 1) * (1.0 + 0.6 * Math.sin(daysAgo / 3.0));
                long cost = Math.round((prompt * 150 + completion * 600) * scale);
                if (hit) exactHits++;
                cachedTokens += cached;
                String id = "seed-" + i;
                if (TEAMS[app] != null) teamCost.merge(TEAMS[app], hit ? 0 : cost, Long::sum);
                ledger.record(new SpendRecord(id, 0, ended - 900, ended, "key_seed" + app, APPS[app], null, "chat", "smart", dep,
                        fallback ? "fallback:error" : "primary", null, hit ? "hit-exact" : "miss", prompt, completion, cached, 0, 0,
                        false, hit ? 0 : cost, hit ? cost : 0, true, hit ? 2L : 250L + (i * 37L) % 1_800, null, 200, null, List.of(),
                        TEAMS[app]));
                rows++;
                if (fallback || i % 97 == 0) {
                    ledger.record(new SpendRecord(id, 1, ended - 900, ended - 400, "key_seed" + app, APPS[app], null, "attempt",
                            "smart", DEPLOYMENTS[(i / 7 + 1) % DEPLOYMENTS.length], null, null, null, 0, 0, 0, 0, 0, false, 0, 0, true,
                            400L, null, i % 2 == 0 ? 429 : 503, i % 2 == 0 ? "rate_limit_error" : "api_error", List.of(), TEAMS[app]));
                    rows++;
                }
            }
            ledger.close();
        }
        return new Seeded(rows, exactHits, cachedTokens, teamCost);
    }

    /** The four apps' keys, with budgets, straight into the store (the gateway loads them at start). */
    private static void insertKeys(Database db, long now) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO virtual_keys (key_id, token, key_name, key_alias, models, "
                    + "max_budget, soft_budget, budget_duration, budget_anchor, expires_at, rpm_limit, tpm_limit, max_parallel_requests, "
                    + "auto_tier, metadata, tags, blocked, created_at, updated_at, allowed_cache_controls) "
                    + "VALUES (?,?,?,?,'[]',?,NULL,'30d',?,NULL,NULL,NULL,NULL,NULL,'{}','[]',FALSE,?,?,NULL)")) {
                for (int a = 0; a < APPS.length; a++) {
                    ps.setString(1, "key_seed" + a);
                    ps.setString(2, sha256("sk-sb-seed-" + a + "-" + now));
                    ps.setString(3, "sk-...sed" + a);
                    ps.setString(4, APPS[a]);
                    ps.setDouble(5, BUDGETS[a]);
                    ps.setLong(6, now - 29 * 86_400_000L);
                    ps.setLong(7, now - 40 * 86_400_000L);
                    ps.setLong(8, now - 40 * 86_400_000L);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
