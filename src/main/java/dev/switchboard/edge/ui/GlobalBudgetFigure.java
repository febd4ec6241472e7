package dev.switchboard.edge.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.govern.Governance.GlobalBudget;
import java.time.Instant;

/**
 * The overview's gateway-wide budget ({@code litellm_settings.max_budget}): what this period spent against the cap,
 * when it resets, and whether it is exhausted. It refuses every call once spent (QA run D, finding 2: the dashboard
 * showed every key active while each call got a 400, with nothing saying why).
 */
final class GlobalBudgetFigure {
    /** Below this share left, a call's worst case may already not fit: the page warns before the cap is reached. */
    static final double LOW_SHARE = 0.10;

    private GlobalBudgetFigure() {}

    /** Null (JSON null) without a global budget. */
    static ObjectNode of(GlobalBudget b) {
        if (b == null) return null;
        ObjectNode o = DashboardFigures.JSON.createObjectNode();
        o.put("max_budget_nanos", b.maxNanos());
        o.put("max_budget", DashboardFigures.usd(b.maxNanos()));
        o.put("spend_nanos", b.spentNanos());
        o.put("spend", DashboardFigures.usd(b.spentNanos()));
        o.put("remaining_nanos", b.remainingNanos());
        o.put("remaining", DashboardFigures.usd(b.remainingNanos()));
        o.put("budget_used", (double) b.spentNanos() / b.maxNanos());
        if (b.period() == null) o.putNull("budget_duration");
        else o.put("budget_duration", b.period());
        o.put("period_start", Instant.ofEpochMilli(b.periodStart()).toString());
        if (b.resetsAt() == null) o.putNull("resets_at");
        else o.put("resets_at", Instant.ofEpochMilli(b.resetsAt()).toString());
        // exhausted: spent to the cap; refusing: the last call asked of it did not fit (its worst case is above what is
        // left), which happens before the cap is reached; low: a tenth or less left
        o.put("exhausted", b.spentNanos() >= b.maxNanos());
        o.put("refusing", b.refusingWorstCase() > 0);
        if (b.refusingWorstCase() > 0) o.put("refused_worst_case", DashboardFigures.usd(b.refusingWorstCase()));
        o.put("low", b.remainingNanos() < b.maxNanos() * LOW_SHARE);
        return o;
    }
}
