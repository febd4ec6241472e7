package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QA (thirty-ninth session): a LiteLLM user's first line, {@code switchboard --config config.yaml --port 4001} (LiteLLM
 * starts with {@code litellm --config …}, no command), was answered "Unknown options: '--config', 'config.yaml'" and the
 * whole usage; {@code -c}, {@code --detailed_debug} and {@code --num_workers} were unknown options of {@code serve}.
 */
class LiteLlmInvocationTest {
    @TempDir
    Path dir;

    @Test
    void litellmsStartIsAnsweredWithTheServeCommandThatDoesTheSame() {
        CliRun r = CliRun.of("--config", "config.yaml", "--port", "4001");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("a command comes first").contains("switchboard serve --config config.yaml --port 4001")
                .doesNotContain("Unknown option").doesNotContain("Usage:");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void shortFormsEqualsFormsAndDebugAreCarriedOver() {
        CliRun r = CliRun.of("-c", "my config.yaml", "--host=0.0.0.0", "--detailed_debug", "--num_workers", "4");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("switchboard serve --config 'my config.yaml' --host 0.0.0.0 --detailed_debug")
                .contains("--num_workers is not needed");
        // brace, bracket and whitespace characters a shell expands or splits at are quoted too
        assertThat(CliRun.of("-c", "conf{a,b}.yaml").err()).contains("--config 'conf{a,b}.yaml'");
        assertThat(CliRun.of("-c", "conf[12].yaml").err()).contains("--config 'conf[12].yaml'");
        assertThat(CliRun.of("-c", "my\tconf.yaml").err()).contains("--config 'my\tconf.yaml'");
    }

    @Test
    void healthTestAndModelSayWhatToDoInstead() {
        CliRun health = CliRun.of("--health", "--port", "4001");
        assertThat(health.code()).isEqualTo(2);
        assertThat(health.err()).contains("curl -s http://127.0.0.1:4001/health").contains("switchboard check --config");
        CliRun test = CliRun.of("--test");
        assertThat(test.err()).contains("curl -s http://127.0.0.1:4000/v1/chat/completions");
        CliRun model = CliRun.of("--model", "gpt-4o");
        assertThat(model.err()).contains("- model_name: gpt-4o").contains("model: gpt-4o").contains("switchboard serve --config config.yaml");
    }

    @Test
    void anOptionThatIsNoneOfLiteLlmsKeepsPicoclisAnswer() {
        CliRun r = CliRun.of("--hepl");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--hepl'").doesNotContain("a command comes first");
        CliRun sub = CliRun.of("serve", "--config", "x.yaml", "--bogus");
        assertThat(sub.err()).contains("Unknown option: '--bogus'").doesNotContain("a command comes first");
    }

    @Test
    void checkAndServeTakeLiteLlmsShortConfigOption() throws Exception {
        Path f = Files.writeString(dir.resolve("config.yaml"), "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n");
        CliRun check = CliRun.of("check", "-c", f.toString());
        assertThat(check.code()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("mock/x");
        // serve reads -c and --num_workers: the missing file is the error, not the options
        CliRun serve = CliRun.of("serve", "-c", dir.resolve("missing.yaml").toString(), "--num_workers", "4");
        assertThat(serve.code()).isEqualTo(2);
        assertThat(serve.err()).contains("cannot read the config file (no such file)").doesNotContain("Unknown option");
    }

    @Test
    void litellmLogDebugAsksForDebugLoggingAsTheFlagDoes() {
        assertThat(DebugLogging.asked(true, Map.<String, String>of()::get)).isEqualTo("--detailed_debug");
        assertThat(DebugLogging.asked(false, Map.of("LITELLM_LOG", "debug")::get)).isEqualTo("LITELLM_LOG=DEBUG");
        assertThat(DebugLogging.asked(false, Map.of("LITELLM_LOG", "INFO")::get)).isNull();
        assertThat(DebugLogging.asked(false, Map.<String, String>of()::get)).isNull();
    }

    /** LiteLLM starts without a config; serve needs one: the refusal says where a first one comes from. */
    @Test
    void serveWithoutAConfigPointsAtTheDemo() {
        CliRun r = CliRun.of("serve");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--config=<config>'").contains("switchboard demo");
        assertThat(CliRun.of("check").err()).doesNotContain("switchboard demo");
    }
}
