package dev.switchboard.observe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The only values a model or deployment label may take: the names the config gives (model_names, group aliases,
 * deployment ids, the auto alias; the {@code provider/model} of each deployment), a wildcard entry's pattern for the
 * names it serves ({@code anthropic/*}, and its deployment's {@code anthropic/*}), and {@value #OTHER} for anything else.
 * A client chooses the model name it sends: taken as a label, every invented name made a set of series that stayed for
 * the life of the process (about 17 per name, so 5,000 names ran a 96 MB heap out of memory; security QA, finding 3).
 *
 * <p>Built once at start; a configured name costs one hash-set lookup (its hash is cached in the String). Only a name
 * the config does not spell out is matched against the wildcard patterns, longest first.
 */
public final class MetricLabels {
    /** The label of every name the config does not give. */
    public static final String OTHER = "other";
    /** The label of a request that named no model at all. */
    public static final String NONE = "none";

    private final Set<String> models;
    private final List<String> modelPatterns;
    private final Set<String> deployments;
    private final List<String> deploymentPatterns;

    /**
     * @param models      the names a request may ask for as the config writes them, wildcard patterns included
     * @param deployments each deployment's {@code provider/model}, a wildcard entry's with its {@code *}
     */
    public MetricLabels(Collection<String> models, Collection<String> deployments) {
        this.models = Set.copyOf(models);
        this.modelPatterns = patterns(models);
        this.deployments = Set.copyOf(deployments);
        this.deploymentPatterns = patterns(deployments);
    }

    /**
     * Every name the config writes, models and deployments (wildcard patterns as written): what the secret scrubber
     * records as written ({@link SecretScrubber#name}).
     */
    public Set<String> names() {
        Set<String> all = new java.util.HashSet<>(models);
        all.addAll(deployments);
        return all;
    }

    /** The label of a requested model name. */
    public String model(String name) {
        if (name == null) return NONE;
        if (models.contains(name)) return name;
        return matching(modelPatterns, name);
    }

    /** The label of a deployment ({@code provider/model}), or of an alias a router counts by. */
    public String deployment(String id) {
        if (id == null) return NONE;
        if (deployments.contains(id)) return id;
        return matching(deploymentPatterns, id);
    }

    /** A router's alias label (a group alias, a fallback target): a configured name, a wildcard's pattern, or other. */
    public String alias(String alias) { return model(alias); }

    private static String matching(List<String> patterns, String name) {
        if (name.isEmpty() || patterns.isEmpty()) return OTHER;
        for (String p : patterns) if (glob(p, name)) return p;
        return OTHER;
    }

    private static List<String> patterns(Collection<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) if (n != null && n.indexOf('*') >= 0 && !out.contains(n)) out.add(n);
        out.sort(Comparator.comparingInt(String::length).reversed()); // the most specific first, as the router ranks them
        return List.copyOf(out);
    }

    /** Whether {@code name} matches {@code pattern}, whose {@code *} stands for any run of characters. */
    static boolean glob(String pattern, String name) {
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = n;
            } else if (p < pattern.length() && pattern.charAt(p) == name.charAt(n)) {
                p++;
                n++;
            } else if (star >= 0) {
                p = star + 1;
                n = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') p++;
        return p == pattern.length();
    }
}
