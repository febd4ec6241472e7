package dev.switchboard.govern;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A budget alert as LiteLLM's {@code slack} channel posts it to a Slack incoming webhook: the body is Slack's
 * {@code {"text": …}} and the text LiteLLM's {@code send_alert} layout (its level, {@code High} for budget alerts, a
 * timestamp, then {@code Message: } and the event message, the same as the webhook's {@code event_message}), followed by
 * one line each for what LiteLLM appends from its {@code CallInfo}: the alert type and event, whose budget it is (the
 * key's alias and hash, never the key; the user, the team), the spend and the budgets, and {@code PROXY_BASE_URL} when set.
 *
 * <p>Names a user chose (a key's alias, a team's) are made inert for Slack's mrkdwn: {@code &}, {@code <} and
 * {@code >} are escaped as Slack asks (so an alias cannot mention {@code <!channel>} or forge a link), a backtick becomes
 * {@code '} so it cannot end the code span, and line breaks become spaces.
 */
public final class SlackBudgetMessage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private SlackBudgetMessage() {}

    /** Slack's incoming-webhook body: {@code {"text": …}}. */
    public static String json(BudgetAlert a, Instant at, String proxyBaseUrl) {
        try {
            return JSON.writeValueAsString(java.util.Map.of("text", text(a, at, proxyBaseUrl)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The message's text (Slack mrkdwn). */
    public static String text(BudgetAlert a, Instant at, String proxyBaseUrl) {
        StringBuilder t = new StringBuilder(256);
        t.append("Level: `High`\nTimestamp: `").append(TIME.format(at)).append("`\n\n");
        t.append("Message: ").append(escape(a.eventMessage())).append("\n\n");
        t.append("Alert type: `budget_alerts`, event: `").append(escape(a.event())).append("`\n");
        switch (a.eventGroup()) {
            case "key" -> {
                t.append("Key: ");
                if (a.keyAlias() != null) t.append(code(a.keyAlias())).append(" (token ").append(code(a.token())).append(")\n");
                else t.append("token ").append(code(a.token())).append('\n');
                who(t, a);
            }
            case "team", "user" -> who(t, a);
            default -> t.append("Budget: the gateway's global budget (`litellm_settings.max_budget`)\n");
        }
        t.append("Spend: ").append(usd(a.spendNanos())).append('\n');
        if (a.maxNanos() != null) t.append("Max budget: ").append(usd(a.maxNanos())).append('\n');
        if (a.softNanos() != null) t.append("Soft budget: ").append(usd(a.softNanos())).append('\n');
        if (proxyBaseUrl != null && !proxyBaseUrl.isBlank()) t.append("\nProxy URL: ").append(code(proxyBaseUrl)).append('\n');
        return t.toString();
    }

    /** The user and the team the budget belongs to or the key is of, when known. */
    private static void who(StringBuilder t, BudgetAlert a) {
        if (a.userId() != null || a.userEmail() != null) {
            t.append("User: ").append(a.userId() == null ? "-" : code(a.userId()));
            if (a.userEmail() != null) t.append(" (").append(code(a.userEmail())).append(')');
            t.append('\n');
        }
        if (a.teamId() != null) {
            t.append("Team: ").append(code(a.teamId()));
            if (a.teamAlias() != null) t.append(" (").append(code(a.teamAlias())).append(')');
            t.append('\n');
        }
    }

    private static String usd(long nanos) { return "`$" + BudgetAlert.usd(nanos).toPlainString() + "`"; }

    private static String code(String s) {
        return "`" + (s == null ? "-" : escape(s).replace('\n', ' ').replace('`', '\'')) + "`";
    }

    /** Slack's three control characters escaped, and control characters but line feeds made spaces. */
    static String escape(String s) {
        if (s == null) return "-";
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c < 0x20 && c != '\n' || c == '\u2028' || c == '\u2029' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
