package dev.switchboard.config;

import java.util.List;

/** The config cannot be used. Each problem names the line, the key and the fix. */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;
    private final boolean unreadable;

    public ConfigException(List<String> problems) {
        this(problems, false);
    }

    private ConfigException(List<String> problems, boolean unreadable) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
        this.unreadable = unreadable;
    }

    /** The file named by {@code --config} could not be read at all (missing, a directory, not UTF-8 text). */
    static ConfigException unreadable(String problem) { return new ConfigException(List.of(problem), true); }

    public List<String> problems() { return problems; }

    /**
     * Whether the file itself could not be read, rather than its content refused: a command-line problem (the
     * {@code --config} path), which {@code check} and {@code serve} both exit with 2 for.
     */
    public boolean unreadable() { return unreadable; }
}
