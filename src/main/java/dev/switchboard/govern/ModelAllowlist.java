package dev.switchboard.govern;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A key's {@code models}: exact aliases, {@code *} wildcards ({@code gpt-*}, {@code openai/*}, {@code *} for all)
 * and {@code auto}. Empty allows every model, as in LiteLLM. Compiled once per key version.
 *
 * <p>The key's own {@code aliases} are applied before the check, so it sees the model a call goes to. That target is
 * allowed when the list names it, or names the alias that leads to it: LiteLLM's documentation lists the target
 * ({@code models: ["my-free-tier"], aliases: {"gpt-3.5-turbo": "my-free-tier"}}) while its code checks the name asked
 * for, and a key written either way works the same here.
 */
final class ModelAllowlist {
    private final List<String> entries;
    /** The entries without a wildcard: an alias matches one exactly when it is equal to it */
    private final java.util.Set<String> exact;
    /** The entries with one, as patterns */
    private final List<Pattern> patterns;
    private final boolean all;

    ModelAllowlist(List<String> entries) { this(entries, java.util.Map.of()); }

    ModelAllowlist(List<String> entries, java.util.Map<String, String> modelAliases) { this(entries, modelAliases, java.util.Map.of()); }

    /**
     * @param modelAliases the key's aliases (asked-for name → target); a target whose name is listed is allowed too
     * @param accessGroups LiteLLM's model access groups (group → model_names): an entry naming a group allows its models,
     *                     as if they were listed (a model_name of the group may itself be a wildcard)
     */
    ModelAllowlist(List<String> entries, java.util.Map<String, String> modelAliases,
                   java.util.Map<String, List<String>> accessGroups) {
        this.entries = List.copyOf(entries);
        List<String> expanded = new java.util.ArrayList<>(entries);
        for (String e : entries) expanded.addAll(accessGroups.getOrDefault(e, List.of()));
        entries = expanded;
        // LiteLLM's keywords: all-proxy-models (every model) and, for a key, all-team-models (every model its team may
        // use: the team's own list still holds the key, see Governor)
        this.all = entries.isEmpty() || entries.contains("*") || entries.contains("all-proxy-models") || entries.contains("all-team-models");
        this.patterns = entries.stream().filter(e -> e.indexOf('*') >= 0).map(ModelAllowlist::compile).toList();
        java.util.Set<String> listed = java.util.Set.copyOf(entries.stream().filter(e -> e.indexOf('*') < 0).toList());
        java.util.Set<String> exactNames = new java.util.HashSet<>(listed);
        if (!all) { // by the list as written: a target another alias made allowed does not open its own alias's target
            for (var a : modelAliases.entrySet()) if (listed(listed, patterns, a.getKey())) exactNames.add(a.getValue());
            // a name listed only to allow its alias is not the model of that name: the key's calls can never ask for
            // it (they go to the target), and a configured fallback must not reach it either
            for (String from : modelAliases.keySet()) if (!modelAliases.containsValue(from)) exactNames.remove(from);
        }
        this.exact = java.util.Set.copyOf(exactNames);
    }

    private static boolean listed(java.util.Set<String> exact, List<Pattern> patterns, String alias) {
        if (exact.contains(alias)) return true;
        for (Pattern p : patterns) if (p.matcher(alias).matches()) return true;
        return false;
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
