package dev.switchboard.govern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A key as the admin API shows it: LiteLLM's field names ({@code token}, {@code key_name}, {@code key_alias},
 * {@code expires}, {@code budget_reset_at}, {@code spend}, …), times in ISO-8601 UTC, money in US dollars. Never the
 * secret: only generate and regenerate add it, once.
 */
final class KeyJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyJson() {}

    static ObjectMapper mapper() { return JSON; }

    /**
     * @param spentNanos the key's spend this period, as {@link KeySpends} reads it from the ledger (every gateway's
     *                   calls): the one figure every reader shows
     */
    static ObjectNode key(KeyState s, long nowMillis, long spentNanos) {
        VirtualKey k = s.key();
        Budget.Snapshot b = s.budget.snapshot(nowMillis);
        ObjectNode o = JSON.createObjectNode();
        o.put("key_id", k.keyId());
        o.put("token", k.token());
        o.put("key_name", k.keyName());
        o.put("key_alias", k.alias());
        o.put("user_id", k.userId());
        o.put("team_id", k.teamId());
        var models = o.putArray("models");
        k.models().forEach(models::add);
        ObjectNode aliases = o.putObject("aliases");
        k.aliases().forEach(aliases::put);
        putMoney(o, "max_budget", k.maxBudget());
        putMoney(o, "soft_budget", k.softBudget());
        o.put("budget_duration", k.budgetDuration() == null ? null : k.budgetDuration().text());
        o.put("budget_reset_at", iso(b.resetsAt()));
        o.put("spend", usd(spentNanos));
        o.put("reserved_spend", usd(b.reservedNanos())); // this gateway's calls in flight only: another gateway's are in its own memory
        o.put("expires", iso(k.expiresAt()));
        o.put("expired", k.expired(nowMillis));
        putLong(o, "rpm_limit", k.rpmLimit());
        putLong(o, "tpm_limit", k.tpmLimit());
        putLong(o, "max_parallel_requests", k.maxParallelRequests());
        o.put("auto_tier", k.autoTier());
        o.set("metadata", KeyTags.shown(k.metadata(), k.tags())); // metadata.tags: where LiteLLM's readers find a key's tags
        var tags = o.putArray("tags");
        k.tags().forEach(tags::add);
        o.put("blocked", k.blocked());
        if (k.allowedCacheControls() == null) o.putNull("allowed_cache_controls");
        else {
            var controls = o.putArray("allowed_cache_controls");
            k.allowedCacheControls().forEach(controls::add);
        }
        o.put("created_at", iso(k.createdAt()));
        o.put("updated_at", iso(k.updatedAt()));
        return o;
    }

    /** Nano-dollars as exact US dollars (the admin API writes decimals in plain notation). */
    static java.math.BigDecimal usd(long nanos) {
        return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
    }

    static String iso(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static void putMoney(ObjectNode o, String f, Double v) {
        if (v == null) o.putNull(f);
        else o.put(f, java.math.BigDecimal.valueOf(v));
    }

    private static void putLong(ObjectNode o, String f, Long v) {
        if (v == null) o.putNull(f);
        else o.put(f, v);
    }
}
