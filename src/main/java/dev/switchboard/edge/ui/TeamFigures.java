package dev.switchboard.edge.ui;

import static dev.switchboard.edge.ui.DashboardFigures.JSON;
import static dev.switchboard.edge.ui.DashboardFigures.usd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.account.SpendRollups;
import dev.switchboard.account.SpendRollups.TeamDaily;
import dev.switchboard.pipeline.Gateway;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of the dashboard's Teams page: spend per team per UTC day and month to date, from the {@code team_daily}
 * rollup (V19) only, beside what the admin API answers for each stored team, user and end user (LiteLLM's
 * {@code /team/list}, {@code /user/list}, {@code /customer/list}: the budget, the spend of its current period, the
 * share used). A team label with calls but no stored row (a key's {@code team_id} that names no team) has spend and no
 * budget. Money is sent as exact nano-dollars where the ledger gives it, and as US dollars. Blocking: run on a worker.
 */
final class TeamFigures {
    private final Gateway gateway;

    TeamFigures(Gateway gateway) { this.gateway = gateway; }

    /**
     * @param teams     {@code /team/list}'s answer
     * @param users     {@code /user/list}'s page (its {@code users})
     * @param customers {@code /customer/list}'s answer
     */
    ObjectNode page(int days, long nowMillis, ArrayNode teams, ObjectNode users, ArrayNode customers) {
        long today = SpendRollups.dayOf(nowMillis);
        long from = today - days + 1;
        long monthStart = LocalDate.ofEpochDay(today).withDayOfMonth(1).toEpochDay();
        List<TeamDaily> rows = gateway.rollups().teamDaily(Math.min(from, monthStart), today + 1);

        ObjectNode out = JSON.createObjectNode();
        out.put("generated_at", java.time.Instant.ofEpochMilli(nowMillis).toString());
        out.put("month_start", LocalDate.ofEpochDay(monthStart).toString());
        ArrayNode dayList = out.putArray("days");
        for (long d = from; d <= today; d++) dayList.add(LocalDate.ofEpochDay(d).toString());

        Map<String, JsonNode> stored = new HashMap<>();
        for (JsonNode t : teams) stored.put(t.path("team_id").asText(), t);
        Map<String, long[]> perDay = new TreeMap<>();
        Map<String, long[]> sums = new TreeMap<>(); // requests, cost, prompt, completion (in the days), month to date
        for (TeamDaily d : rows) {
            long[] s = sums.computeIfAbsent(d.teamId(), x -> new long[5]);
            if (d.day() >= monthStart) s[4] += d.costNanos();
            if (d.day() < from) continue;
            perDay.computeIfAbsent(d.teamId(), x -> new long[days])[(int) (d.day() - from)] += d.costNanos();
            s[0] += d.requests();
            s[1] += d.costNanos();
            s[2] += d.promptTokens();
            s[3] += d.completionTokens();
        }
        ArrayNode spend = out.putArray("spend_by_team");
        for (Map.Entry<String, long[]> e : sums.entrySet()) {
            long[] s = e.getValue();
            JsonNode team = stored.get(e.getKey());
            ObjectNode o = spend.addObject();
            o.put("team_id", e.getKey());
            o.put("team", label(e.getKey(), team));
            o.put("stored", team != null);
            ArrayNode usdPerDay = o.putArray("cost_usd");
            for (long n : perDay.getOrDefault(e.getKey(), new long[days])) usdPerDay.add(usd(n));
            o.put("requests", s[0]);
            o.put("total_nanos", s[1]);
            o.put("total_usd", usd(s[1]));
            o.put("prompt_tokens", s[2]);
            o.put("completion_tokens", s[3]);
            o.put("mtd_spend_nanos", s[4]);
            o.put("mtd_spend_usd", usd(s[4]));
        }

        ArrayNode teamRows = out.putArray("teams");
        for (JsonNode t : teams) {
            String id = t.path("team_id").asText();
            ObjectNode o = budgetRow(teamRows, t, "spend", t.get("max_budget"));
            o.put("team_id", id);
            o.put("team", label(id, t));
            o.put("members", t.path("members_with_roles").size());
            o.put("keys", t.path("keys").size());
            o.set("models", t.get("models"));
            o.put("blocked", t.path("blocked").asBoolean());
            long[] s = sums.get(id);
            o.put("mtd_spend_nanos", s == null ? 0 : s[4]);
            o.put("mtd_spend_usd", usd(s == null ? 0 : s[4]));
        }
        ArrayNode userRows = out.putArray("users");
        for (JsonNode u : users.path("users")) {
            ObjectNode o = budgetRow(userRows, u, "spend", u.get("max_budget"));
            o.set("user_id", u.get("user_id"));
            o.set("user_email", u.get("user_email"));
            o.set("user_role", u.get("user_role"));
            o.set("teams", u.get("teams"));
            o.put("keys", u.path("key_count").asInt());
            o.set("models", u.get("models"));
        }
        ArrayNode customerRows = out.putArray("customers");
        for (JsonNode c : customers) {
            JsonNode budget = c.path("litellm_budget_table");
            ObjectNode o = budgetRow(customerRows, c, "spend", budget.get("max_budget"));
            o.set("budget_duration", budget.get("budget_duration"));
            o.set("budget_reset_at", budget.get("budget_reset_at"));
            o.put("default_budget", budget.path("default").asBoolean(false));
            o.set("user_id", c.get("user_id"));
            o.set("alias", c.get("alias"));
            o.put("blocked", c.path("blocked").asBoolean());
        }
        return out;
    }

    /** A stored team is named by its alias, else its id; a label without a row by its id. */
    private static String label(String teamId, JsonNode team) {
        String alias = team == null ? null : team.path("team_alias").asText(null);
        return alias == null || alias.isEmpty() ? teamId : alias;
    }

    /**
     * A row's budget figures: {@code max_budget}, {@code budget_duration}, {@code budget_reset_at}, the spend of the
     * current period ({@code period_spend}, US dollars as the admin API answers it) and the share of the budget used.
     */
    private static ObjectNode budgetRow(ArrayNode rows, JsonNode row, String spendField, JsonNode maxBudget) {
        ObjectNode o = rows.addObject();
        BigDecimal spent = row.path(spendField).decimalValue();
        o.put("period_spend", spent);
        o.set("max_budget", maxBudget == null || maxBudget.isMissingNode() ? JSON.nullNode() : maxBudget);
        o.set("budget_duration", row.get("budget_duration"));
        o.set("budget_reset_at", row.get("budget_reset_at"));
        DashboardFigures.putBudgetUsed(o, spent.doubleValue(), maxBudget);
        return o;
    }
}
