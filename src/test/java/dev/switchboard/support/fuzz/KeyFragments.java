package dev.switchboard.support.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Finds any run of 12 or more characters of a configured provider key in a text, in any letter case. */
public final class KeyFragments {
    static final int RUN = 12;
    private final List<String> windows = new ArrayList<>();

    public KeyFragments(String... keys) {
        for (String key : keys) {
            String k = key.toLowerCase(Locale.ROOT);
            for (int i = 0; i + RUN <= k.length(); i++) windows.add(k.substring(i, i + RUN));
        }
    }

    /** @return the fragment found, or null */
    public String find(String text) {
        if (text == null) return null;
        String t = text.toLowerCase(Locale.ROOT);
        for (String w : windows) if (t.contains(w)) return w;
        return null;
    }
}
