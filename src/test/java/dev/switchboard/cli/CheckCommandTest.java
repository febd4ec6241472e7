package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ObjectAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
    @TempDir
    Path dir;

    /** The smallest valid config: one deployment with its key. */
    private static final String ONE_MODEL = "model_list:\n  - model_name: m\n    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-a }\n";

    private String run(String yaml, int expectedExit) throws Exception {
        return run(yaml, expectedExit, new String[0]);
    }

    /**
     * Writes {@code yaml} as config.yaml (with the store's path in the test's directory), runs {@code check} on it with
     * {@code extra} arguments, asserts the exit code and returns what it printed.
     */
    private String run(String yaml, int expectedExit, String... extra) throws Exception {
        // check only looks at the store (it never creates one); its path is still the test's directory, not the working one
        String db = "database_path: \"" + dir.resolve("check.db") + "\"";
        yaml = yaml.contains("general_settings: {") ? yaml.replace("general_settings: {", "general_settings: { " + db + ",")
                : yaml + "general_settings: { " + db + " }\n";
        Path f = config("config.yaml", yaml);
        String[] args = new String[3 + extra.length];
        args[0] = "check";
        args[1] = "--config";
        args[2] = f.toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        CliRun r = CliRun.of(args);
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(expectedExit);
        return r.out();
    }

    /** Writes {@code yaml} as {@code name} in the test's directory, as it is (no store path added). */
    private Path config(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml);
    }

    /** check run on {@code f} as it is. */
    private static CliRun check(Path f) {
        return CliRun.of("check", "--config", f.toString());
    }

    /** The warning lines of check's output. */
    private static List<String> warnings(String out) {
        return out.lines().filter(l -> l.startsWith("  warning: ")).toList();
    }

    /** The model table's header and its first {@code rows - 1} rows. */
    private static List<String> table(String out, int rows) {
        return out.lines().dropWhile(l -> !l.trim().startsWith("MODEL")).limit(rows).toList();
    }

    /** The one row of the model table for {@code model}. */
    private static ObjectAssert<String> row(String out, String model) {
        return assertThat(out.lines().filter(l -> l.trim().startsWith(model + " "))).singleElement();
    }

    /** Asserts check's warnings hold a line starting with each of {@code prefixes}; gives all the warning lines. */
    private static List<String> assertWarns(String out, String... prefixes) {
        List<String> warnings = warnings(out);
        for (String prefix : prefixes) assertThat(warnings).as(out).anySatisfy(w -> assertThat(w).startsWith(prefix));
        return warnings;
    }

    @Test
    void checkSaysWhatEachWildcardServes() throws Exception {
        String out = run("""
                model_list:
                  - model_name: "anthropic/*"
                    litellm_params: { model: "anthropic/*", api_key: sk-ant-test-0123456789 }
                  - model_name: "*"
                    litellm_params: { model: "*" }
                """, 0);
        assertThat(out).contains("wildcard \"anthropic/*\" serves:").containsPattern("anthropic/\\*: \\d+ catalog model\\(s\\), e.g. anthropic/claude-")
                .contains("wildcard \"*\" serves:").contains("any model of a known family");
    }

    /**
     * LM Studio's default base is localhost:1234, a server on this machine that needs no key: check warned "the provider
     * will refuse them" for lm_studio/ without LM_STUDIO_API_KEY, as for a hosted provider. A hosted one still warns.
     */
    @Test
    void aLocalProvidersDefaultBaseIsNoMissingKeyWarning() throws Exception {
        String out = run("""
                model_list:
                  - model_name: local
                    litellm_params: { model: lm_studio/qwen2.5-7b-instruct }
                  - model_name: hosted
                    litellm_params: { model: xai/grok-2 }
                environment_variables: { XAI_API_KEY: "", LM_STUDIO_API_KEY: "" }
                """, 0);
        // both keys blank whatever the shell running the test exports (a blank key is none)
        assertThat(out).contains("http://localhost:1234/v1").doesNotContain("LM_STUDIO_API_KEY is not set")
                .contains("XAI_API_KEY is not set: its requests go without a key");
    }

    /**
     * README: "check names the variable". The base taken from OPENAI_API_BASE was named only by check --explain; plain
     * check's API BASE cell showed the URL alone, like a base written in the config.
     */
    @Test
    void theApiBaseCellNamesTheVariableTheBaseCameFrom() throws Exception {
        String out = run("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o, api_key: sk-test-0123456789abcdef }
                  - model_name: own
                    litellm_params: { model: openai/gpt-4o, api_key: sk-test-0123456789abcdef, api_base: https://own.test/v1 }
                environment_variables: { OPENAI_API_BASE: "https://proxy.corp/v1", OPENAI_BASE_URL: "" }
                """, 0);
        assertThat(out).contains("https://proxy.corp/v1 (OPENAI_API_BASE)").contains("https://own.test/v1 ")
                .doesNotContain("https://own.test/v1 (");
    }

    /** LiteLLM's base variables of the other providers are named the same way (ANTHROPIC_BASE_URL, GROQ_API_BASE). */
    @Test
    void theApiBaseCellNamesOtherProvidersBaseVariables() throws Exception {
        String out = run("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_key: sk-ant-test-0123456789 }
                  - model_name: fast
                    litellm_params: { model: groq/llama-3.3-70b-versatile, api_key: gsk-test-0123456789 }
                environment_variables: { ANTHROPIC_API_BASE: "", ANTHROPIC_BASE_URL: "https://claude.corp", GROQ_API_BASE: "https://groq.corp/openai/v1" }
                """, 0);
        assertThat(out).contains("https://claude.corp (ANTHROPIC_BASE_URL)").contains("https://groq.corp/openai/v1 (GROQ_API_BASE)");
    }

    /**
     * A Claude Code user's ANTHROPIC_BASE_URL pointing at the gateway (serve's port, 4000 unless --port says otherwise)
     * is said to be ignored as a route, and the row shows Anthropic's own address; on another port it is taken.
     */
    @Test
    void aBaseVariablePointingAtTheGatewayIsWarnedAsIgnored() throws Exception {
        String yaml = """
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_key: sk-ant-test-0123456789 }
                environment_variables: { ANTHROPIC_API_BASE: "", ANTHROPIC_BASE_URL: "http://localhost:4000" }
                """;
        String out = run(yaml, 0);
        assertThat(out).contains("warning: environment variable ANTHROPIC_BASE_URL (http://localhost:4000) is this gateway's own address")
                .contains("ignored as a route").contains("https://api.anthropic.com").doesNotContain("(ANTHROPIC_BASE_URL)");
        assertThat(run(yaml, 0, "--port", "8080")).contains("http://localhost:4000 (ANTHROPIC_BASE_URL)").doesNotContain("ignored as a route");
        assertThat(run(yaml.replace("4000", "8080"), 0, "--port", "8080")).contains("ignored as a route");
    }

    /** serve's refusal when the key would then be the gateway's own master key is said by check too. */
    @Test
    void checkSaysServeWouldRefuseTheGatewaysOwnKey() throws Exception {
        String out = run("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5 }
                general_settings: { master_key: sk-master-0123456789abcdef }
                environment_variables: { ANTHROPIC_API_BASE: "", ANTHROPIC_BASE_URL: "http://127.0.0.1:4000", ANTHROPIC_API_KEY: "sk-master-0123456789abcdef" }
                """, 0);
        assertThat(out).contains("warning: serve would refuse to start: line 2: model_list entry 'claude'")
                .contains("this gateway's master key").doesNotContain("sk-master-0123456789abcdef");
    }

    /** A base from OPENAI_API_BASE (a proxy in front of OpenAI) hid the missing-key warning a base written in the config hides. */
    @Test
    void aBaseFromTheEnvironmentStillWarnsOfAMissingKey() throws Exception {
        String out = run("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o }
                  - model_name: own
                    litellm_params: { model: openai/gpt-4o-mini, api_base: http://vllm.test/v1 }
                environment_variables: { OPENAI_API_BASE: "https://proxy.corp/v1", OPENAI_BASE_URL: "", OPENAI_API_KEY: "" }
                """, 0);
        assertThat(out).contains("model_list entry 'gpt' (openai/gpt-4o) has no api_key and OPENAI_API_KEY is not set")
                .doesNotContain("entry 'own' (openai/gpt-4o-mini) has no api_key");
    }

    /** QA docs LOW-3: the README's wildcard example said "4 deployment(s), 1 model(s)" beside 4 entries and 150 listed names. */
    @Test
    void theFirstLineSaysWhatItCounts() throws Exception {
        String out = run("""
                model_list:
                  - model_name: "*"
                    litellm_params: { model: "openai/*", api_key: sk-test-0123456789abcdef, rpm: 500 }
                  - model_name: "anthropic/*"
                    litellm_params: { model: "anthropic/*", api_key: sk-ant-test-0123456789 }
                  - model_name: "claude-*"
                    litellm_params: { model: "anthropic/claude-*", api_key: sk-ant-test-0123456789 }
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o, api_key: sk-test-0123456789abcdef }
                    model_info: { id: gpt-east }
                router_settings:
                  model_group_alias:
                    gpt-4: gpt
                    legacy: { model: gpt, hidden: true }
                  fallbacks: [{ claude-opus-4-1: [gpt-east] }]
                """, 0);
        assertThat(out.lines().findFirst().orElseThrow()).endsWith(": 4 deployments, 1 model name, 3 wildcard patterns, 2 group aliases");
    }

    /**
     * QA docs LOW-6: check on the README's semantic-cache example printed DJL's "Failed to detect GPU count: CUDA driver
     * version is insufficient" twice and its tokenizer's "maxLength is not explicitly specified", on a machine with no GPU.
     */
    @Test
    void theEmbeddersLibrariesSayNothingAboutGpusOrTokenizerLengths() throws Exception {
        assertThat(org.slf4j.LoggerFactory.getLogger("ai.djl.util.cuda.CudaUtils").isWarnEnabled()).isFalse();
        assertThat(org.slf4j.LoggerFactory.getLogger("ai.djl.huggingface.tokenizers.HuggingFaceTokenizer").isWarnEnabled()).isFalse();
        assertThat(org.slf4j.LoggerFactory.getLogger("ai.djl.util.cuda.CudaUtils").isErrorEnabled()).isTrue();
        java.util.List<String> logged;
        try (dev.switchboard.support.LogCapture log = dev.switchboard.support.LogCapture.root()) {
            String out = run("""
                    model_list:
                      - model_name: cheap
                        litellm_params: { model: mock/cheap-model }
                    litellm_settings:
                      cache: true
                      cache_params: { type: semantic, ttl: 3600 }
                    """, 0);
            assertThat(out).startsWith("OK ");
            logged = log.shown();
        }
        assertThat(logged).noneMatch(l -> l.contains("CUDA") || l.contains("GPU") || l.contains("maxLength"))
                .anyMatch(l -> l.contains("semantic cache: bge-small-en-v15-q"));
    }

    @Test
    void explainSaysWhereEachSettingCameFrom() throws Exception {
        String out = run("""
                common: &common
                  api_key: sk-openai-secret-value-7890
                  timeout: 20_000
                model_list:
                  - model_name: smart
                    litellm_params:
                      <<: *common
                      model: claude-sonnet-4-5
                      custom_llm_provider: anthropic
                      temperature: 0.2
                  - model_name: cheap
                    litellm_params: { model: openai/gpt-4o-mini }
                router_settings:
                  default_litellm_params: { top_p: 0.5 }
                """, 0, "--explain");
        assertThat(out).contains("smart (line 5): anthropic/claude-sonnet-4-5")
                .containsPattern("provider +anthropic +litellm_params.custom_llm_provider, line 9")
                .containsPattern("api_key +\\*+7890 +line 2, merged by << at line 7")
                .containsPattern("timeout +20000 s +line 3, merged by << at line 7")
                .containsPattern("temperature \\(request default\\) +0.2 +line 10")
                .containsPattern("top_p \\(request default\\) +0.5 +router_settings.default_litellm_params \\(line 14\\)")
                .containsPattern("api_key +\\*+ +environment OPENAI_API_KEY|api_key +- +none");
        assertThat(out).doesNotContain("sk-openai-secret");
    }

    /** QA route 4: with --explain each warning was printed twice (an anchor under an unknown top-level key, timeout: 0). */
    @Test
    void explainPrintsEachWarningOnce() throws Exception {
        String yaml = """
                common: &common
                  api_base: "http://127.0.0.1:9/v1"
                  api_key: sk-test-0123456789
                  timeout: 0
                model_list:
                  - model_name: a
                    litellm_params: { <<: *common, model: openai/a-model, max_retries: 2, cooldown_time: 9, stream_timeout: 0 }
                    model_info: { allowed_fails: 7 }
                  - model_name: b
                    litellm_params: { <<: *common, model: openai/b-model }
                router_settings:
                  num_retries: 0
                  stream_timeout: 4
                  default_litellm_params: { timeout: 3 }
                """;
        List<String> plain = warnings(run(yaml, 0));
        List<String> explained = warnings(run(yaml, 0, "--explain"));
        assertThat(plain).isNotEmpty().doesNotHaveDuplicates();
        assertThat(explained).as("the same warnings, once each").containsExactlyElementsOf(plain);
    }

    private static final String BOTH_SECTIONS = """
            model_list:
              - model_name: a
                litellm_params: { model: openai/a-model, api_key: sk-test-0123456789 }
              - model_name: b
                litellm_params: { model: openai/b-model, api_key: sk-test-0123456789 }
            litellm_settings:
              num_retries: 3
              cooldown_time: 60
              allowed_fails: 5
              request_timeout: 10
              fallbacks: [{ a: [b] }]
            router_settings:
              num_retries: 2
              cooldown_time: 30
              allowed_fails: 5
              timeout: 30
            """;

    /** QA route 6: router_settings wins over litellm_settings (as in LiteLLM), and the losing values went without a word. */
    @Test
    void litellmSettingsThatRouterSettingsOverrideAreWarnedOneLineEach() throws Exception {
        List<String> warnings = warnings(run(BOTH_SECTIONS, 0));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(
                        "line 7: litellm_settings.num_retries: 3 is overridden by router_settings.num_retries: 2 (line 13)"))
                .anySatisfy(w -> assertThat(w).contains(
                        "line 8: litellm_settings.cooldown_time: 60 is overridden by router_settings.cooldown_time: 30 (line 14)"))
                .anySatisfy(w -> assertThat(w).contains(
                        "line 10: litellm_settings.request_timeout: 10 is overridden by router_settings.timeout: 30 (line 16)"))
                .noneSatisfy(w -> assertThat(w).as("the same value in both loses nothing").contains("allowed_fails"))
                .noneSatisfy(w -> assertThat(w).as("fallbacks are merged, not overridden").contains("fallbacks"));
    }

    /** --explain showed no router-level setting unless a deployment set its own: the retries, cooldown and chains now. */
    @Test
    void explainShowsTheRouterLevelSettingsAndFallbackChains() throws Exception {
        String out = run(BOTH_SECTIONS, 0, "--explain");
        assertThat(out).containsPattern("num_retries +2 +router_settings.num_retries")
                .containsPattern("allowed_fails +5 +router_settings.allowed_fails")
                .containsPattern("cooldown_time +30 s +router_settings.cooldown_time")
                .containsPattern("fallbacks a +b +litellm_settings.fallbacks");
        String off = run(BOTH_SECTIONS + "  disable_cooldowns: true\n", 0, "--explain");
        assertThat(off).containsPattern("cooldown_time +off \\(disable_cooldowns\\) +router_settings.disable_cooldowns");
    }

    /** LiteLLM's image output price is a price key of model_info: taken without a warning, shown as a number, not masked. */
    @Test
    void anImageOutputPriceIsAPriceNotACredential() throws Exception {
        String out = run("""
                model_list:
                  - model_name: draw
                    litellm_params: { model: gemini/gemini-2.5-flash-image, api_key: AIza-test-0123456789 }
                    model_info: { output_cost_per_image_token: 0.000024 }
                """, 0, "--explain");
        assertThat(out).containsPattern("model_info.output_cost_per_image_token +2.4E-5 +line 4")
                .doesNotContainPattern("(?i)warn.*output_cost_per_image_token");
    }

    /**
     * A header's value is masked when its name says credential (X-Api-Token, Cf-Aig-Token, Helicone-Auth, X-Api-Key: a
     * short value too, here), as the scrubbers treat it; other values are shown. The api_base's query and user part are
     * never shown.
     */
    @Test
    void explainMasksHeaderValuesAndTheApiBaseQuery() throws Exception {
        String out = run("""
                model_list:
                  - model_name: hdr
                    litellm_params:
                      model: openai/gpt-4o
                      api_base: "http://user:QAuserinfoPASS77@127.0.0.1:9/v1?api-key=QAqueryparamsecret9931&api-version=2024-10-21"
                      api_key: sk-QAopenaiKEY4417hd
                      extra_headers: { X-Api-Token: tok_QAextraHEADERsecret5531, Cf-Aig-Token: cfQAgatewayTOKEN0042,
                                       Helicone-Auth: "Bearer sk-helicone-QAhelAUTH8812", X-Api-Key: QAshrt,
                                       anthropic-beta: tools-2024, Helicone-Property-Environment: production }
                """, 0, "--explain");
        // the headers the scrubbers treat as credentials (by name; a short value too), nothing else
        assertThat(out).doesNotContain("QAextraHEADER").doesNotContain("QAgatewayTOKEN").doesNotContain("QAhelAUTH")
                .doesNotContain("QAshrt").doesNotContain("QAqueryparam").doesNotContain("QAuserinfo")
                .containsPattern("header X-Api-Token +\\*{4}5531").contains("tools-2024")
                .containsPattern("header Helicone-Property-Environment +production");
    }

    @Test
    void explainMasksEveryCredentialNotOnlyApiKey() throws Exception {
        String out = run("""
                model_list:
                  - model_name: claude
                    litellm_params:
                      model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
                      aws_region_name: us-east-1
                      aws_access_key_id: AKIAIOSFODNN7EXAMPLE
                      aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                      aws_session_token: FwoGZXIvYXdzEXAMPLESESSIONTOKEN1234
                      max_tokens: 100
                  - model_name: az
                    litellm_params:
                      model: azure/chat
                      api_base: https://example-resource.openai.azure.com
                      tenant_id: tenant-1
                      client_id: client-1
                      client_secret: azClientSecret~abcdefghijklmnop
                  - model_name: az2
                    litellm_params:
                      model: azure/chat2
                      api_base: https://example-resource.openai.azure.com
                      azure_ad_token: eyJhbGciOiJSUzI1NiJ9.payloadpayload.signaturesig
                """, 0, "--explain");
        assertThat(out).doesNotContain("wJalrXUtnFEMI").doesNotContain("EXAMPLESESSIONTOKEN").doesNotContain("azClientSecret")
                .doesNotContain("eyJhbGci").doesNotContain("AKIAIOSFODNN7");
        assertThat(out).containsPattern("aws_secret_access_key +\\*{4}EKEY").containsPattern("client_secret +\\*{4}mnop")
                .containsPattern("max_tokens \\(request default\\) +100|max_tokens.* +100").contains("aws_region_name");
        // the key's source is the line that holds it, not a variable it did not come from
        assertThat(out).containsPattern("api_key +\\*{4}esig +azure_ad_token, line 2[0-9]").doesNotContain("(AZURE_API_KEY)");
    }

    /**
     * Cloud QA (twenty-fifth session): a Bedrock profile, an Entra ID service principal and a Google service account were
     * "API KEY -" / "api_key - none", and Bedrock's secret access key was shown as its "api_key"; an endpoint was cut to
     * "https://bedrock-runtime.us-east-1.amazona...". Each names what its requests sign in with now, and where it came from.
     */
    @Test
    void cloudDeploymentsNameWhatTheySignInWith() throws Exception {
        dev.switchboard.support.ServiceAccount sa = dev.switchboard.support.ServiceAccount.create("gateway", "acme-project",
                "https://oauth2.googleapis.com/token");
        Path saFile = sa.write(dir, "sa.json");
        String out = run("""
                model_list:
                  - model_name: keys
                    litellm_params:
                      model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
                      aws_region_name: us-east-1
                      aws_access_key_id: AKIAIOSFODNN7EXAMPLE
                      aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                  - model_name: profile
                    litellm_params: { model: bedrock/anthropic.claude-3-haiku-20240307-v1:0, aws_profile_name: team, aws_region_name: eu-west-1 }
                  - model_name: entra
                    litellm_params:
                      model: azure/chat
                      api_base: https://example-resource.openai.azure.com
                      tenant_id: tenant-1
                      client_id: client-1
                      client_secret: azClientSecret~abcdefghijklmnop
                  - model_name: gemini
                    litellm_params: { model: vertex_ai/gemini-2.5-flash, vertex_credentials: "%s" }
                """.formatted(saFile), 0, "--explain");
        assertThat(out).doesNotContain("wJalrXUtnFEMI").doesNotContain("AKIAIOSFODNN7").doesNotContain("azClientSecret")
                .doesNotContain("PRIVATE KEY");
        List<String> table = table(out, 5);
        assertThat(table.get(0)).contains("KEY / CREDENTIALS");
        assertThat(table.get(1)).contains("SigV4: AWS access key ****MPLE, secret ****EKEY").doesNotContain("(aws_secret_access_key)");
        assertThat(table.get(2)).contains("SigV4: AWS profile team");
        assertThat(table.get(3)).contains("Entra ID service principal client-1 (tenant tenant-1), client secret ****mnop");
        assertThat(table.get(4)).contains("service account gateway@acme-project.iam.gserviceaccount.com from vertex_credentials file " + saFile);
        assertThat(out).containsPattern("credentials +SigV4: AWS profile team +aws_profile_name \\(line 9\\)")
                .containsPattern("credentials +Entra ID service principal client-1 .* +tenant_id, client_id, client_secret \\(line 1[0-9]")
                .containsPattern("credentials +service account gateway@acme-project\\.iam\\.gserviceaccount\\.com .* +vertex_credentials \\(line 1[0-9]")
                .contains("https://bedrock-runtime.us-east-1.amazonaws.com ").contains("https://us-central1-aiplatform.googleapis.com ")
                .doesNotContain("amazona...").doesNotContain("api_key                    -");
        assertThat(out).doesNotContain("has no Google credentials");
    }

    /**
     * api_key: "" beside azure_ad_token: the token is what the requests carry (an empty key is none), and check says so
     * rather than "API KEY ****" as if the empty key went (cloud QA F3).
     */
    @Test
    void anEmptyAzureApiKeyIsShownAsTheCredentialThatGoes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AZURE_API_KEY") == null, "AZURE_API_KEY would win");
        String out = run("""
                model_list:
                  - model_name: az
                    litellm_params:
                      model: azure/chat
                      api_base: https://example-resource.openai.azure.com
                      api_key: ""
                      azure_ad_token: eyJhbGciOiJSUzI1NiJ9.payloadpayload.signaturesig
                """, 0, "--explain");
        assertThat(out).contains("****esig (azure_ad_token)").containsPattern("api_key +\\*{4}esig +azure_ad_token, line 7")
                .doesNotContain("eyJhbGci");
    }

    @Test
    void printsTheResolvedModelListWithKeysMasked() throws Exception {
        String out = run("""
                model_list:
                  - model_name: fast
                    litellm_params: { model: groq/llama-3.1-8b-instant, api_key: sk-groq-secret-value-123456 }
                  - model_name: local
                    litellm_params: { model: ollama/llama3.1 }
                general_settings: { master_key: sk-master-secret-abcdef }
                """, 0);
        assertThat(out).contains("OK").contains("fast").contains("groq/llama-3.1-8b-instant")
                .contains("ollama/llama3.1").contains("****3456").contains("****cdef");
        assertThat(out).doesNotContain("sk-groq-secret").doesNotContain("sk-master-secret");
    }

    @Test
    void printsEachProvidersRealDefaultBaseUrlAndTheAutoAlias() throws Exception {
        String out = run("""
                model_list:
                  - model_name: cheap
                    litellm_params: { model: openai/gpt-4o-mini }
                  - model_name: smart
                    litellm_params: { model: anthropic/claude-sonnet-4-5 }
                  - model_name: flash
                    litellm_params: { model: gemini/gemini-2.5-flash }
                  - model_name: local
                    litellm_params: { model: ollama/llama3.1 }
                  - model_name: box
                    litellm_params: { model: hosted_vllm/llama, api_base: http://gpu-box:8000/v1 }
                  - model_name: fake
                    litellm_params: { model: mock/x }
                router_settings:
                  auto_router: { alias: auto }
                environment_variables: { OPENAI_BASE_URL: "", OPENAI_API_BASE: "", ANTHROPIC_API_BASE: "", ANTHROPIC_BASE_URL: "", OLLAMA_API_BASE: "" }
                """, 0);
        // the shell's base variables blanked (a Claude Code user's ANTHROPIC_BASE_URL): the providers' own defaults
        assertThat(out).doesNotContain("(default)")
                .contains("https://api.openai.com/v1").contains("https://api.anthropic.com")
                .contains("https://generativelanguage.googleapis.com").contains("http://localhost:11434/v1")
                .contains("http://gpu-box:8000/v1")
                .contains("6 deployments, 7 model names");
        row(out, "auto").asString()
                .contains("cheap").contains("smart");
        row(out, "fake").asString()
                .contains("mock/x").doesNotContain("http");
    }

    @Test
    void reportsUnknownProvidersAndMissingBaseUrls() throws Exception {
        String out = run("""
                model_list:
                  - model_name: x
                    litellm_params: { model: nosuch/model }
                  - model_name: y
                    litellm_params: { model: hosted_vllm/llama }
                """, 1);
        assertThat(out).contains("line 2").contains("unknown provider 'nosuch'").contains("line 4")
                .contains("set litellm_params.api_base");
    }

    /**
     * LiteLLM exports environment_variables into the environment at start (QA F4): a deployment without api_key takes
     * the provider's variable from there too, and the section wins over the process's variable, as LiteLLM's os.environ.
     */
    @Test
    void theEnvironmentVariablesSectionFeedsAProvidersDefaultKey() throws Exception {
        String out = run("""
                environment_variables:
                  GROQ_API_KEY: gsk-from-the-section-9999
                model_list:
                  - model_name: fast
                    litellm_params: { model: groq/llama-3.1-8b-instant }
                  - model_name: proxied
                    litellm_params: { model: groq/llama-3.1-70b, api_base: http://127.0.0.1:9/v1 }
                """, 0);
        row(out, "fast").asString()
                .contains("****9999 (GROQ_API_KEY)");
        row(out, "proxied").asString()
                .contains("****9999 (GROQ_API_KEY)");
        assertThat(out).doesNotContain("is not set").doesNotContain("gsk-from-the-section");
    }

    /** check names the channels budget alerts go to, with each hook's URL masked (a Slack hook's path is its token). */
    @Test
    void checkNamesTheBudgetAlertChannelsWithoutTheHooksSecretPath() throws Exception {
        String out = run("""
                environment_variables:
                  SLACK_WEBHOOK_URL: https://hooks.slack.com/services/T0/B0/slack-hook-token-1234
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/x }
                general_settings: { alerting: ["slack"] }
                """, 0);
        assertThat(out).contains("  budget alerts: slack to https://hooks.slack.com/… (SLACK_WEBHOOK_URL)\n")
                .doesNotContain("slack-hook-token").doesNotContain("/services/");
        String none = run("""
                environment_variables:
                  SLACK_WEBHOOK_URL: https://hooks.slack.com/services/T0/B0/slack-hook-token-1234
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/x }
                """, 0);
        assertThat(none).doesNotContain("budget alerts");
    }

    /** QA F15: the model table's columns are as wide as their widest cell, so long names do not push the next column. */
    @Test
    void theModelTableStaysAlignedWithLongNames() throws Exception {
        String out = run("""
                model_list:
                  - model_name: claude-sonnet-4-20250514-with-a-long-alias
                    litellm_params: { model: anthropic/claude-sonnet-4-20250514, api_key: sk-ant-test-0123456789 }
                  - model_name: flash
                    litellm_params: { model: gemini/gemini-2.5-flash, api_key: AIza-test-0123456789 }
                """, 0);
        List<String> table = table(out, 3);
        int base = table.get(0).indexOf("API BASE");
        assertThat(table.get(1).indexOf("https://api.anthropic.com")).isEqualTo(base);
        assertThat(table.get(2).indexOf("https://generativelanguage.googleapis.com")).isEqualTo(base);
        int key = table.get(0).indexOf("KEY / CREDENTIALS");
        assertThat(table.get(1).indexOf("****6789")).isEqualTo(key);
        assertThat(table.get(2).indexOf("****6789")).isEqualTo(key);
    }

    @Test
    void reportsConfigErrors() throws Exception {
        String out = run("model_list:\n  - model_name: x\n", 1);
        assertThat(out).contains("INVALID").contains("line 2: model_list[0].litellm_params: missing");
    }

    /**
     * QA (twenty-second session): check created the SQLite file (and its lock directory) of the config it validated,
     * and migrated a configured PostgreSQL. It builds its gateway on a scratch store now, and only looks at the file.
     */
    @Test
    void checkCreatesNoSqliteFile() throws Exception {
        String out = run(ONE_MODEL, 0);
        assertThat(out).contains("store: SQLite at " + dir.resolve("check.db").toAbsolutePath() + " (not created yet; serve creates it)");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("config.yaml");
        }
    }

    @Test
    void checkSaysAnExistingSqliteFileIsThereWithoutOpeningIt() throws Exception {
        // a SQLite header and then bytes SQLite itself would refuse: only the header is read, nothing is written
        byte[] before = "SQLite format 3\0 and not really a database: check must not open it".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("check.db"), before);
        String out = run(ONE_MODEL, 0);
        assertThat(out).contains("(exists; check does not open it)");
        assertThat(Files.readAllBytes(dir.resolve("check.db"))).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.yaml", "check.db");
        }
    }

    /** A file serve would refuse (no SQLite header) is named by check too, from its first 16 bytes alone. */
    @Test
    void checkSaysAFileThatIsNoDatabaseIsInvalid() throws Exception {
        byte[] before = "just some notes, no database".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(dir.resolve("check.db"), before);
        String out = run(ONE_MODEL, 1);
        assertThat(out).contains("INVALID").contains("Fix: the file is not a SQLite database");
        assertThat(Files.readAllBytes(dir.resolve("check.db"))).isEqualTo(before);
    }

    @Test
    void aSqliteFileInADirectoryThatDoesNotExistIsStillInvalid() throws Exception {
        Path missing = dir.resolve("no-such-dir").resolve("x.db");
        Path f = config("c.yaml", ONE_MODEL + "general_settings: { database_path: \"" + missing + "\" }\n");
        CliRun r = check(f);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("INVALID").contains("Cannot open the store (SQLite at " + missing + ")").contains("Fix:");
    }

    /**
     * Left by the twenty-second session's review: with {@code semantic_index: pgvector}, a {@code database_url} that is no
     * URI (a space in the password) escaped {@code check} as a StoreException's stack trace, before the store's own check
     * could say it in one line. Now the store's error, as without pgvector: INVALID, exit 1 (content, not an unreadable
     * file), the password never shown.
     */
    @Test
    void aPgvectorDatabaseUrlThatIsNoUriIsOneLineNotAStackTrace() throws Exception {
        String password = "sk-" + "pg secret 4321";
        Path f = config("pg.yaml", """
                model_list:
                  - model_name: m
                    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-a }
                litellm_settings:
                  cache: true
                  cache_params: { type: semantic, embedder: all-minilm-l6-v2-q, semantic_index: pgvector }
                general_settings: { database_url: "postgresql://app:%s@127.0.0.1:1/db" }
                """.formatted(password));
        CliRun r = check(f);
        assertThat(r.err()).as(r.out()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("INVALID " + f + ":").contains("error: database_url is not a URL")
                .contains("Fix: write it as postgresql://user:password@host:5432/database.");
        assertThat(r.out() + r.err()).doesNotContain("pg secret");
    }

    /** The QA's repro as typed: {@code check} in an empty directory with no database settings leaves it as it was. */
    @Test
    void checkInAnEmptyWorkingDirectoryLeavesItEmpty() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        Path f = config("x.yaml", ONE_MODEL);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.switchboard.cli.Main", "check", "--config", f.toString())
                .directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("OK " + f).contains("switchboard.db (not created yet; serve creates it)");
        try (var files = Files.list(work)) {
            assertThat(files).isEmpty();
        }
    }

    /** QA: serve exited 2 on a missing config, check 1; both 2 now (the --config path is a command-line problem). */
    @Test
    void aMissingOrBinaryConfigFileIsExit2ForCheckAndServe() throws Exception {
        Path binary = Files.write(dir.resolve("bin.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80});
        for (Path f : new Path[] {dir.resolve("missing.yaml"), binary}) {
            CliRun checked = check(f);
            CliRun served = CliRun.of("serve", "--config", f.toString(), "--port", "0");
            assertThat(checked.code()).as(checked.out() + checked.err()).isEqualTo(2);
            assertThat(served.code()).as(served.out() + served.err()).isEqualTo(2);
            assertThat(checked.out() + checked.err() + served.out() + served.err()).doesNotContain("Input length");
        }
    }

    /** QA-D 9: with an error, check printed only the errors; the typo's warning that explains it came after the fix. */
    @Test
    void warningsAreShownWithTheErrors() throws Exception {
        String out = run("""
                model_list:
                  - model_name: x
                    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-a, temprature: 0.2 }
                  - model_name: y
                """, 1);
        assertThat(out).contains("INVALID").contains("error: line 4: model_list[1].litellm_params: missing")
                .containsPattern("warning: line 3: .*temprature");
    }

    /** A fallback list naming a model of another known mode is warned with its line: the router passes such a target over. */
    @Test
    void aFallbackOfAnotherModeIsWarnedWithItsLine() throws Exception {
        String out = run("""
                model_list:
                  - model_name: emb
                    litellm_params: { model: openai/text-embedding-3-small, api_key: sk-test-0123456789 }
                  - model_name: emb2
                    litellm_params: { model: openai/text-embedding-3-large, api_key: sk-test-0123456789 }
                  - model_name: cheap
                    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-test-0123456789 }
                  - model_name: local
                    litellm_params: { model: hosted_vllm/my-model, api_base: "http://127.0.0.1:9" }
                router_settings:
                  default_fallbacks: [cheap]
                  fallbacks: [{ emb2: [cheap, emb] }, { cheap: [emb, local] }]
                """, 0);
        List<String> warnings = assertWarns(out, "  warning: line 11: router_settings.default_fallbacks[0]: "
                        + "'cheap' serves chat: the failed calls of 'emb'",
                "  warning: line 12: router_settings.fallbacks[0].emb2[0]: "
                        + "'cheap' serves chat, not embeddings as 'emb2' does",
                "  warning: line 12: router_settings.fallbacks[1].cheap[0]: "
                        + "'emb' serves embeddings, not chat as 'cheap' does");
        // the same mode, or a model of unknown mode: no word
        assertThat(warnings).noneMatch(w -> w.contains("fallbacks[0].emb2[1]") || w.contains("fallbacks[1].cheap[1]"));
    }

    /**
     * A fallback named by a model_group_alias or a deployment's model_info.id is resolved as the router resolves it, and
     * judged for its mode as a model_name is (it was passed over by the router without a word from check).
     */
    @Test
    void aFallbackNamedByAnAliasOrADeploymentIdIsJudgedForItsMode() throws Exception {
        String out = run("""
                model_list:
                  - model_name: emb
                    litellm_params: { model: openai/text-embedding-3-small, api_key: sk-test-0123456789 }
                    model_info: { id: emb-east }
                  - model_name: cheap
                    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-test-0123456789 }
                router_settings:
                  model_group_alias: { old-emb: emb, small: { model: cheap, hidden: true }, pinned: emb-east }
                  fallbacks: [{ cheap: [old-emb, emb-east, pinned, cheap] }, { emb: [small, old-emb] }]
                """, 0);
        List<String> warnings = assertWarns(out, "  warning: line 9: router_settings.fallbacks[0].cheap[0]: "
                        + "'old-emb' (model_group_alias of 'emb') serves embeddings, not chat as 'cheap' does",
                "  warning: line 9: router_settings.fallbacks[0].cheap[1]: "
                        + "'emb-east' (model_info.id of a 'emb' deployment) serves embeddings, not chat as 'cheap' does",
                "  warning: line 9: router_settings.fallbacks[0].cheap[2]: "
                        + "'pinned' (model_group_alias of 'emb-east') serves embeddings",
                "  warning: line 9: router_settings.fallbacks[1].emb[0]: "
                        + "'small' (model_group_alias of 'cheap') serves chat, not embeddings as 'emb' does");
        assertThat(warnings).noneMatch(w -> w.contains("fallbacks[0].cheap[3]") || w.contains("fallbacks[1].emb[1]"));
    }

    /** Review (2026-12-07): an empty list of its own replaces default_fallbacks, so the default's mode is no word of it. */
    @Test
    void anEmptyFallbackListOfItsOwnIsNotWarnedOfTheDefaultsMode() throws Exception {
        String out = run("""
                model_list:
                  - model_name: emb
                    litellm_params: { model: openai/text-embedding-3-small, api_key: sk-test-0123456789 }
                  - model_name: cheap
                    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-test-0123456789 }
                router_settings:
                  default_fallbacks: [cheap]
                  fallbacks: [{ emb: [] }]
                """, 0);
        assertThat(warnings(out)).as(out)
                .noneMatch(w -> w.contains("default_fallbacks"));
    }

    /** Review (2026-12-07): a model_info.mode that is not one of LiteLLM's is warned with its line (it counts as unknown). */
    @Test
    void aModeOutsideLiteLlmsListIsWarnedWithItsLine() throws Exception {
        String out = run("""
                model_list:
                  - model_name: local
                    litellm_params: { model: hosted_vllm/my-model, api_base: "http://127.0.0.1:9" }
                    model_info: { mode: chat_completions }
                  - model_name: emb
                    litellm_params: { model: hosted_vllm/my-emb, api_base: "http://127.0.0.1:9" }
                    model_info: { mode: embedding }
                """, 0);
        List<String> warnings = assertWarns(out, "  warning: line 4: model_list[0].model_info.mode: "
                        + "'chat_completions' is not one of LiteLLM's modes");
        assertThat(warnings).noneMatch(w -> w.contains("model_list[1].model_info.mode"));
    }
}
