package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's {@code litellm_settings.timezone}: budgets reset at that zone's midnight, Monday and 1st, as
 * {@code budget_reset_at} shows for a key, a team and a customer made through the admin API.
 */
class BudgetTimezoneIT {
    @Test
    void budgetsResetAtTheConfiguredZonesMidnightMondayAndFirstOfTheMonth() {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata"); // 05:30 ahead of UTC: its midnight is 18:30 UTC
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                litellm_settings: { timezone: Asia/Kolkata }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            Admin admin = new Admin(gw);
            for (String d : new String[] {"1d", "7d", "30d"}) {
                JsonObject k = admin.generate(new JsonObject().put("max_budget", 1).put("budget_duration", d));
                ZonedDateTime made = Instant.parse(k.getString("created_at")).atZone(kolkata);
                ZonedDateTime midnight = made.toLocalDate().atStartOfDay(kolkata);
                ZonedDateTime expected = switch (d) {
                    case "1d" -> midnight.plusDays(1);
                    case "7d" -> midnight.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
                    default -> midnight.withDayOfMonth(1).plusMonths(1);
                };
                assertThat(Instant.parse(k.getString("budget_reset_at"))).as(d).isEqualTo(expected.toInstant());
            }
            JsonObject team = admin.postOk("/team/new", new JsonObject().put("team_id", "tz").put("max_budget", 1).put("budget_duration", "1d"));
            Instant teamReset = Instant.parse(team.getString("budget_reset_at"));
            assertThat(teamReset.atZone(kolkata).toLocalTime()).as("the team's too").isEqualTo(java.time.LocalTime.MIDNIGHT);
            assertThat(teamReset.atZone(java.time.ZoneOffset.UTC).toLocalTime()).isEqualTo(java.time.LocalTime.of(18, 30));
            JsonObject customer = admin.postOk("/customer/new", new JsonObject().put("user_id", "tz-customer").put("max_budget", 1)
                    .put("budget_duration", "30d"));
            Instant customerReset = Instant.parse(customer.getJsonObject("litellm_budget_table").getString("budget_reset_at"));
            assertThat(customerReset.atZone(kolkata).getDayOfMonth()).isEqualTo(1);
            assertThat(customerReset.atZone(kolkata).toLocalTime()).isEqualTo(java.time.LocalTime.MIDNIGHT);
        }
    }
}
