package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code switchboard keys …} against a real gateway over real HTTP, the way a user drives it from a shell. */
class KeysCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestGateway gw;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() { gw = TestGateway.standard(); }

    @AfterAll
    static void stop() { gw.close(); }

    /** Runs {@code switchboard args…} in this JVM with stdout and stderr captured. */
    static Run cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new Main()).execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** {@code switchboard <command…> --url <gw> --master-key <key> <rest…>}: the command words come first. */
    static Run admin(TestGateway g, int commandWords, String... args) {
        List<String> all = new ArrayList<>(List.of(args).subList(0, commandWords));
        all.addAll(List.of("--url", g.baseUrl(), "--master-key", TestGateway.MASTER_KEY));
        all.addAll(List.of(args).subList(commandWords, args.length));
        Run r = cli(all.toArray(String[]::new));
        assertThat(r.err()).as("says which gateway it talks to").startsWith("gateway " + g.baseUrl() + " (admin API)");
        return r;
    }

    static Run keys(String... args) { return admin(gw, 2, prepend("keys", args)); }

    static Run ok(Run r) {
        assertThat(r.exit()).as("stdout:\n%s\nstderr:\n%s", r.out(), r.err()).isZero();
        return r;
    }

    static String[] prepend(String first, String... rest) {
        String[] a = new String[rest.length + 1];
        a[0] = first;
        System.arraycopy(rest, 0, a, 1, rest.length);
        return a;
    }

    /** The secret of a create or regenerate answer: it is alone after its label on the first line. */
    static String secretIn(String out) {
        Matcher m = Pattern.compile("^(?:new )?key: (sk-sb-\\S+)$", Pattern.MULTILINE).matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    static int chat(String key) {
        return Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}").statusCode();
    }

    /** The line of {@code keys list} for a key alias (the alias is the first column). */
    static String listLine(String alias) {
        return ok(keys("list")).out().lines().filter(l -> l.startsWith(alias + " ")).findFirst().orElse(null);
    }

    @Test
    void aKeysWholeLifeThroughTheCli() throws Exception {
        Run created = ok(keys("create", "--alias", "cli-notes", "--budget", "5", "--period", "30d", "--models", "gpt,mock",
                "--tag", "team-a", "--tag", "cli", "--rpm", "100", "--metadata", "owner=me"));
        String key = secretIn(created.out());
        assertThat(created.out().lines().findFirst().orElseThrow()).isEqualTo("key: " + key);
        assertThat(created.out()).contains("only time it is shown").containsPattern("key_alias +cli-notes")
                .containsPattern("max_budget +\\$5\\.00").containsPattern("budget_duration +30d").containsPattern("models +gpt,mock")
                .containsPattern("tags +team-a,cli").containsPattern("rpm_limit +100")
                .contains("{\"owner\":\"me\",\"tags\":[\"team-a\",\"cli\"]}"); // metadata shows the tags, where LiteLLM keeps them
        String keyId = created.out().lines().filter(l -> l.startsWith("key_id ")).findFirst().orElseThrow().split(" +")[1];
        assertThat(chat(key)).isEqualTo(200);

        String line = listLine("cli-notes");
        assertThat(line).as("list").isNotNull().contains("sk-sb-..." + key.substring(key.length() - 4)).contains(keyId)
                .contains("/ $5.00").contains("30d, resets ").contains("gpt,mock").endsWith("active").doesNotContain(key);
        assertThat(line).containsPattern("\\$0\\.\\d*[1-9]\\d* / ");  // the call's spend: small, not zero

        Run info = ok(keys("info", "cli-notes"));
        assertThat(info.out()).containsPattern("key_id +" + keyId).containsPattern("blocked +false").doesNotContain(key);
        assertThat(ok(keys("info", keyId)).out()).as("by key_id as by alias").isEqualTo(info.out());

        assertThat(ok(keys("block", "cli-notes")).out()).startsWith("blocked key 'cli-notes' (" + keyId + ", sk-sb-...");
        assertThat(listLine("cli-notes")).endsWith("blocked");
        assertThat(chat(key)).isEqualTo(401);
        assertThat(ok(keys("unblock", key)).out()).startsWith("unblocked key 'cli-notes'");
        assertThat(chat(key)).isEqualTo(200);

        assertThat(info.out()).containsPattern("aliases +-");
        Run updated = ok(keys("update", "cli-notes", "--budget", "10", "--period", "none", "--models", "",
                "--model-alias", "gpt-4=gpt", "--model-alias", "o1=mock"));
        assertThat(updated.out()).startsWith("updated key 'cli-notes'");
        assertThat(ok(keys("info", "cli-notes")).out()).containsPattern("max_budget +\\$10\\.00")
                .containsPattern("budget_duration +-").containsPattern("models +all").containsPattern("aliases +gpt-4 -> gpt, o1 -> mock");
        assertThat(ok(keys("update", "cli-notes", "--no-model-aliases")).out()).containsPattern("aliases +-");
        // per-model limits (LiteLLM's model_rpm_limit / model_tpm_limit), kept in the metadata as LiteLLM keeps them
        ok(keys("update", "cli-notes", "--model-rpm", "gpt=7", "--model-tpm", "gpt=9000"));
        assertThat(ok(keys("info", "cli-notes")).out()).contains("\"model_rpm_limit\":{\"gpt\":7}").contains("\"model_tpm_limit\":{\"gpt\":9000}");
        assertThat(keys("update", "cli-notes", "--model-rpm", "gpt=many").err()).contains("--model-rpm");

        Run regenerated = ok(keys("regenerate", "cli-notes"));
        String fresh = secretIn(regenerated.out());
        assertThat(fresh).isNotEqualTo(key);
        assertThat(regenerated.out()).startsWith("new key: " + fresh).containsPattern("key_id +" + keyId);
        assertThat(chat(key)).as("the old secret").isEqualTo(401);
        assertThat(chat(fresh)).isEqualTo(200);
        // --grace-period: LiteLLM's grace_period, the old secret keeps working as the key
        String graced = secretIn(ok(keys("regenerate", "cli-notes", "--grace-period", "1h")).out());
        assertThat(chat(fresh)).as("the old secret, in its grace period").isEqualTo(200);
        assertThat(chat(graced)).isEqualTo(200);
        Run bad = keys("regenerate", "cli-notes", "--grace-period", "1 hour");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("--grace-period");
        fresh = graced;

        assertThat(ok(keys("delete", fresh)).out()).isEqualTo("deleted 1 key(s): sk-sb-..." + fresh.substring(fresh.length() - 4) + "\n");
        assertThat(listLine("cli-notes")).isNull();
        Run gone = keys("info", "cli-notes");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.out()).isEmpty();
        assertThat(gone.err()).contains("error (HTTP 404): No key matches 'cli-notes'");
    }

    @Test
    void jsonPrintsTheGatewaysAnswer() throws Exception {
        JsonNode created = JSON.readTree(ok(keys("create", "--json", "--alias", "cli-json", "--expires", "90d", "--auto-tier", "cheap",
                "--user-id", "alice", "--team-id", "research"))
                .out());
        assertThat(created.path("key").asText()).startsWith("sk-sb-");
        assertThat(created.path("key_alias").asText()).isEqualTo("cli-json");
        assertThat(created.path("auto_tier").asText()).isEqualTo("cheap");
        assertThat(created.path("user_id").asText()).isEqualTo("alice");
        assertThat(created.path("team_id").asText()).isEqualTo("research");
        assertThat(created.path("expires").isTextual()).isTrue();
        JsonNode list = JSON.readTree(ok(keys("list", "--json")).out());
        assertThat(list.path("keys").findValuesAsText("key_alias")).contains("cli-json");
        assertThat(list.path("total_count").asInt()).isEqualTo(list.path("keys").size());
        JsonNode info = JSON.readTree(ok(keys("info", "--json", "cli-json")).out());
        assertThat(info.path("info").path("key_id").asText()).isEqualTo(created.path("key_id").asText());
        // --expires none removes the expiry (sent as LiteLLM's "-1": a null duration keeps it)
        JsonNode unexpiring = JSON.readTree(ok(keys("update", "--json", "cli-json", "--expires", "none")).out());
        assertThat(unexpiring.path("expires").isNull()).as(unexpiring.toString()).isTrue();
        ok(keys("delete", "cli-json"));
    }

    @Test
    void theGatewaysRefusalIsPrintedWithItsStatus() {
        Run bad = keys("create", "--alias", "cli-bad", "--expires", "90x");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("error (HTTP 400): --expires: '90x' is not a duration");
        assertThat(bad.out()).isEmpty();
        // a number picocli cannot read is a usage error before any request
        Run notANumber = cli("keys", "create", "--url", gw.baseUrl(), "--budget", "five");
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.err()).contains("'five' is not an amount of US dollars");
    }

    /** QA E1: a mistyped name used to read as deleted (exit 0) and the others were deleted anyway. */
    @Test
    void aMistypedKeyInADeleteDeletesNothingAndSaysWhichIsUnknown() {
        ok(keys("create", "--alias", "cli-del-a"));
        String secret = secretIn(ok(keys("create", "--alias", "cli-del-b")).out());
        Run typo = keys("delete", "cli-del-a", "bogus-alias-xyz");
        assertThat(typo.exit()).isEqualTo(1);
        assertThat(typo.out()).isEmpty();
        assertThat(typo.err()).contains("not found: bogus-alias-xyz; nothing deleted").doesNotContain("cli-del-a");
        Run typoSecret = keys("delete", "cli-del-a", "sk-sb-TYPOEDKEY0000000000000000000", "--json");
        assertThat(typoSecret.exit()).isEqualTo(1);
        assertThat(typoSecret.out()).isEmpty();
        assertThat(typoSecret.err()).contains("not found: sk-sb-...0000; nothing deleted").doesNotContain("TYPOEDKEY");
        assertThat(listLine("cli-del-a")).as("all or none: the known key is still there").isNotNull();
        assertThat(ok(keys("delete", "cli-del-a", secret)).out())
                .isEqualTo("deleted 2 key(s): cli-del-a, sk-sb-..." + secret.substring(secret.length() - 4) + "\n");
        assertThat(listLine("cli-del-a")).isNull();
        assertThat(listLine("cli-del-b")).isNull();
    }

    /** QA E4: the gateway's refusal named its field ('duration'), not the option typed (--expires). */
    @Test
    void refusalsNameTheOptionsTypedAndNegativeAmountsAreUsageErrors() {
        ok(keys("create", "--alias", "cli-opts"));
        Run period = keys("update", "cli-opts", "--period", "5y");
        assertThat(period.exit()).isEqualTo(1);
        assertThat(period.err()).contains("error (HTTP 400): --period: '5y' is not a duration").doesNotContain("budget_duration");
        Run expires = keys("create", "--alias", "cli-opts-2", "--expires", "soon");
        assertThat(expires.err()).contains("--expires: 'soon' is not a duration").doesNotContain("'duration'");
        for (String[] args : new String[][] {{"--budget", "-1"}, {"--soft-budget", "-2"}, {"--tpm", "-3"}, {"--parallel", "-1"}}) {
            Run r = cli("keys", "update", "cli-opts", "--url", gw.baseUrl(), args[0], args[1]);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).contains("Invalid value for option '" + args[0]).contains("of 0 or more");
        }
        assertThat(ok(keys("update", "cli-opts", "--budget", "0")).out()).containsPattern("max_budget +\\$0\\.00");
        ok(keys("delete", "cli-opts"));
    }

    /** QA E5b: the simulator (an OpenAI-compatible server) answered keys list with its own 401 and a master-key hint. */
    @Test
    void aServerThatIsNotASwitchboardGatewayIsSaidSo() {
        String sim = gw.simulator.rootUrl();
        Run r = cli("keys", "list", "--url", sim);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("not a Switchboard gateway at " + sim).contains("x-switchboard-request-id")
                .contains("Fix: --url is the gateway's root").doesNotContain("hint: this gateway has a master key");
        Run withKey = cli("spend", "--url", sim, "--master-key", TestGateway.MASTER_KEY);
        assertThat(withKey.err()).contains("not a Switchboard gateway at " + sim).doesNotContain("could not parse");
    }

    /** QA E5a: a bad $SWITCHBOARD_URL was reported as a bad --url, which the user never typed (a child JVM: its own env). */
    @Test
    void aBadSwitchboardUrlVariableIsNamedAsTheVariable() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "dev.switchboard.cli.Main", "keys", "list").redirectErrorStream(true);
        pb.environment().put("SWITCHBOARD_URL", "localhost:4120");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(out).contains("$SWITCHBOARD_URL must be the gateway's http(s) address").contains("found 'localhost:4120'")
                .doesNotContain("--url must");
    }

    /**
     * QA (thirty-ninth session): serve takes its master key from LITELLM_MASTER_KEY, but {@code keys list} in the same
     * shell read only SWITCHBOARD_MASTER_KEY and was refused (401). A child JVM: its own environment.
     */
    @Test
    void theMasterKeyServeReadsFromLiteLlmsVariableIsTheCommandsToo() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "dev.switchboard.cli.Main", "keys", "list").redirectErrorStream(true);
        pb.environment().keySet().removeAll(List.of("SWITCHBOARD_MASTER_KEY", "LITELLM_PROXY_URL", "LITELLM_PROXY_API_KEY"));
        pb.environment().put("LITELLM_MASTER_KEY", TestGateway.MASTER_KEY);
        // our address variable (with LiteLLM's $LITELLM_PROXY_URL the local master key is not sent: AdminClientKeyOrderTest)
        pb.environment().put("SWITCHBOARD_URL", gw.baseUrl());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).startsWith("gateway " + gw.baseUrl() + " (admin API)");

        ProcessBuilder wrong = new ProcessBuilder(pb.command()).redirectErrorStream(true);
        wrong.environment().keySet().removeAll(List.of("SWITCHBOARD_MASTER_KEY", "LITELLM_MASTER_KEY"));
        wrong.environment().put("SWITCHBOARD_URL", gw.baseUrl());
        wrong.environment().put("LITELLM_PROXY_API_KEY", "sk-not-the-master-key");
        Process w = wrong.start();
        String refused = new String(w.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(w.waitFor()).isEqualTo(1);
        assertThat(refused).contains("error (HTTP 401)").contains("hint: the key sent is $LITELLM_PROXY_API_KEY's")
                .doesNotContain("sk-not-the-master-key");
    }

    @Test
    void aWrongOrMissingMasterKeyIsTheGateways401() {
        Run wrong = cli("keys", "list", "--url", gw.baseUrl(), "--master-key", "sk-not-the-master-key");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.out()).isEmpty();
        assertThat(wrong.err()).startsWith("gateway " + gw.baseUrl() + " (admin API)\n")
                .contains("error (HTTP 401): Incorrect API key provided").doesNotContain("hint");
        Run none = cli("keys", "list", "--url", gw.baseUrl() + "/v1/");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).as("the /v1 an OpenAI base URL has is dropped").startsWith("gateway " + gw.baseUrl() + " (admin API)")
                .contains("error (HTTP 401): No API key provided").contains("hint: this gateway has a master key");
    }

    @Test
    void aGatewayThatIsNotRunningIsSaidSo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = cli("keys", "list", "--url", "http://127.0.0.1:" + port);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach the gateway at http://127.0.0.1:" + port + ": is it running? (switchboard serve");
        Run s = cli("spend", "--url", "http://127.0.0.1:" + port);
        assertThat(s.exit()).isEqualTo(1);
        assertThat(s.err()).contains("cannot reach the gateway at http://127.0.0.1:" + port);
        Run notUrl = cli("keys", "list", "--url", "localhost:4000");
        assertThat(notUrl.exit()).isEqualTo(1);
        assertThat(notUrl.err()).contains("--url must be the gateway's http(s) address");
    }

    @Test
    void helpNamesLiteLlmsFieldsAndNeverTheMasterKey() {
        Run help = cli("keys", "create", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("max_budget", "budget_duration", "rpm_limit", "max_parallel_requests", "--master-key",
                "SWITCHBOARD_MASTER_KEY", "SWITCHBOARD_URL");
        Run missing = cli("keys");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing a subcommand");
    }
}
