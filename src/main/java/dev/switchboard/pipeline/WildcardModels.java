package dev.switchboard.pipeline;

import dev.switchboard.account.PriceCatalog;
import dev.switchboard.config.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the gateway does with wildcard model_list entries outside the router: the keys they may carry (for the
 * scrubbers) and the models {@code /v1/models} lists for them.
 */
final class WildcardModels {
    private WildcardModels() {}

    /** The entry with another model (same provider, key, base and limits). */
    static Deployment withModel(Deployment d, String model) {
        return new Deployment(d.alias(), d.provider(), model, d.apiBase(), d.apiKey(), d.timeout(), d.streamTimeout(),
                d.maxTokens(), d.headers(), d.params(), d.modelInfo(), d.line(), d.sources());
    }

    /**
     * The deployments whose keys must be masked everywhere: every entry, and for a bare {@code model: "*"} (whose
     * provider comes from each request) one stand-in per provider, since it may send any provider's key from the
     * environment.
     */
    static List<Deployment> keyHolders(List<Deployment> deployments, Set<String> prefixes) {
        List<Deployment> out = new ArrayList<>();
        for (Deployment d : deployments) {
            if (!d.provider().isEmpty()) {
                out.add(d);
                continue;
            }
            for (String p : prefixes) {
                out.add(new Deployment(d.alias(), p, d.model(), d.apiBase(), d.apiKey(), d.timeout(), d.streamTimeout(),
                        d.maxTokens(), d.headers(), d.params(), d.modelInfo(), d.line()));
            }
        }
        return out;
    }

    /**
     * The names {@code /v1/models} lists for the wildcards: each pattern as written, then the catalog's models of
     * the entry's provider that the pattern matches, written as a request would name them (LiteLLM lists a provider's
     * known models for {@code provider/*} the same way). A bare {@code model: "*"} lists only its pattern: it may be
     * any provider's model.
     *
     * @param wildcards pattern → the {@code provider/model} patterns of its entries
     */
    static Set<String> listed(Map<String, List<String>> wildcards, PriceCatalog catalog) {
        Set<String> out = new LinkedHashSet<>();
        wildcards.forEach((pattern, models) -> {
            out.add(pattern);
            Pattern requested = glob(pattern);
            for (String model : models) {
                int slash = model.indexOf('/');
                if (slash <= 0) continue;
                String provider = model.substring(0, slash);
                Pattern served = glob(model.substring(slash + 1));
                for (String id : catalog.modelNames(provider)) {
                    if (!served.matcher(id).matches()) continue;
                    String name = requestedName(pattern, model.substring(slash + 1), id);
                    if (name != null && requested.matcher(name).matches()) out.add(name);
                }
            }
        });
        return out;
    }

    /**
     * For {@code check}: each wildcard pattern with what it serves, one line each: its deployments' model patterns,
     * then the catalog models a request may name through it (as {@code /v1/models} lists them), or for a bare
     * {@code model: "*"} the model families whose provider is inferred (config.ProviderInference, LiteLLM's order).
     */
    static Map<String, List<String>> described(Map<String, List<String>> wildcards, PriceCatalog catalog) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        wildcards.forEach((pattern, models) -> {
            List<String> lines = new ArrayList<>();
            for (String model : models) {
                if (model.indexOf('/') > 0) {
                    Set<String> names = new LinkedHashSet<>(listed(Map.of(pattern, List.of(model)), catalog));
                    names.remove(pattern);
                    lines.add(model + ": " + (names.isEmpty() ? "any name the pattern matches (no catalog model does)"
                            : names.size() + " catalog model(s), e.g. " + String.join(", ", names.stream().limit(5).toList())
                            + " (and any other name the pattern matches)"));
                } else {
                    lines.add(model + ": any model of a known family, its provider inferred as LiteLLM does (claude-* anthropic, "
                            + "gpt-*/o1/o3/o4/text-embedding-* openai, gemini-* vertex_ai, command-* cohere, mistral-* mistral, "
                            + "deepseek-chat deepseek, Bedrock ids bedrock; provider/model names their provider), each with "
                            + "that provider's key from the environment when the entry sets none");
                }
            }
            out.put(pattern, lines);
        });
        return out;
    }

    /**
     * The name a client would ask for to reach {@code id}: the pattern's {@code *} filled with what the model
     * pattern's {@code *} matched in the id (one star each side, the common shape); null for other shapes.
     */
    static String requestedName(String pattern, String modelPattern, String id) {
        if (count(pattern) != 1 || count(modelPattern) != 1) return null;
        int star = modelPattern.indexOf('*');
        String prefix = modelPattern.substring(0, star);
        String suffix = modelPattern.substring(star + 1);
        if (!id.startsWith(prefix) || !id.endsWith(suffix) || id.length() < prefix.length() + suffix.length()) return null;
        String segment = id.substring(prefix.length(), id.length() - suffix.length());
        return pattern.replace("*", segment);
    }

    private static int count(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '*') n++;
        return n;
    }

    private static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!re.isEmpty()) re.append(".*");
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
