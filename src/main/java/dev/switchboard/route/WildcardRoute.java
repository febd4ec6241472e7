package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One wildcard {@code model_name} ({@code *}, {@code anthropic/*}, {@code claude-*}) and the deployments that
 * carry it. A requested name that matches is served by copies of those deployments whose {@code model} has each
 * {@code *} replaced by what the request's {@code *} matched, as LiteLLM's {@code PatternMatchRouter} does
 * ({@code model_name: "claude-*"}, {@code model: anthropic/claude-*}, request {@code claude-haiku-4-5} →
 * {@code anthropic/claude-haiku-4-5}). A {@code model} without {@code *} is used as it is.
 */
final class WildcardRoute {
    /** The characters Python's {@code re.escape} escapes (3.7+): LiteLLM ranks patterns by their escaped length. */
    private static final String PY_SPECIAL = "()[]{}?*+-|^$\\.&~# \t\n\r\u000b\f";
    /** LiteLLM's "complexity" characters, counted in the escaped regex to break ties of length. */
    private static final String COMPLEXITY = "*+?\\^$|()";

    /**
     * Most specific first, LiteLLM's order: the longer escaped regex, then the more regex characters in it; equal
     * ones keep config order (Python's sort is stable).
     */
    static final Comparator<WildcardRoute> MOST_SPECIFIC_FIRST =
            Comparator.comparingInt((WildcardRoute r) -> r.specificityLength).thenComparingInt(r -> r.specificityComplexity).reversed();

    final String pattern;
    final List<Deployment> templates;
    private final Pattern regex;
    private final int specificityLength;
    private final int specificityComplexity;

    WildcardRoute(String pattern, List<Deployment> templates) {
        this.pattern = pattern;
        this.templates = List.copyOf(templates);
        this.regex = compile(pattern);
        String py = pythonRegex(pattern);
        this.specificityLength = py.length();
        int c = 0;
        for (int i = 0; i < py.length(); i++) if (COMPLEXITY.indexOf(py.charAt(i)) >= 0) c++;
        this.specificityComplexity = c;
    }

    static boolean isPattern(String name) { return name.indexOf('*') >= 0; }

    /** What each {@code *} matched, or null when the name does not match the whole pattern. */
    List<String> match(String name) {
        Matcher m = regex.matcher(name);
        if (!m.matches()) return null;
        List<String> out = new ArrayList<>(m.groupCount());
        for (int i = 1; i <= m.groupCount(); i++) out.add(m.group(i));
        return out;
    }

    /**
     * The {@code provider/model} a template serves for these matched segments: each {@code *} of the template's model
     * replaced in turn; LiteLLM's rule when the request matched more segments than the model has stars is to send the
     * requested name itself, kept here.
     */
    static String substitute(String templateModel, List<String> segments, String requested) {
        if (!isPattern(templateModel)) return templateModel;
        int stars = 0;
        for (int i = 0; i < templateModel.length(); i++) if (templateModel.charAt(i) == '*') stars++;
        if (segments.size() > stars) return requested;
        String out = templateModel;
        for (String s : segments) {
            int at = out.indexOf('*');
            out = out.substring(0, at) + s + out.substring(at + 1);
        }
        return out;
    }

    private static Pattern compile(String pattern) {
        StringBuilder re = new StringBuilder();
        String[] parts = pattern.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) re.append("(.*)");
            if (!parts[i].isEmpty()) re.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** {@code re.escape(pattern).replace("\\*", "(.*)")}, as LiteLLM builds it, for the specificity order only. */
    static String pythonRegex(String pattern) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '*') out.append("(.*)");
            else if (PY_SPECIAL.indexOf(ch) >= 0) out.append('\\').append(ch);
            else out.append(ch);
        }
        return out.toString();
    }
}
