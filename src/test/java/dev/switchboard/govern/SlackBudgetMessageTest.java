package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Slack message of a budget alert: LiteLLM's layout, whose budget, spend and budgets, nothing a name could forge. */
class SlackBudgetMessageTest {
    private static final Instant AT = Instant.parse("2026-12-06T14:03:22.456Z");
    private static final String HASH = "3f9a" + "0".repeat(60);

    private static BudgetAlert key(String event, String message) {
        return new BudgetAlert(event, "key", message, 1_980_000L, 2_000_000L, 100_000L, HASH, "billing-app", "ann", "red",
                "Red team", "ann@example.com");
    }

    @Test
    void aKeysBudgetCrossedReadsAsLiteLlmsSlackAlertWithWhoseBudgetAndTheSpend() {
        String text = SlackBudgetMessage.text(key("budget_crossed", "Key Budget: Budget Crossed\n Total Budget:`0.002`"), AT, null);
        assertThat(text).isEqualTo("""
                Level: `High`
                Timestamp: `2026-12-06 14:03:22 UTC`

                Message: Key Budget: Budget Crossed
                 Total Budget:`0.002`

                Alert type: `budget_alerts`, event: `budget_crossed`
                Key: `billing-app` (token `%s`)
                User: `ann` (`ann@example.com`)
                Team: `red` (`Red team`)
                Spend: `$0.00198`
                Max budget: `$0.002`
                Soft budget: `$0.0001`
                """.formatted(HASH));
    }

    @Test
    void theBodyIsSlacksIncomingWebhookJsonWithTheProxyUrlLast() throws Exception {
        String json = SlackBudgetMessage.json(key("threshold_crossed", "Key Budget: 15% Threshold Crossed"), AT, "https://gw.example.com");
        Map<String, Object> body = new ObjectMapper().readValue(json, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
        assertThat(body.keySet()).containsExactly("text");
        assertThat((String) body.get("text")).contains("Message: Key Budget: 15% Threshold Crossed\n")
                .endsWith("\nProxy URL: `https://gw.example.com`\n");
    }

    @Test
    void teamUserAndGlobalBudgetsAreNamedByTheirOwner() {
        String team = SlackBudgetMessage.text(new BudgetAlert("budget_crossed", "team", "Team Budget: Budget Crossed\n Total Budget:`5`",
                5_000_000_000L, 5_000_000_000L, null, null, null, null, "blue", "Blue team", null), AT, null);
        assertThat(team).contains("\nTeam: `blue` (`Blue team`)\nSpend: `$5`\nMax budget: `$5`\n")
                .doesNotContain("Key:").doesNotContain("User:").doesNotContain("Soft budget");
        String user = SlackBudgetMessage.text(new BudgetAlert("threshold_crossed", "user", "User Budget: 5% Threshold Crossed",
                96, 100L, null, null, null, "bob", null, null, null), AT, null);
        assertThat(user).contains("\nUser: `bob`\nSpend: `$0.000000096`\n");
        String proxy = SlackBudgetMessage.text(new BudgetAlert("budget_crossed", "proxy", "Proxy Budget: Budget Crossed\n Total Budget:`100`",
                100_000_000_000L, 100_000_000_000L, null, null, null, null, null, null, null), AT, null);
        assertThat(proxy).contains("Budget: the gateway's global budget (`litellm_settings.max_budget`)\nSpend: `$100`\n");
    }

    /** A key's alias is a user's text: it must not mention @channel, forge a link, end the code span or add a line. */
    @Test
    void namesCannotMentionLinkOrBreakTheLayout() {
        BudgetAlert a = new BudgetAlert("budget_crossed", "key", "Key Budget: Budget Crossed", 1, 1L, null, HASH,
                "<!channel> `x` & <https://evil.example|click>\nSpend: `$0`", null, null, null, null);
        String text = SlackBudgetMessage.text(a, AT, null);
        assertThat(text).contains("Key: `&lt;!channel&gt; 'x' &amp; &lt;https://evil.example|click&gt; Spend: '$0'` (token")
                .doesNotContain("<!channel>").doesNotContain("<https://");
        assertThat(text.lines().filter(l -> l.startsWith("Spend:"))).containsExactly("Spend: `$0.000000001`");
    }
}
