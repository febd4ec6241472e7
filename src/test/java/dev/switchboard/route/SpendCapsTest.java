package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Budget routing's budgets: per provider and per deployment, each over periods that follow each other from the epoch. */
class SpendCapsTest {
    private static final long DAY = 86_400_000L;
    private static final long NOON = 20_000 * DAY + DAY / 2; // some day at 12:00 UTC

    private static Deployment deployment(String provider, String model, Map<String, Object> params) {
        return new Deployment("alias", provider, model, null, null, Duration.ofSeconds(10), Duration.ofSeconds(10), null,
                Map.of(), params, Map.of(), 1);
    }

    @Test
    void noBudgetIsNone() {
        assertThat(SpendCaps.from(Map.of(), List.of(deployment("openai", "gpt-4o", Map.of()))).none()).isTrue();
        assertThat(SpendCaps.NONE.spentCap("openai/gpt-4o", NOON)).isNull();
    }

    @Test
    void aProvidersBudgetCountsEveryDeploymentOfItAndResetsWithItsPeriod() {
        SpendCaps caps = SpendCaps.from(Map.of("provider_budget_config", Map.of("openai", Map.of("budget_limit", 0.01,
                "time_period", "1d"))), List.of(deployment("openai", "gpt-4o", Map.of())));
        caps.spent("openai/gpt-4o", 6_000_000, NOON);
        assertThat(caps.spentCap("openai/gpt-4o-mini", NOON)).isNull();
        caps.spent("openai/gpt-4o-mini", 4_000_000, NOON); // another model of the provider (a wildcard's, say)
        SpendCaps.Cap spent = caps.spentCap("openai/gpt-4o", NOON);
        assertThat(spent).isNotNull();
        assertThat(spent.label()).isEqualTo("provider openai");
        assertThat(SpendCaps.exceeded(spent, NOON)).isEqualTo("Exceeded budget for provider openai: 0.01 >= 0.01");
        assertThat(caps.spentCap("anthropic/claude-sonnet-4-5", NOON)).as("another provider").isNull();
        assertThat(spent.windowEnd(NOON)).isEqualTo(20_001 * DAY);
        assertThat(caps.spentCap("openai/gpt-4o", 20_001 * DAY)).as("midnight UTC: a new period").isNull();
    }

    @Test
    void aDeploymentsOwnBudgetComesFirstAndOneWithoutPeriodNeverResets() {
        SpendCaps caps = SpendCaps.from(Map.of("provider_budget_config", Map.of("openai", Map.of("budget_limit", 1.0))),
                List.of(deployment("openai", "gpt-4o", Map.of("max_budget", 0.000001))));
        caps.spent("openai/gpt-4o", 1_000, NOON);
        assertThat(caps.spentCap("openai/gpt-4o", NOON).label()).isEqualTo("deployment openai/gpt-4o");
        assertThat(caps.spentCap("openai/gpt-4o-mini", NOON)).isNull();
        assertThat(caps.spentCap("openai/gpt-4o", NOON + 400 * DAY)).as("no period: all time").isNotNull();
    }

    @Test
    void theLedgersSumReplacesWhatWasCountedHereBeforeTheRead() {
        SpendCaps caps = SpendCaps.from(Map.of("provider_budget_config", Map.of("openai", Map.of("budget_limit", "0.02",
                "time_period", "1d"))), List.of()); // a number written as a string (or read from os.environ/) counts too
        caps.spent("openai/gpt-4o", 2_000_000, NOON);
        assertThat(caps.windowStarts(NOON)).containsExactly(20_000 * DAY);
        long[] marks = caps.marks(NOON);
        caps.spent("openai/gpt-4o", 1_000_000, NOON); // metered while the ledger is read: not in its sum
        // every gateway's written spend: this one's 2 m$ and another's 9 m$, on two models
        caps.synced(Map.of(20_000 * DAY, Map.of("openai/gpt-4o", 5_000_000L, "openai/o3", 6_000_000L,
                "anthropic/claude-sonnet-4-5", 100_000_000L)), marks, NOON);
        assertThat(caps.all().get(0).spentNanos(NOON)).isEqualTo(12_000_000);
        assertThat(caps.spentCap("openai/gpt-4o", NOON)).isNull();
        caps.spent("openai/gpt-4o", 8_000_000, NOON);
        assertThat(caps.spentCap("openai/gpt-4o", NOON)).isNotNull();
        // a sum read for a period that has ended meanwhile changes nothing
        caps.synced(Map.of(19_999 * DAY, Map.of("openai/gpt-4o", 50_000_000L)), caps.marks(NOON), NOON);
        assertThat(caps.all().get(0).spentNanos(NOON)).isEqualTo(20_000_000);
    }

    /** A call that ended before midnight and is metered after it belongs to the day before: it neither counts nor resets. */
    @Test
    void aPeriodIsNeverTakenBack() {
        SpendCaps caps = SpendCaps.from(Map.of("provider_budget_config", Map.of("openai", Map.of("budget_limit", 0.01,
                "time_period", "1d"))), List.of());
        long justAfterMidnight = 20_001 * DAY + 1_000;
        caps.spent("openai/gpt-4o", 10_000_000, justAfterMidnight);
        caps.spent("openai/gpt-4o", 3_000_000, 20_001 * DAY - 1_000); // ended yesterday
        assertThat(caps.all().get(0).spentNanos(justAfterMidnight)).isEqualTo(10_000_000);
        assertThat(caps.spentCap("openai/gpt-4o", justAfterMidnight)).isNotNull();
    }

    /**
     * Ids a wildcard serves (the caller's choice of name) are counted against their provider's budget and keep nothing:
     * only the config's ids with a budget of their own are held, however many names are asked.
     */
    @Test
    void wildcardIdsAreCountedButNotKept() {
        SpendCaps caps = SpendCaps.from(Map.of("provider_budget_config", Map.of("openai", Map.of("budget_limit", 0.01))),
                List.of(deployment("openai", "gpt-4o", Map.of("max_budget", 1.0))));
        int held = caps.idsHeld();
        assertThat(caps.spentCap("openai/invented-0", NOON)).isNull();
        for (int i = 0; i < 500; i++) {
            caps.spentCap("openai/invented-" + i, NOON);
            caps.spent("openai/invented-" + i, 30_000, NOON);
            caps.spent("anthropic/invented-" + i, 10_000, NOON);
            caps.spentCap("noslash-" + i, NOON);
        }
        assertThat(caps.idsHeld()).as("nothing kept per invented id").isEqualTo(held).isEqualTo(1);
        assertThat(caps.spentCap("openai/another", NOON).label()).as("their spend counted on the provider").isEqualTo("provider openai");
        assertThat(caps.spentCap("openaiX/another", NOON)).as("a provider is the whole part before the slash").isNull();
        assertThat(caps.spentCap("openai/gpt-4o", NOON).label()).isEqualTo("provider openai");
    }
}
