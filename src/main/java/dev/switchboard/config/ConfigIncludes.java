package dev.switchboard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * LiteLLM's top-level {@code include:} (docs/my-website/docs/proxy/config_management.md), read as its
 * {@code ProxyConfig._process_includes} reads it: a list of YAML files, each relative to the directory of the config
 * file; every top-level key of an included file whose value is a list is appended to the same key's list
 * ({@code model_list} entries add up), any other value takes the key's place whole. An included file's own
 * {@code include:} list is read too (LiteLLM appends it to the list it is walking), relative to the same directory.
 *
 * <p>Where LiteLLM stops with a Python exception (a missing file, {@code include} that is not a list, an included
 * file that is empty or not a mapping), this is an error naming the line and the file; where it silently drops a
 * section (an included {@code litellm_settings} replaces the main file's whole), a warning says which keys are lost.
 * A file included a second time through another file is read once (a warning; LiteLLM reads it again); a file that
 * includes itself, directly or through the files that included it, is an error (LiteLLM would loop for ever).
 */
final class ConfigIncludes {
    private ConfigIncludes() {}

    /** An {@code include:} entry to read, with the files whose includes led to it (the config file first, when known). */
    private record Pending(Node item, List<Path> chain) {}

    /**
     * Merges the files {@code root}'s {@code include:} names into {@code root} and removes the key.
     *
     * @param mainFile the config file itself (so that including it is a loop at once), or null for a config given as text
     */
    static void apply(YamlWalker w, Yaml11 yaml, Node root, Path baseDir, Path mainFile) {
        if (!(root instanceof MappingNode main)) return;
        NodeTuple include = tuple(main, "include");
        if (include == null) return;
        main.getValue().remove(include);
        Deque<Pending> todo = new ArrayDeque<>();
        Path self = mainFile == null ? null : mainFile.toAbsolutePath().normalize();
        if (!queue(w, include.getValueNode(), todo, self == null ? List.of() : List.of(self))) return;
        // each file read once: a second inclusion through another file (a and b both include common.yaml) is skipped with
        // a warning, where LiteLLM reads it again (its model_list entries twice); a file that includes itself, directly
        // or through the files that included it, is a loop (LiteLLM reads it for ever)
        Map<Path, String> seen = new HashMap<>();
        if (self != null) seen.put(self, "the config file");
        while (!todo.isEmpty()) {
            Pending next = todo.poll();
            Node item = next.item();
            if (!(item instanceof ScalarNode s) || s.getValue().isBlank()) {
                w.error(item, "include", "expected a file path. Fix: list YAML files, e.g. include: [models.yaml].");
                continue;
            }
            String name = s.getValue().trim();
            Path file = baseDir.resolve(name).toAbsolutePath().normalize();
            if (next.chain().contains(file)) {
                String loop = next.chain().subList(next.chain().indexOf(file), next.chain().size()).stream()
                        .map(p -> p.equals(self) ? "the config file" : baseDir.relativize(p).toString())
                        .collect(Collectors.joining(" → "));
                w.error(item, "include", name + " includes itself (" + loop + " → " + name + "): an include loop, which LiteLLM "
                        + "reads for ever. Fix: remove " + name + " from this include list.");
                continue;
            }
            if (seen.containsKey(file)) {
                w.warn(item, "include", name + " is already included (" + seen.get(file) + "), so it is not read a second time "
                        + "(LiteLLM would read it again: its model_list entries twice). Fix: include it once.");
                continue;
            }
            seen.put(file, w.lineOf(item));
            Node included = read(w, yaml, item, name, file);
            if (included == null) continue;
            w.included(included, name);
            List<Path> chain = new ArrayList<>(next.chain());
            chain.add(file);
            merge(w, main, (MappingNode) included, name, todo, List.copyOf(chain));
        }
    }

    /** Adds the entries of an {@code include:} value to {@code todo}; false (after an error) when it is not a list. */
    private static boolean queue(YamlWalker w, Node value, Deque<Pending> todo, List<Path> chain) {
        if (value instanceof SequenceNode seq) {
            for (Node n : seq.getValue()) todo.add(new Pending(n, chain));
            return true;
        }
        if (YamlWalker.isNull(value)) return true;
        w.error(value, "include", "must be a list of file paths, as LiteLLM requires ('include' must be a list of file paths). "
                + "Fix: write it as a list, e.g.\n    include:\n      - models.yaml");
        return false;
    }

    /** The included file's top-level mapping, its merge keys flattened; null after an error. */
    private static Node read(YamlWalker w, Yaml11 yaml, Node at, String name, Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            w.error(at, "include", name + " (" + file + ") is not UTF-8 text. Fix: save it as UTF-8.");
            return null;
        } catch (java.nio.file.NoSuchFileException e) {
            w.error(at, "include", "included file not found: " + file + " (a path is read from the config file's directory, "
                    + "as LiteLLM reads it). Fix: correct the path, or create the file.");
            return null;
        } catch (IOException e) {
            w.error(at, "include", "cannot read " + file + " (" + (Files.isDirectory(file) ? "a directory" : e.getMessage())
                    + "). Fix: name a readable YAML file.");
            return null;
        }
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new java.io.StringReader(text));
        } catch (MarkedYAMLException e) {
            w.error(at, "include", name + ": " + ConfigLoader.yamlError(e, text));
            return null;
        } catch (RuntimeException e) {
            w.error(at, "include", name + ": the file is not valid YAML: " + e.getMessage());
            return null;
        }
        if (root == null || YamlWalker.isNull(root)) {
            w.error(at, "include", name + " is empty (LiteLLM cannot load it either). Fix: give it a model_list or other "
                    + "sections, or remove it from include.");
            return null;
        }
        if (!(root instanceof MappingNode)) {
            w.error(at, "include", name + " is not a mapping of sections (model_list:, litellm_settings:, …). Fix: write "
                    + "its top level as the config file's is.");
            return null;
        }
        try {
            yaml.flattenMerges(root);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            w.error(at, "include", name + " line " + line + ": a merge key (<<) " + e.getProblem()
                    + ". Fix: merge a mapping anchor, <<: *name, or a list of them, <<: [*a, *b].");
            return null;
        }
        return root;
    }

    /** LiteLLM's merge: a list extends the main file's list of that key, anything else replaces its value. */
    private static void merge(YamlWalker w, MappingNode main, MappingNode included, String name, Deque<Pending> todo,
                              List<Path> chain) {
        // a key the included file writes twice: its YAML reader (LiteLLM's too) keeps the later, so only that one is merged
        java.util.Map<String, ScalarNode> last = new java.util.HashMap<>();
        for (NodeTuple t : included.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) continue;
            ScalarNode earlier = last.put(k.getValue(), k);
            if (earlier != null) w.duplicate(earlier, k, "(top level)");
        }
        for (NodeTuple t : included.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) continue; // reported as the top level's key when read
            String key = k.getValue();
            if (last.get(key) != k) continue;
            Node value = t.getValueNode();
            if (key.equals("include")) {
                queue(w, value, todo, chain);
                continue;
            }
            NodeTuple existing = tuple(main, key);
            if (existing == null) {
                main.getValue().add(t);
            } else if (value instanceof SequenceNode seq) {
                if (existing.getValueNode() instanceof SequenceNode mine) {
                    mine.getValue().addAll(seq.getValue());
                } else {
                    w.error(value, key, "is a list, but the config file's " + key + " (" + w.lineOf(existing.getValueNode())
                            + ") is not, so it cannot be extended (LiteLLM fails on it too). Fix: write " + key
                            + " as a list in both files, or in one of them only.");
                }
            } else {
                main.getValue().set(main.getValue().indexOf(existing), t);
                String lost = lost(existing.getValueNode());
                if (lost != null) {
                    w.warn(existing.getKeyNode(), key, "replaced whole by " + name + "'s " + key + " (" + w.lineOf(value)
                            + (YamlWalker.isNull(value) ? ", empty" : "") + "), as LiteLLM's include replaces a section that is "
                            + "not a list: this file's " + lost + ". Fix: keep " + key + " in one file"
                            + (YamlWalker.isNull(value) ? ", or remove the empty " + key + " from " + name : "") + ".");
                }
            }
        }
    }

    /** What a replaced value held, said for the warning ("routing_strategy, allowed_fails are not read"), or null when nothing. */
    private static String lost(Node v) {
        if (v instanceof MappingNode m) {
            if (m.getValue().isEmpty()) return null;
            String keys = m.getValue().stream().map(x -> x.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?")
                    .collect(Collectors.joining(", "));
            return keys + (m.getValue().size() == 1 ? " is" : " are") + " not read";
        }
        if (v instanceof SequenceNode seq) {
            int n = seq.getValue().size();
            return n == 0 ? null : "list (" + n + (n == 1 ? " entry" : " entries") + ") is not read";
        }
        if (YamlWalker.isNull(v)) return null;
        return "value (" + YamlWalker.line(v) + ") is not read"; // not printed: it may be a secret
    }

    /**
     * The tuple of {@code key} in {@code m}: the last one when the file writes it twice, since that is the one the
     * config is read with (the earlier is warned and ignored), so an included list extends the list that is used.
     */
    private static NodeTuple tuple(MappingNode m, String key) {
        NodeTuple found = null;
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) found = t;
        }
        return found;
    }
}
