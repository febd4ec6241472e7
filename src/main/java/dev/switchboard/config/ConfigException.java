package dev.switchboard.config;

import java.util.List;

/** The config cannot be used. Each problem names the line, the key and the fix. */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() { return problems; }
}
