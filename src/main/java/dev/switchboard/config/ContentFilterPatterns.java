package dev.switchboard.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The prebuilt patterns of LiteLLM's built-in content filter ({@code guardrail: litellm_content_filter}), by the names
 * its {@code patterns: [{pattern_type: prebuilt, pattern_name: …}]} take: the PII, payment card, credential and network
 * expressions and passport numbers of its patterns.json, as data beside the guardrail, character for character but for
 * {@code email}'s start (below). The protected-class and topic word lists LiteLLM ships
 * there too are not here (a name outside this table is refused at start, naming these).
 */
public final class ContentFilterPatterns {
    private static final Map<String, Pattern> PREBUILT = new LinkedHashMap<>();

    static {
        p("us_ssn", "\\b\\d{3}-\\d{2}-\\d{4}\\b");
        p("us_ssn_no_dash", "\\b(?!000|666|9\\d{2})\\d{3}(?!00)\\d{2}(?!0000)\\d{4}\\b");
        // LiteLLM's is \\b[A-Za-z0-9._%+-]+@…: its start is tried at every character of a run like "a.a.a…", quadratic
        // (12 s on 40k characters); a start only where the run begins is linear and finds the same addresses
        p("email", "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Z|a-z]{2,}\\b");
        p("us_phone", "\\b(?:\\+?1[\\s.-]?)?\\(?([0-9]{3})\\)?[\\s.-]?([0-9]{3})[\\s.-]?([0-9]{4})\\b");
        p("visa", "\\b4\\d{3}[\\s\\-]?\\d{4}[\\s\\-]?\\d{4}[\\s\\-]?\\d{4}\\b");
        p("mastercard", "\\b5[1-5]\\d{2}[\\s\\-]?\\d{4}[\\s\\-]?\\d{4}[\\s\\-]?\\d{4}\\b");
        p("amex", "\\b3[47]\\d{2}[\\s\\-]?\\d{6}[\\s\\-]?\\d{5}\\b");
        p("discover", "\\b6(?:011|5\\d{2})[\\s\\-]?\\d{4}[\\s\\-]?\\d{4}[\\s\\-]?\\d{4}\\b");
        p("credit_card", "(?:\\b4\\d{3}[\\s\\-]?\\d{4}[\\s\\-]?\\d{4}[\\s\\-]?\\d{4}\\b|\\b5[1-5]\\d{2}[\\s\\-]?\\d{4}[\\s\\-]?\\d{4}"
                + "[\\s\\-]?\\d{4}\\b|\\b3[47]\\d{2}[\\s\\-]?\\d{6}[\\s\\-]?\\d{5}\\b|\\b6(?:011|5\\d{2})[\\s\\-]?\\d{4}[\\s\\-]?\\d{4}"
                + "[\\s\\-]?\\d{4}\\b)");
        p("aws_access_key", "\\b(AKIA[0-9A-Z]{16})\\b");
        p("aws_secret_key", "\\b([A-Za-z0-9/+=]{40})\\b");
        p("github_token", "\\b(gh[ps]_[a-zA-Z0-9]{36})\\b");
        p("slack_token", "\\b(xox[pboa]-[0-9]{10,13}-[0-9]{10,13}-[a-zA-Z0-9]{24,32})\\b");
        p("generic_api_key", "\\b([Aa][Pp][Ii][-_]?[Kk][Ee][Yy][\\s:=]+['\"]?[A-Za-z0-9_\\-]{20,}['\"]?)\\b");
        p("ipv4", "\\b(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\\b");
        p("ipv6", "(?<![0-9a-fA-F:])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,7}:|:(?::[0-9a-fA-F]{1,4}){1,7}|::"
                + "|(?:[0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,5}(?::[0-9a-fA-F]{1,4}){1,2}|(?:[0-9a-fA-F]{1,4}:){1,4}"
                + "(?::[0-9a-fA-F]{1,4}){1,3}|(?:[0-9a-fA-F]{1,4}:){1,3}(?::[0-9a-fA-F]{1,4}){1,4}|(?:[0-9a-fA-F]{1,4}:){1,2}"
                + "(?::[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:(?::[0-9a-fA-F]{1,4}){1,6})(?![0-9a-fA-F:])");
        p("url", "\\b(?:https?://|www\\.)[^\\s/$.?#].[^\\s]*\\b");
        p("passport_us", "\\b([A-Z][0-9]{8}|[0-9]{9})\\b");
        p("passport_uk", "\\b[0-9]{9}\\b");
        p("passport_germany", "\\b[CFGHJKLMNPRTVWXYZ0-9]{9}\\b");
        p("passport_france", "\\b[0-9]{2}[A-Z]{2}[0-9]{5}\\b");
        p("passport_netherlands", "\\b[A-Z]{2}[A-Z0-9]{6}[0-9]\\b");
        p("passport_canada", "\\b([A-Z]{2}[0-9]{6}|[A-Z][0-9]{6}[A-Z]{2})\\b");
        p("passport_india", "\\b[A-Z][0-9]{7}\\b");
        p("passport_australia", "\\b[A-Z][0-9]{7}\\b");
        p("passport_china", "\\b[EeGg][0-9]{8}\\b");
        p("passport_japan", "\\b[A-Z]{2}[0-9]{7}\\b");
    }

    private ContentFilterPatterns() {}

    /** Compiled case-insensitively, as LiteLLM compiles every pattern ({@code re.IGNORECASE}). */
    private static void p(String name, String regex) { PREBUILT.put(name, Pattern.compile(regex, FLAGS)); }

    /** LiteLLM's {@code re.IGNORECASE} (Python 3's str patterns are Unicode-aware, hence UNICODE_CASE). */
    public static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    /**
     * A character a text must hold for the prebuilt pattern of that name to match ({@code @} for {@code email}), so a
     * text without it is not searched; 0 when none.
     */
    public static char required(String name) { return "email".equals(name) ? '@' : 0; }

    /** The prebuilt pattern of that name, or null. */
    public static Pattern prebuilt(String name) { return PREBUILT.get(name); }

    /** The names, in LiteLLM's order, for messages. */
    public static java.util.Set<String> names() { return java.util.Collections.unmodifiableSet(PREBUILT.keySet()); }
}
