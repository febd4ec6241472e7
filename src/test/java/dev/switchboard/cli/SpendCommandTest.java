package dev.switchboard.cli;

import static dev.switchboard.cli.KeysCommandTest.JSON;
import static dev.switchboard.cli.KeysCommandTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.cli.KeysCommandTest.Run;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code switchboard spend …} after real calls made with a key the CLI created: the report's numbers are the ones the
 * answers' {@code x-switchboard-cost} headers stated, read right after the calls (the spend routes flush the ledger).
 */
class SpendCommandTest {
    static TestGateway gw;
    static String keyId;
    static BigDecimal cost = BigDecimal.ZERO;
    /** What the first call cost, the one that names an end user ("ada"). */
    static BigDecimal adaCost;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                  - model_name: local
                    litellm_params: { model: hosted_vllm/llama-3.1-8b, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                router_settings: { num_retries: 0 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
        Run created = ok(spend(2, "keys", "create", "--alias", "spender", "--tag", "team-spend"));
        String key = KeysCommandTest.secretIn(created.out());
        keyId = JSON.readTree(ok(spend(2, "keys", "info", "--json", "spender")).out()).path("info").path("key_id").asText();
        for (String model : List.of("gpt", "gpt", "local")) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"" + model
                    + "\",\"max_tokens\":20," + (adaCost == null ? "\"user\":\"ada\"," : "")
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            BigDecimal c = new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow());
            if (adaCost == null) adaCost = c;
            cost = cost.add(c);
            // the log lists newest first by ended_at (milliseconds), ties by request id: two calls ending in one
            // millisecond came out in either order (the suite saw "local" listed second once)
            Thread.sleep(2);
        }
        assertThat(cost).isPositive();
    }

    @AfterAll
    static void stop() { gw.close(); }

    static Run spend(int commandWords, String... args) { return KeysCommandTest.admin(gw, commandWords, args); }

    static Run spend(TestGateway g, int commandWords, String... args) { return KeysCommandTest.admin(g, commandWords, args); }

    /** The report's dollars: at least 4 decimals, every further one the gateway sent. */
    static String usd(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return "$" + s.setScale(Math.max(4, s.scale())).toPlainString();
    }

    static String lineStartingWith(String out, String start) {
        return out.lines().filter(l -> l.startsWith(start)).findFirst().orElse(null);
    }

    @Test
    void byKeyShowsTheAliasTheExactSpendTheCountsAndATotal() {
        String out = ok(spend(1, "spend", "--by", "key", "--since", "1d", "--key", "spender")).out();
        assertThat(out.lines().findFirst().orElseThrow()).startsWith("spend by key from ").endsWith(" to now");
        assertThat(lineStartingWith(out, "KEY_ID")).containsSubsequence("KEY ALIAS", "SPEND", "REQUESTS", "FAILED", "TOKENS IN",
                "TOKENS OUT", "CACHED", "UNPRICED");
        // the local model is unpriced: its call counts as a request and costs $0
        assertThat(lineStartingWith(out, keyId)).isNotNull().matches(keyId + " +spender +\\" + usd(cost) + " +3 +0 +\\d+ +\\d+ +0 +1");
        assertThat(lineStartingWith(out, "TOTAL")).matches("TOTAL +- +\\" + usd(cost) + " +3 +0 +\\d+ +\\d+ +0 +1");
        assertThat(out).contains("\n---").contains("unpriced: 'local' (hosted_vllm/llama-3.1-8b): ").contains("(its calls cost $0)");
    }

    @Test
    void byModelAliasTagDayAndEndUser() {
        String byModel = ok(spend(1, "spend", "--by", "model", "--key", keyId)).out();
        assertThat(byModel.lines().findFirst().orElseThrow()).isEqualTo("spend by model, all time");
        assertThat(lineStartingWith(byModel, "openai/gpt-4o-mini")).matches("openai/gpt-4o-mini +\\" + usd(cost) + " +2 .*");
        assertThat(lineStartingWith(byModel, "hosted_vllm/llama-3.1-8b")).matches("hosted_vllm/llama-3.1-8b +\\$0\\.0{4,} +1 .*");
        // the most expensive first, as the gateway sends it
        assertThat(byModel.indexOf("openai/gpt-4o-mini")).isLessThan(byModel.indexOf("hosted_vllm/llama-3.1-8b"));

        String byAlias = ok(spend(1, "spend", "--by", "alias", "--key", "spender", "--model", "gpt")).out();
        assertThat(lineStartingWith(byAlias, "MODEL ")).isNotNull();
        assertThat(lineStartingWith(byAlias, "gpt ")).matches("gpt +\\" + usd(cost) + " +2 .*");
        assertThat(lineStartingWith(byAlias, "local")).isNull();

        String byTag = ok(spend(1, "spend", "--by", "tag", "--tag", "team-spend")).out();
        assertThat(lineStartingWith(byTag, "team-spend")).matches("team-spend +\\" + usd(cost) + " +3 .*");
        assertThat(byTag).doesNotContain("TOTAL").contains("(no total: a request with several tags counts under each of them)");

        String byEndUser = ok(spend(1, "spend", "--by", "end_user", "--key", "spender")).out();
        assertThat(lineStartingWith(byEndUser, "END USER")).isNotNull();
        assertThat(lineStartingWith(byEndUser, "ada ")).matches("ada +\\" + usd(adaCost) + " +1 .*");
        assertThat(lineStartingWith(byEndUser, "(none)")).matches("\\(none\\) +\\" + usd(cost.subtract(adaCost)) + " +2 .*");

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(lineStartingWith(ok(spend(1, "spend", "--by", "day", "--key", "spender")).out(), today))
                .matches(today + " +\\" + usd(cost) + " +3 .*");
    }

    @Test
    void jsonIsTheReportAsTheGatewaySentIt() throws Exception {
        JsonNode r = JSON.readTree(ok(spend(1, "spend", "--json", "--key", "spender")).out());
        assertThat(r.path("group_by").asText()).isEqualTo("key");
        assertThat(r.path("total_spend").decimalValue()).isEqualByComparingTo(cost);
        assertThat(r.path("groups").get(0).path("key_alias").asText()).isEqualTo("spender");
    }

    @Test
    void anEmptyRangeAndTheGatewaysRefusals() {
        assertThat(ok(spend(1, "spend", "--from", "2000-01-01", "--to", "2000-01-02")).out())
                .startsWith("spend by key from 2000-01-01 00:00 UTC to 2000-01-03 00:00 UTC\n").contains("no requests in this range");
        Run badSince = spend(1, "spend", "--since", "30x");
        assertThat(badSince.exit()).isEqualTo(1);
        assertThat(badSince.err()).contains("error (HTTP 400): --since: '30x' is not a duration");
        Run both = spend(1, "spend", "--since", "1d", "--from", "2026-01-01");
        assertThat(both.err()).contains("error (HTTP 400): Give --from or --since, not both.");
        // QA F15: the gateway names its parameters, the user typed the options
        Run badDate = spend(1, "spend", "--from", "2026-13-01");
        assertThat(badDate.exit()).isEqualTo(1);
        assertThat(badDate.err()).contains("error (HTTP 400): --from must be a date").doesNotContain("start_date");
        Run badBy = KeysCommandTest.cli("spend", "--by", "user");
        assertThat(badBy.exit()).isEqualTo(2);
        assertThat(badBy.err()).contains("--by").contains("key, tag, model, alias, day");
    }

    @Test
    void logsListTheCallsNewestFirst() {
        String out = ok(spend(2, "spend", "logs", "--key", "spender", "--limit", "2")).out();
        assertThat(lineStartingWith(out, "TIME")).containsSubsequence("KEY", "MODEL", "DEPLOYMENT", "ROUTE", "STATUS", "SPEND",
                "REQUEST_ID");
        List<String> rows = out.lines().filter(l -> l.contains(" spender ")).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).contains("local", "hosted_vllm/llama-3.1-8b", "primary", " 200 ", "$0.0000");
        assertThat(rows.get(1)).contains("gpt", "openai/gpt-4o-mini", " 200 ");
        assertThat(out).contains("2 of 3 rows, newest first (--limit N for more)");
        Run tooMany = spend(2, "spend", "logs", "--limit", "5000");
        assertThat(tooMany.err()).contains("error (HTTP 400): --limit must be between 1 and 1000.");
    }

    /**
     * QA (twenty-second session): {@code spend --url X logs} dropped the parent's options and asked the default gateway.
     * Those {@code logs} takes too apply ({@code --url}, {@code --master-key}, the filters); its own win; {@code --by} is refused.
     */
    @Test
    void optionsGivenToSpendBeforeLogsApplyToLogs() {
        // admin(…, 1, …) puts --url and --master-key after "spend", before "logs"
        String out = ok(spend(1, "spend", "--key", "spender", "logs", "--limit", "2")).out();
        assertThat(lineStartingWith(out, "TIME")).isNotNull();
        assertThat(out).contains("spender").contains("2 of ");
        Run own = spend(1, "spend", "--key", "nobody-such", "logs", "--key", "spender", "--limit", "1");
        assertThat(ok(own).out()).contains("spender");
        Run by = KeysCommandTest.cli("spend", "--by", "tag", "logs", "--url", gw.baseUrl(), "--master-key", TestGateway.MASTER_KEY);
        assertThat(by.exit()).isEqualTo(2);
        assertThat(by.err()).contains("--by is an option of the spend report, not of 'spend logs'");
    }
}
