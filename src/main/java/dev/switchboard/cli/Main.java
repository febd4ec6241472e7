package dev.switchboard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code switchboard serve | check | demo | simulator}. */
@Command(name = "switchboard", mixinStandardHelpOptions = true, version = "switchboard 0.1.0",
        description = "A private LLM gateway: one OpenAI-compatible endpoint in front of every provider.",
        subcommands = {ServeCommand.class, CheckCommand.class, DemoCommand.class, SimulatorCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0) System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
