package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.DurationSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a budget alert is told (LiteLLM's budget_alerts decisions), once per level and budget period, and its JSON. */
class BudgetAlertsTest {
    private static final long USD = 1_000_000_000L;
    private static final BudgetAlerts.Subject KEY = new BudgetAlerts.Subject("key", "ab12", "app", "ann", "red", "Red team", null);

    @Test
    void levelsFollowLiteLlmsSoftBudgetAnd15And5PercentLeft() {
        long max = 100;
        assertThat(BudgetAlerts.reached(84, Budget.NO_LIMIT, max)).isZero();
        assertThat(BudgetAlerts.reached(85, Budget.NO_LIMIT, max)).isEqualTo(BudgetAlerts.T85);
        assertThat(BudgetAlerts.reached(94, Budget.NO_LIMIT, max)).isEqualTo(BudgetAlerts.T85);
        assertThat(BudgetAlerts.reached(95, Budget.NO_LIMIT, max)).isEqualTo(BudgetAlerts.T85 | BudgetAlerts.T95);
        assertThat(BudgetAlerts.reached(100, Budget.NO_LIMIT, max)).isEqualTo(BudgetAlerts.T85 | BudgetAlerts.T95 | BudgetAlerts.MAX);
        assertThat(BudgetAlerts.reached(10, 10, Budget.NO_LIMIT)).isEqualTo(BudgetAlerts.SOFT);
        assertThat(BudgetAlerts.reached(9, 10, Budget.NO_LIMIT)).isZero();
        assertThat(BudgetAlerts.reached(3 * USD, Budget.NO_LIMIT, Budget.NO_LIMIT)).isZero();
    }

    @Test
    void eachLevelIsToldOncePerPeriodAndANewPeriodTellsThemAgain() {
        Budget b = new Budget(100, 20, DurationSpec.parse("1d"), 0, 0, 0);
        assertThat(b.settle(0, 10, 1)).isZero();
        assertThat(b.settle(0, 10, 2)).isEqualTo(BudgetAlerts.SOFT);
        assertThat(b.settle(0, 10, 3)).as("the soft budget once").isZero();
        assertThat(b.settle(0, 56, 4)).isEqualTo(BudgetAlerts.T85); // 86
        assertThat(b.settle(0, 1, 5)).isZero();
        assertThat(b.settle(0, 8, 6)).isEqualTo(BudgetAlerts.T95); // 95
        assertThat(b.settle(0, 5, 7)).isEqualTo(BudgetAlerts.MAX); // 100
        assertThat(b.settle(0, 1, 8)).isZero();
        assertThat(b.settle(0, 100, 86_400_001L)).as("a new day").isEqualTo(BudgetAlerts.SOFT | BudgetAlerts.T85 | BudgetAlerts.T95 | BudgetAlerts.MAX);
    }

    /**
     * A team's or user's budget is made at its first call with no spend known, and again after it was let go idle: the
     * levels the store's spend had reached are told already (the review's MEDIUM: a team at 96 % was told "5 % left" at
     * every call after a 10-minute gap). A level this gateway's call reaches after that is told.
     */
    @Test
    void aBudgetMadeWithoutItsSpendTakesWhatTheStoreHadReachedAsTold() {
        Budget b = new Budget(100, Budget.NO_LIMIT, DurationSpec.parse("1d"), 0, 0, 0, new Budget.Grant("team-red"));
        b.granted(b.ask(1, 0).periodStart(), 100, 100, 30_000, new Budget.Seen(96, 0, 0)); // the ledger: 96 spent
        assertThat(b.reserve(1, 1)).isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.settle(1, 1, 2)).as("85 and 95 were reached before this budget was made").isZero();
        assertThat(b.reserve(3, 3)).isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.settle(3, 3, 4)).as("100: its own crossing").isEqualTo(BudgetAlerts.MAX);
    }

    /** A limit raised mid-period tells its levels again when the spend reaches them (the review's LOW: silenced until the next period). */
    @Test
    void aRaisedBudgetTellsItsLevelsAgain() {
        Budget b = new Budget(10, Budget.NO_LIMIT, DurationSpec.parse("1d"), 0, 0, 0);
        assertThat(b.settle(0, 10, 1)).isEqualTo(BudgetAlerts.T85 | BudgetAlerts.T95 | BudgetAlerts.MAX);
        b.configure(100, Budget.NO_LIMIT, DurationSpec.parse("1d"), 0, 2);
        assertThat(b.settle(0, 70, 3)).as("80 of 100").isZero();
        assertThat(b.settle(0, 6, 4)).as("86 of the new 100").isEqualTo(BudgetAlerts.T85);
        b.configure(50, Budget.NO_LIMIT, DurationSpec.parse("1d"), 0, 5);
        assertThat(b.settle(0, 1, 6)).as("lowered under the spend: its crossing, once").isEqualTo(BudgetAlerts.T95 | BudgetAlerts.MAX);
    }

    @Test
    void aRefusalTellsBudgetCrossedOnceAndNotForACallLargerThanTheWholeBudget() {
        Budget b = new Budget(100, Budget.NO_LIMIT, DurationSpec.parse("1d"), 0, 0, 0);
        assertThat(b.refusalToTell(500, 1)).as("it could never fit: its size, not the spend").isFalse();
        b.settle(0, 40, 2);
        assertThat(b.refusalToTell(70, 3)).isTrue();
        assertThat(b.refusalToTell(70, 4)).isFalse();
        assertThat(b.settle(0, 50, 5)).as("the thresholds are not told after the budget's crossing").isZero();
        assertThat(b.refusalToTell(70, 86_400_001L)).as("a new day").isTrue();
    }

    @Test
    void oneCallCrossingSeveralLevelsTellsTheSoftBudgetAndTheMostSevereOther() {
        List<BudgetAlert> all = BudgetAlerts.events(BudgetAlerts.SOFT | BudgetAlerts.T85 | BudgetAlerts.T95, KEY, 96, 10, 100);
        assertThat(all).extracting(BudgetAlert::event).containsExactly("soft_budget_crossed", "threshold_crossed");
        assertThat(all.get(1).eventMessage()).isEqualTo("Key Budget: 5% Threshold Crossed");
        assertThat(BudgetAlerts.events(BudgetAlerts.T85 | BudgetAlerts.T95 | BudgetAlerts.MAX, KEY, 100, Budget.NO_LIMIT, 100))
                .extracting(BudgetAlert::event).containsExactly("budget_crossed");
        assertThat(BudgetAlerts.events(BudgetAlerts.T85, new BudgetAlerts.Subject("team", null, null, null, "red", null, null), 86,
                Budget.NO_LIMIT, 100)).extracting(BudgetAlert::eventMessage).containsExactly("Team Budget: 15% Threshold Crossed");
        assertThat(BudgetAlerts.events(BudgetAlerts.MAX, BudgetAlerts.Subject.PROXY, 40 * USD, Budget.NO_LIMIT, 40 * USD))
                .extracting(BudgetAlert::eventMessage).containsExactly("Proxy Budget: Budget Crossed\n Total Budget:`40`");
    }

    @Test
    void theBodyIsLiteLlmsWebhookEventWithTheKeysHash() throws Exception {
        BudgetAlert a = BudgetAlerts.events(BudgetAlerts.SOFT, KEY, 120_000, 100_000, 2_000_000).get(0);
        JsonNode j = new ObjectMapper().readTree(a.json());
        assertThat(j.get("spend").decimalValue()).isEqualByComparingTo("0.00012");
        assertThat(j.get("soft_budget").decimalValue()).isEqualByComparingTo("0.0001");
        assertThat(j.get("max_budget").decimalValue()).isEqualByComparingTo("0.002");
        assertThat(j.get("token").asText()).isEqualTo("ab12");
        assertThat(j.get("key_alias").asText()).isEqualTo("app");
        assertThat(j.get("user_id").asText()).isEqualTo("ann");
        assertThat(j.get("team_id").asText()).isEqualTo("red");
        assertThat(j.get("team_alias").asText()).isEqualTo("Red team");
        assertThat(j.get("event_group").asText()).isEqualTo("key");
        assertThat(j.get("event").asText()).isEqualTo("soft_budget_crossed");
        assertThat(j.get("event_message").asText()).isEqualTo("Soft Budget Crossed: Total Soft Budget:`0.0001`");
        assertThat(j.get("customer_id").isNull()).isTrue();
        assertThat(j.get("projected_spend").isNull()).isTrue();
        assertThat(a.json()).as("plain numbers, as Python prints them").doesNotContain("E-");
    }
}
