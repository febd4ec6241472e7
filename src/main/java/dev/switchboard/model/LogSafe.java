package dev.switchboard.model;

/**
 * Text from outside (an upstream's error message, a client's model name) made safe for one log line: CR, LF
 * and every other control character are escaped, so such text cannot end our line and forge the next one
 * (a fake "ERROR" from an upstream, a fake request id) in a log that operators and log shippers read line by
 * line. It lives in {@code model} because every layer that logs may use {@code model} and nothing else.
 */
public final class LogSafe {
    private LogSafe() {}

    public static String text(String s) {
        if (s == null) return "null";
        int i = 0;
        while (i < s.length() && !unsafe(s.charAt(i))) i++;
        if (i == s.length()) return s; // the usual case: no copy
        StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (unsafe(c)) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }

    /** A failure's message, made safe: most of ours carry an upstream's words. */
    public static String message(Throwable t) { return t == null ? "null" : text(t.getMessage()); }

    /** C0 and C1 controls, DEL, and the Unicode line and paragraph separators some viewers break lines at. */
    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
