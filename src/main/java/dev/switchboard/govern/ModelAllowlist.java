package dev.switchboard.govern;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A key's {@code models}: exact aliases, {@code *} wildcards ({@code gpt-*}, {@code openai/*}, {@code *} for all)
 * and {@code auto}. Empty allows every model, as in LiteLLM. Compiled once per key version.
 */
final class ModelAllowlist {
    private final List<String> entries;
    /** The entries without a wildcard: an alias matches one exactly when it is equal to it */
    private final java.util.Set<String> exact;
    /** The entries with one, as patterns */
    private final List<Pattern> patterns;
    private final boolean all;

    ModelAllowlist(List<String> entries) {
        this.entries = List.copyOf(entries);
        this.all = entries.isEmpty() || entries.contains("*");
        this.exact = java.util.Set.copyOf(entries.stream().filter(e -> e.indexOf('*') < 0).toList());
        this.patterns = entries.stream().filter(e -> e.indexOf('*') >= 0).map(ModelAllowlist::compile).toList();
    }

    boolean allows(String alias) {
        if (all || exact.contains(alias)) return true; // an entry's quoted pattern matches its own text and nothing else
        for (Pattern p : patterns) if (p.matcher(alias).matches()) return true;
        return false;
    }

    List<String> entries() { return entries; }

    private static Pattern compile(String entry) {
        StringBuilder re = new StringBuilder();
        for (String part : entry.split("\\*", -1)) {
            if (!re.isEmpty()) re.append(".*");
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }
}
