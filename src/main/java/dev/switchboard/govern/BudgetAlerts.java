package dev.switchboard.govern;

import java.util.ArrayList;
import java.util.List;

/**
 * When a budget alert is told, and in LiteLLM's words ({@code SlackAlerting.budget_alerts} and its
 * {@code _get_event_and_event_message}): {@code soft_budget_crossed} when the period's spend reaches the
 * {@code soft_budget}; {@code threshold_crossed} when it reaches 85 % of {@code max_budget} (LiteLLM's "15% Threshold
 * Crossed": 15 % left) and again at 95 % ("5% Threshold Crossed"); {@code budget_crossed} when it reaches
 * {@code max_budget}, or when the budget first refuses a call that alone would have fit in it (the refusal LiteLLM sends
 * it with: a budget reserved ahead never overshoots, so its spend seldom reaches the cap exactly).
 *
 * <p>Each level is told once per budget period (LiteLLM's 24 h {@code budget_alert_ttl} cache, here the period: a new
 * period starts with none told). A call that crosses several levels at once tells the most severe of the max-budget
 * levels (budget over 95 % over 85 %) and, apart from it, the soft budget when that is crossed too.
 */
public final class BudgetAlerts {
    static final int SOFT = 1, T85 = 2, T95 = 4, MAX = 8;

    private BudgetAlerts() {}

    /** The levels a spend has reached (of a soft budget and a max budget, {@link Budget#NO_LIMIT} for none). */
    static int reached(long spentNanos, long softNanos, long maxNanos) {
        int r = 0;
        if (softNanos != Budget.NO_LIMIT && softNanos >= 0 && spentNanos >= softNanos && spentNanos > 0) r |= SOFT;
        if (maxNanos != Budget.NO_LIMIT && maxNanos > 0) {
            if (spentNanos >= maxNanos) r |= MAX | T95 | T85;
            else if (spentNanos >= maxNanos - maxNanos / 20) r |= T95 | T85; // 5 % left
            else if (spentNanos >= maxNanos - maxNanos / 100 * 15 - maxNanos % 100 * 15 / 100) r |= T85; // 15 % left
        }
        return r;
    }

    /** Who a budget belongs to, as the webhook names it. */
    record Subject(String group, String token, String keyAlias, String userId, String teamId, String teamAlias, String userEmail) {
        static final Subject PROXY = new Subject("proxy", null, null, null, null, null, null);
    }

    /**
     * The alerts for the levels newly {@code crossed} (a bit set of {@link #SOFT}, …): the soft budget's first, then the
     * most severe max-budget level.
     */
    static List<BudgetAlert> events(int crossed, Subject s, long spentNanos, long softNanos, long maxNanos) {
        List<BudgetAlert> out = new ArrayList<>(2);
        Long max = maxNanos == Budget.NO_LIMIT ? null : maxNanos;
        Long soft = softNanos == Budget.NO_LIMIT ? null : softNanos;
        if ((crossed & SOFT) != 0) {
            // LiteLLM's SoftBudgetAlert: "Soft Budget Crossed: " then "Total Soft Budget:`…`"
            out.add(alert("soft_budget_crossed", "Soft Budget Crossed: Total Soft Budget:`" + plain(softNanos) + "`", s, spentNanos, max, soft));
        }
        String prefix = switch (s.group()) {
            case "key" -> "Key Budget: ";
            case "team" -> "Team Budget: ";
            case "user" -> "User Budget: ";
            default -> "Proxy Budget: ";
        };
        if ((crossed & MAX) != 0) {
            out.add(alert("budget_crossed", prefix + "Budget Crossed\n Total Budget:`" + plain(maxNanos) + "`", s, spentNanos, max, soft));
        } else if ((crossed & T95) != 0) {
            out.add(alert("threshold_crossed", prefix + "5% Threshold Crossed", s, spentNanos, max, soft));
        } else if ((crossed & T85) != 0) {
            out.add(alert("threshold_crossed", prefix + "15% Threshold Crossed", s, spentNanos, max, soft));
        }
        return out;
    }

    private static BudgetAlert alert(String event, String message, Subject s, long spent, Long max, Long soft) {
        return new BudgetAlert(event, s.group(), message, spent, max, soft, s.token(), s.keyAlias(), s.userId(), s.teamId(),
                s.teamAlias(), s.userEmail());
    }

    private static String plain(long nanos) { return BudgetAlert.usd(nanos).toPlainString(); }
}
