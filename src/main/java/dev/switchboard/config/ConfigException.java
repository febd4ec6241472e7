package dev.switchboard.config;

import java.util.List;

/** The config cannot be used. Each problem names the line, the key and the fix. */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;
    private final List<String> warnings;
    private final boolean unreadable;

    public ConfigException(List<String> problems) {
        this(problems, List.of(), false);
    }

    /**
     * @param warnings what the reading warned of besides: shown with the errors, since a typo's "unknown key" warning
     *     (master_kye) often explains the error ("master_key missing"), and appeared only once the error was fixed (QA-D 9)
     */
    ConfigException(List<String> problems, List<String> warnings) {
        this(problems, warnings, false);
    }

    private ConfigException(List<String> problems, List<String> warnings, boolean unreadable) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
        this.warnings = List.copyOf(warnings);
        this.unreadable = unreadable;
    }

    /** The file named by {@code --config} could not be read at all (missing, a directory, not UTF-8 text). */
    static ConfigException unreadable(String problem) { return new ConfigException(List.of(problem), List.of(), true); }

    /** The warnings of the reading that found the problems (unknown keys, ignored settings); may be empty. */
    public List<String> warnings() { return warnings; }

    public List<String> problems() { return problems; }

    /**
     * Whether the file itself could not be read, rather than its content refused: a command-line problem (the
     * {@code --config} path), which {@code check} and {@code serve} both exit with 2 for.
     */
    public boolean unreadable() { return unreadable; }
}
