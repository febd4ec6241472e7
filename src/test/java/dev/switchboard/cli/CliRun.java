package dev.switchboard.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/**
 * One command of the CLI run in-process, as a user types it: its exit code, what it printed to stdout, and to stderr
 * (where picocli writes the stack trace of an exception no command handled).
 */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            int code = Main.commandLine().execute(args);
            return new CliRun(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
