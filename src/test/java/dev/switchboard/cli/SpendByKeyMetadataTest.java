package dev.switchboard.cli;

import static dev.switchboard.cli.KeysCommandTest.JSON;
import static dev.switchboard.cli.KeysCommandTest.ok;
import static dev.switchboard.cli.SpendCommandTest.lineStartingWith;
import static dev.switchboard.cli.SpendCommandTest.usd;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.cli.KeysCommandTest.Run;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.math.BigDecimal;
import java.util.List;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * QA (fortieth session), "which app burned $40 this month?": an app with a prod and a dev key, each labelled
 * {@code metadata: {app: notes}} as LiteLLM users label keys, was two rows by key and, the dev key having no tag, half of
 * itself by tag. {@code spend --by key_metadata.app} is one row per app with its keys named.
 */
class SpendByKeyMetadataTest {
    static TestGateway gw;
    static BigDecimal notes = BigDecimal.ZERO;
    static BigDecimal other = BigDecimal.ZERO;
    static BigDecimal gone = BigDecimal.ZERO;
    static BigDecimal literalNone;
    static BigDecimal red;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
        String prod = create("notes-prod", "--metadata", "app=notes", "--metadata", "team=a");
        String dev = create("notes-dev", "--metadata", "app=notes");
        String unlabelled = create("scratch");
        String deleted = create("old-app", "--metadata", "app=old");
        // an app really named "(none)", and one whose name holds an escape sequence
        String literal = create("literal", "--metadata", "app=(none)");
        String coloured = create("coloured", "--metadata", "app=red\u001b[31mapp");
        notes = notes.add(call(prod)).add(call(prod)).add(call(dev));
        other = other.add(call(unlabelled));
        gone = gone.add(call(deleted));
        literalNone = call(literal);
        red = call(coloured);
        ok(SpendCommandTest.spend(gw, 2, "keys", "delete", "old-app"));
    }

    private static String create(String alias, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "keys";
        args[1] = "create";
        args[2] = "--alias";
        args[3] = alias;
        args[4] = "--tag=x";
        System.arraycopy(more, 0, args, 5, more.length);
        return KeysCommandTest.secretIn(ok(SpendCommandTest.spend(gw, 2, args)).out());
    }

    private static BigDecimal call(String key) throws Exception {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow());
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void oneRowPerAppWithItsKeysAndTheDeletedAndUnlabelledApart() {
        String out = ok(SpendCommandTest.spend(gw, 1, "spend", "--by", "key_metadata.app", "--since", "1d")).out();
        assertThat(out.lines().findFirst().orElseThrow()).startsWith("spend by key_metadata.app from ");
        assertThat(lineStartingWith(out, "APP")).containsSubsequence("KEYS", "SPEND", "REQUESTS");
        assertThat(lineStartingWith(out, "notes ")).matches("notes +notes-dev, notes-prod +\\" + usd(notes) + " +3 +0 .*");
        assertThat(out.lines().filter(l -> l.contains("scratch")).findFirst().orElseThrow()).matches("\\(none\\) +scratch +\\" + usd(other) + " +1 +0 .*");
        assertThat(lineStartingWith(out, "(deleted keys) ")).contains(usd(gone));
        assertThat(lineStartingWith(out, "TOTAL")).contains(usd(notes.add(other).add(gone).add(literalNone).add(red)))
                .matches("TOTAL +- +\\S+ +7 .*");
        // the escape character is not written to the terminal
        assertThat(out).doesNotContain("\u001b").contains("red?[31mapp");
    }

    /** "(none)" as an app's real name is a group of its own: the placeholders are marked, not told by their text. */
    @Test
    void anAppNamedLikeAPlaceholderIsNotMergedWithTheUnlabelledKeys() throws Exception {
        JsonNode r = JSON.readTree(ok(SpendCommandTest.spend(gw, 1, "spend", "--json", "--by", "key_metadata.app")).out());
        List<JsonNode> nones = new java.util.ArrayList<>();
        r.path("groups").forEach(g -> { if (g.path("group").asText().equals("(none)")) nones.add(g); });
        assertThat(nones).hasSize(2);
        JsonNode placeholder = nones.stream().filter(g -> g.path("placeholder").asBoolean()).findFirst().orElseThrow();
        JsonNode real = nones.stream().filter(g -> !g.has("placeholder")).findFirst().orElseThrow();
        assertThat(placeholder.path("keys").toString()).isEqualTo("[\"scratch\"]");
        assertThat(real.path("keys").toString()).isEqualTo("[\"literal\"]");
    }

    @Test
    void theApiNamesTheGroupingAndRefusesAFieldWithoutAName() throws Exception {
        JsonNode r = JSON.readTree(ok(SpendCommandTest.spend(gw, 1, "spend", "--json", "--by", "key_metadata.team")).out());
        assertThat(r.path("group_by").asText()).isEqualTo("key_metadata.team");
        assertThat(r.path("groups").get(0).path("group").asText()).isEqualTo("(none)");
        Run bad = KeysCommandTest.cli("spend", "--url", gw.baseUrl(), "--by", "key_metadata.");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("key_metadata.FIELD");
        HttpResponse<String> api = Http.get(gw.baseUrl() + "/global/spend/report?group_by=key_metadata.a%20b", TestGateway.MASTER_KEY);
        assertThat(api.statusCode()).isEqualTo(400);
        assertThat(api.body()).contains("key_metadata.app");
    }
}
