package dev.switchboard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code switchboard serve | check | demo | simulator | keys | spend | help}. Every subcommand takes {@code --help} and
 * {@code --version} too, because people type {@code switchboard serve --help} before reading anything else.
 */
@Command(name = "switchboard", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "A private LLM gateway: one OpenAI-compatible endpoint in front of every provider.",
        subcommands = {ServeCommand.class, CheckCommand.class, DemoCommand.class, SimulatorCommand.class,
                KeysCommand.class, SpendCommand.class, CacheCommand.class, HelpCommandPath.class})
public final class Main implements Runnable {
    static final String VERSION = "switchboard 0.1.0";

    static {
        NettyDefaults.apply(); // before any command touches Vert.x, whose transport classes load Netty's
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        // always: serve returns after its stop (SIGTERM, Ctrl-C) with its status, which a thread left running must not
        // turn into a wait; the shutdown hooks then run and find the gateway stopped
        System.exit(code);
    }

    /**
     * The command line as {@link #main} runs it: LiteLLM's start ({@code switchboard --config config.yaml --port 4000},
     * no command) is answered with the Switchboard command that does the same ({@link LiteLlmInvocation}), exit 2,
     * instead of picocli's "Unknown options" and the whole usage.
     */
    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        CommandLine.IParameterExceptionHandler standard = cmd.getParameterExceptionHandler();
        cmd.setParameterExceptionHandler((ex, args) -> {
            String said = ex.getCommandLine() == cmd ? LiteLlmInvocation.translate(args) : null;
            if (said == null) {
                int code = standard.handleParseException(ex, args);
                // serve without --config (LiteLLM starts without one): where a first config comes from
                if (ex instanceof CommandLine.MissingParameterException && "serve".equals(ex.getCommandLine().getCommandName())) {
                    cmd.getErr().println("No config.yaml yet? `switchboard demo` runs a bundled one (no keys needed); the "
                            + "README's Config section shows the format, and `switchboard check --config config.yaml` checks yours.");
                }
                return code;
            }
            cmd.getErr().println(said);
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cmd;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
