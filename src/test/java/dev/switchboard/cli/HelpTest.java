package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code --help} and {@code --version} work on every subcommand, and {@code switchboard help} works at all. */
class HelpTest {
    private record Run(int exit, String out) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(new StringWriter(), true));
        return new Run(cmd.execute(args), out.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "check", "demo", "simulator", "keys", "spend"})
    void everySubcommandAnswersHelpWithItsUsage(String sub) {
        Run help = run(sub, "--help");
        assertThat(help.exit()).as(help.out()).isZero();
        assertThat(help.out()).contains("Usage: switchboard " + sub).contains("--help").contains("--version");
        Run viaHelpCommand = run("help", sub);
        assertThat(viaHelpCommand.exit()).isZero();
        assertThat(viaHelpCommand.out()).contains("Usage: switchboard " + sub);
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "check", "demo", "simulator", "keys", "spend"})
    void everySubcommandAnswersVersion(String sub) {
        Run version = run(sub, "--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).contains(Main.VERSION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"help", "--help"})
    void topLevelHelpListsTheSubcommands(String arg) {
        Run help = run(arg);
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("serve").contains("check").contains("demo").contains("simulator").contains("keys")
                .contains("spend").contains("help");
    }

    @org.junit.jupiter.api.Test
    void demoHelpShowsItsPort() {
        assertThat(run("demo", "--help").out()).contains("--port");
    }

    /** QA (twenty-second session): {@code help keys create} printed the help of {@code keys}. */
    @org.junit.jupiter.api.Test
    void helpFollowsTheWholeCommandPath() {
        Run help = run("help", "keys", "create");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: switchboard keys create").contains("--budget");
        assertThat(run("help", "spend", "logs").out()).contains("Usage: switchboard spend logs");
        assertThat(run("help").out()).contains("Usage: switchboard ");
        assertThat(run("help", "keys", "nope").exit()).isEqualTo(2);
    }

    /** QA: {@code cache} without a subcommand printed an unqualified usage and exited 0; as {@code keys}: a message and 2. */
    @ParameterizedTest
    @ValueSource(strings = {"cache", "keys"})
    void aCommandOfSubcommandsAloneSaysWhichAreMissing(String command) {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        cmd.setErr(new PrintWriter(err, true));
        assertThat(cmd.execute(command)).isEqualTo(2);
        assertThat(err.toString()).contains("Missing a subcommand: ").contains("Usage: switchboard " + command);
    }
}
