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

    /** serve run in-process with its own environment: exit code and stderr. */
    private String[] serveWith(Map<String, String> env, String... args) throws Exception {
        Path f = Files.writeString(dir.resolve("config.yaml"), "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n"
                + "general_settings: { database_path: \"" + dir.resolve("sb.db") + "\" }\n");
        ServeCommand cmd = new ServeCommand();
        cmd.env = env::get;
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true));
        try {
            String[] all = new String[args.length + 2];
            all[0] = "-c";
            all[1] = f.toString();
            System.arraycopy(args, 0, all, 2, args.length);
            int code = new picocli.CommandLine(cmd).execute(all);
            return new String[] {String.valueOf(code), err.toString()};
        } finally {
            System.setErr(old);
        }
    }

    /** LiteLLM's proxy CLI reads HOST and PORT (click's envvar: the flag wins); serve read neither (QA, thirty-ninth session). */
    @Test
    void serveReadsLiteLlmsHostAndPortVariablesAndTheFlagsWin() throws Exception {
        java.net.InetAddress lo = java.net.InetAddress.getLoopbackAddress();
        try (java.net.ServerSocket a = new java.net.ServerSocket(0, 5, lo); java.net.ServerSocket b = new java.net.ServerSocket(0, 5, lo)) {
            // the port in use shows which port serve tried, before anything is opened
            String[] fromEnv = serveWith(Map.of("PORT", String.valueOf(a.getLocalPort())));
            assertThat(fromEnv[0]).isEqualTo("1");
            assertThat(fromEnv[1]).contains("Cannot listen on 127.0.0.1:" + a.getLocalPort());
            String[] flagWins = serveWith(Map.of("PORT", String.valueOf(a.getLocalPort())), "--port", String.valueOf(b.getLocalPort()));
            assertThat(flagWins[1]).contains("Cannot listen on 127.0.0.1:" + b.getLocalPort()).doesNotContain(":" + a.getLocalPort());
        }
        // --host beats HOST: the flag's address is the one tried
        String[] hostFlagWins = serveWith(Map.of("HOST", "no-such-host.invalid", "PORT", "0"), "--host", "also-no-such-host.invalid");
        assertThat(hostFlagWins[1]).contains("Cannot listen on also-no-such-host.invalid").doesNotContain("Cannot listen on no-such-host");
        // a HOST beyond loopback without a master key is refused naming $HOST and how to undo it
        String[] wide = serveWith(Map.of("HOST", "0.0.0.0", "PORT", "0"));
        assertThat(wide[0]).isEqualTo("2");
        assertThat(wide[1]).contains("Refusing to listen on 0.0.0.0 (from $HOST) without a master key").contains("unset HOST");
        String[] badHost = serveWith(Map.of("HOST", "no-such-host.invalid", "PORT", "0"));
        assertThat(badHost[0]).isEqualTo("1");
        assertThat(badHost[1]).contains("Cannot listen on no-such-host.invalid");
        String[] badPort = serveWith(Map.of("PORT", "http"));
        assertThat(badPort[0]).isEqualTo("2");
        assertThat(badPort[1]).contains("$PORT: 'http' is not a port").contains("Fix:");
        assertThat(dir.resolve("sb.db")).doesNotExist();
    }

    /** LITELLM_LOG=ERROR / WARNING quiet every logger but the startup/stop one (LiteLLM's quiets only its own); the flag still wins; INFO and unknown values change nothing. */
    @Test
    void litellmLogErrorAndWarningLowerTheLevel() {
        assertThat(DebugLogging.quieter(Map.of("LITELLM_LOG", "error")::get)).isEqualTo(ch.qos.logback.classic.Level.ERROR);
        assertThat(DebugLogging.quieter(Map.of("LITELLM_LOG", "WARNING")::get)).isEqualTo(ch.qos.logback.classic.Level.WARN);
        assertThat(DebugLogging.quieter(Map.of("LITELLM_LOG", "INFO")::get)).isNull();
        assertThat(DebugLogging.quieter(Map.of("LITELLM_LOG", "loud")::get)).isNull();
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Logger netty = context.getLogger("io.netty");
        ch.qos.logback.classic.Logger requests = context.getLogger("dev.switchboard.edge");
        ch.qos.logback.classic.Logger startup = context.getLogger(DebugLogging.LIFECYCLE);
        // the switchboard.* loggers that write per request (a refused request, an alert sent, the request log)
        ch.qos.logback.classic.Logger refused = context.getLogger("switchboard.refused");
        ch.qos.logback.classic.Logger alerts = context.getLogger("switchboard.alerts");
        // every logger's level is put back: apply raises any of them
        Map<ch.qos.logback.classic.Logger, java.util.Optional<ch.qos.logback.classic.Level>> before = new java.util.HashMap<>();
        context.getLoggerList().forEach(l -> before.put(l, java.util.Optional.ofNullable(l.getLevel())));
        try {
            DebugLogging.apply(false, Map.of("LITELLM_LOG", "ERROR")::get);
            assertThat(requests.getEffectiveLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
            assertThat(netty.getEffectiveLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
            assertThat(root.isInfoEnabled()).isFalse();
            // the startup and stop lines (listening on, Port … from $PORT, config:, unpriced:, no master key) stay, as
            // uvicorn's banner does under LiteLLM's LITELLM_LOG=ERROR
            assertThat(startup.isInfoEnabled()).isTrue();
            // the cross-merge review (fortieth session): these were children of the startup logger and stayed at INFO
            assertThat(refused.isInfoEnabled()).isFalse();
            assertThat(alerts.isInfoEnabled()).isFalse();
            assertThat(context.getLogger("switchboard.requestlog").isInfoEnabled()).isFalse();
            assertThat(refused.isErrorEnabled()).isTrue();
            DebugLogging.apply(false, Map.of("LITELLM_LOG", "WARNING")::get);
            assertThat(refused.isWarnEnabled()).isTrue();
            assertThat(refused.isInfoEnabled()).isFalse();
            assertThat(startup.isInfoEnabled()).isTrue();
            DebugLogging.apply(true, Map.of("LITELLM_LOG", "ERROR")::get);
            assertThat(startup.isDebugEnabled()).isTrue();
            assertThat(requests.isDebugEnabled()).isTrue();
            assertThat(refused.isDebugEnabled()).isTrue();
        } finally {
            context.getLoggerList().forEach(l -> l.setLevel(before.getOrDefault(l, java.util.Optional.empty()).orElse(null)));
        }
    }
}
