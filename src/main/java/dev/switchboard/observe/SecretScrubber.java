package dev.switchboard.observe;

import java.util.List;

/**
 * Takes the gateway's own provider keys out of any text the request log or a trace keeps, whatever the log policy: a
 * client may paste one into a prompt, or a model may repeat it. Exact matches only (the keys are known); case
 * insensitive, as some servers upper-case what they quote.
 */
public final class SecretScrubber {
    public static final SecretScrubber NONE = new SecretScrubber(List.of());
    private static final String MASK = "[REDACTED]";

    private final List<String> secrets;

    /** @param secrets the configured provider keys; ones shorter than 8 characters are ignored (they would mask words) */
    public SecretScrubber(List<String> secrets) {
        this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 8).distinct().toList();
    }

    public String scrub(String text) {
        if (text == null || secrets.isEmpty()) return text;
        String out = text;
        for (String s : secrets) {
            if (containsIgnoreCase(out, s)) out = replaceIgnoreCase(out, s);
        }
        return out;
    }

    private static boolean containsIgnoreCase(String text, String s) {
        for (int i = 0; i + s.length() <= text.length(); i++) if (text.regionMatches(true, i, s, 0, s.length())) return true;
        return false;
    }

    private static String replaceIgnoreCase(String text, String s) {
        StringBuilder b = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (i + s.length() <= text.length() && text.regionMatches(true, i, s, 0, s.length())) {
                b.append(MASK);
                i += s.length();
            } else {
                b.append(text.charAt(i++));
            }
        }
        return b.toString();
    }
}
