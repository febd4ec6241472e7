package dev.switchboard.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import picocli.CommandLine;

/** One command of the CLI run in-process, as a user types it: its exit code and what it printed to stdout. */
record CliRun(int code, String out) {

    static CliRun of(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            int code = new CommandLine(new Main()).execute(args);
            return new CliRun(code, out.toString());
        } finally {
            System.setOut(old);
        }
    }
}
