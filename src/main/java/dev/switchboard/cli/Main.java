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
        int code = new CommandLine(new Main()).execute(args);
        // always: serve returns after its stop (SIGTERM, Ctrl-C) with its status, which a thread left running must not
        // turn into a wait; the shutdown hooks then run and find the gateway stopped
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
