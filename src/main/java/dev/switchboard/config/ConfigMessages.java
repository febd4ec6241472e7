package dev.switchboard.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The config's errors and warnings in the order of the file's lines. The loader reads the sections in the order it needs
 * them (model_list before general_settings, the guardrails last), so its messages came out as lines 25, 24 or 10, 5, 6, 8:
 * a user fixing a file top to bottom reads them by line.
 */
public final class ConfigMessages {
    private static final Pattern LINE = Pattern.compile("^lines? (\\d+)");

    private ConfigMessages() {}

    /**
     * Sorted by the line each message starts with ({@code line 8: …}, {@code lines 4, 9: …}); messages of the same line
     * keep their order, and those without a line (an environment variable's, the store's) come last, in their order.
     */
    public static List<String> inLineOrder(List<String> messages) {
        List<String> out = new ArrayList<>(messages);
        out.sort(Comparator.comparingLong(ConfigMessages::lineOf)); // List.sort is stable
        return List.copyOf(out);
    }

    private static long lineOf(String message) {
        Matcher m = LINE.matcher(message);
        if (!m.find()) return Long.MAX_VALUE;
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
