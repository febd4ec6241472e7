package dev.switchboard.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code switchboard help [COMMAND [SUBCOMMAND…]]}: picocli's own help command takes one name, so {@code help keys
 * create} printed the help of {@code keys} (QA, twenty-second session). This one follows the whole path.
 */
@Command(name = "help", helpCommand = true, description = "Show the help of a command or subcommand: help keys create.")
final class HelpCommandPath implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, then its subcommands.")
    List<String> path;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter outWriter, PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : path == null ? List.<String>of() : path) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new CommandLine.ParameterException(self, "Unknown command '" + name + "' under '"
                        + target.getCommandSpec().qualifiedName() + "'; its commands: "
                        + String.join(", ", target.getSubcommands().keySet()) + ".");
            }
            target = sub;
        }
        target.usage(out, colors);
    }
}
