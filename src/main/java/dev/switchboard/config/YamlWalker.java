package dev.switchboard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads typed values out of a SnakeYAML node tree, collecting problems (errors) and warnings that name the
 * line, the dotted key path and the fix, and resolving {@code os.environ/VAR} in every string.
 */
final class YamlWalker {
    static final String ENV_PREFIX = "os.environ/";

    private final Function<String, String> env;
    private final Yaml11 yaml;
    final List<String> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    /**
     * Text scalars a check read as a number or a boolean ({@code port: "6379"}, {@code ttl: os.environ/TTL}), and the
     * value it read: {@link #plain} gives the stages that value, so what a check accepted is what they get (they test
     * {@code instanceof Number}, and a String would silently read as "not set").
     */
    private final Map<Node, Object> typed = new java.util.IdentityHashMap<>();

    YamlWalker(Function<String, String> env) { this(env, new Yaml11()); }

    /** @param yaml the constructor that flattened this tree's merge keys (it knows which values were merged) */
    YamlWalker(Function<String, String> env, Yaml11 yaml) {
        this.env = env;
        this.yaml = yaml;
    }

    static int line(Node n) { return n.getStartMark().getLine() + 1; }

    /** The nodes that came from a file named by {@code include:}, and that file as the config wrote it. */
    private final Map<Node, String> includedFrom = new java.util.IdentityHashMap<>();

    /** Marks every node under {@code root} as read from {@code file} (an {@code include:}d file), for the messages. */
    void included(Node root, String file) {
        java.util.Deque<Node> todo = new java.util.ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (includedFrom.putIfAbsent(n, file) != null) continue;
            if (n instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    todo.push(t.getKeyNode());
                    todo.push(t.getValueNode());
                }
            } else if (n instanceof SequenceNode s) {
                s.getValue().forEach(todo::push);
            }
        }
    }

    /** The included file {@code n} was read from, or null for the config file itself. */
    String fileOf(Node n) { return includedFrom.get(n); }

    /** {@code line 4}, or {@code line 4 of models.yaml} for a node of an included file. */
    String lineOf(Node n) {
        String f = includedFrom.get(n);
        return "line " + line(n) + (f == null ? "" : " of " + f);
    }

    /** An environment variable as {@code os.environ/} references see it ({@code environment_variables} first); null when unset. */
    String env(String name) {
        String v = env.apply(name);
        return v == null || v.isBlank() ? null : v;
    }

    /**
     * Where a value was written: its line, and the {@code <<} that merged it in when it came from an anchor. The merged
     * copy sits in the mapping that holds the {@code <<}, so its file is the {@code <<}'s file (anchors do not cross files).
     */
    String source(Node n) {
        Integer merged = yaml.mergedAt(n);
        if (merged == null) return lineOf(n);
        String f = includedFrom.get(n);
        return lineOf(n) + ", merged by << at line " + merged + (f == null ? "" : " of " + f);
    }

    void error(Node at, String path, String message) {
        errors.add(source(at) + ": " + path + ": " + message);
    }

    void warn(Node at, String path, String message) {
        warnings.add(source(at) + ": " + path + ": " + message);
    }

    /**
     * A key the section does not know: {@code message}, then the known key nearest to it, if one is near ("Did you mean
     * master_key?"; see {@link KeySuggestions}). Still a warning: LiteLLM's configs carry keys of other versions and tools.
     */
    void unknownKey(Node at, String path, String key, java.util.Collection<String> known, String message) {
        warn(at, path, message + KeySuggestions.hint(key, known));
    }

    /**
     * A number as the file wrote it, for a message ({@code rpm: -5} is "found -5", not the double's "-5.0"): the scalar's
     * text, or for a value from {@code os.environ/} (or no scalar) the number without a fraction it does not have.
     */
    static String written(Node n, Number value) {
        if (n instanceof ScalarNode s && !s.getValue().startsWith(ENV_PREFIX) && !s.getValue().isBlank()) return s.getValue().trim();
        if (value == null) return "null";
        double d = value.doubleValue();
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return value.toString();
    }

    /** Lines of each key reported as not supported, gathered so a key used by many entries is one warning. */
    private final Map<String, List<String>> unsupported = new LinkedHashMap<>();
    private final Map<String, String> unsupportedWhy = new LinkedHashMap<>();

    /** A documented key Switchboard does not support: one warning per key (all its lines), see {@link #flushUnsupported}. */
    void unsupported(Node at, String key, String why) {
        String f = includedFrom.get(at);
        unsupported.computeIfAbsent(key, k -> new ArrayList<>()).add(line(at) + (f == null ? "" : " of " + f));
        unsupportedWhy.put(key, why);
    }

    /** Turns the gathered not-supported keys into warnings: {@code line 4, 9: model_info.mode: not supported, ignored: …}. */
    void flushUnsupported() {
        unsupported.forEach((key, lines) -> warnings.add((lines.size() == 1 ? "line " : "lines ")
                + lines.stream().distinct().collect(java.util.stream.Collectors.joining(", ")) + ": " + key
                + ": not supported, ignored" + why(unsupportedWhy.get(key)) + "."));
        unsupported.clear();
    }

    /** The reason after "not supported, ignored", without saying "not supported" twice (many table notes begin so). */
    private static String why(String note) {
        String rest = note.replaceFirst("^not supported[:;,]?\\s*", "");
        return rest.isBlank() ? "" : ": " + rest;
    }

    /** The entries of a mapping in file order, or empty after reporting an error when it is not one. */
    Map<String, Node> mapping(Node n, String path) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (n == null || isNull(n)) return out;
        if (!(n instanceof MappingNode m)) {
            error(n, path, "expected a mapping of key: value lines, found " + describe(n) + ".");
            return out;
        }
        Map<String, Node> keyNodes = new java.util.HashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                out.put(k.getValue(), t.getValueNode());
                Node earlier = keyNodes.put(k.getValue(), k);
                if (earlier != null) duplicate(earlier, k, path);
            } else {
                error(t.getKeyNode(), path, "keys must be plain words.");
            }
        }
        for (ScalarNode[] r : yaml.repeatedKeys(m)) {
            duplicate(r[0], r[1], path);
        }
        return out;
    }

    /** The later key nodes of a mapping already said to be duplicates: a section read twice says it once. */
    private final java.util.Set<Node> warnedDuplicates = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /**
     * A key written twice in one mapping ({@code model:} added below the old one, a second {@code model_list:} appended
     * to the file): YAML readers keep the later silently, LiteLLM's (PyYAML) too, so the earlier value, a whole section
     * of models perhaps, was gone without a word (QA, thirty-ninth session). A warning, as LiteLLM starts with it.
     */
    void duplicate(Node earlier, ScalarNode later, String path) {
        if (!warnedDuplicates.add(later)) return;
        String key = "(top level)".equals(path) ? later.getValue() : path + "." + later.getValue();
        warn(later, key, "written twice, at " + lineOf(earlier) + " and " + lineOf(later) + ": the later one is used and "
                + "the earlier ignored, with everything under it (as LiteLLM's YAML reader does). Fix: keep one of them.");
    }

    List<Node> sequence(Node n, String path) {
        if (n == null || isNull(n)) return List.of();
        if (n instanceof SequenceNode s) return s.getValue();
        error(n, path, "expected a list (lines starting with '- '), found " + describe(n) + ".");
        return List.of();
    }

    /** A string value with {@code os.environ/VAR} resolved; null when absent or wrong (error reported). */
    String string(Node n, String path) {
        if (n == null || isNull(n)) return null;
        if (!(n instanceof ScalarNode s)) {
            error(n, path, "expected a text value, found " + describe(n) + ".");
            return null;
        }
        String v = s.getValue();
        if (v.startsWith(ENV_PREFIX)) {
            String var = v.substring(ENV_PREFIX.length()).trim();
            if (var.isEmpty()) {
                error(n, path, "'" + v + "' names no environment variable. Fix: write os.environ/VARIABLE_NAME, "
                        + "e.g. os.environ/OPENAI_API_KEY, or remove " + path + ".");
                return null;
            }
            String resolved = env.apply(var);
            if (resolved == null || resolved.isEmpty()) {
                // set to "" is refused as unset is (an empty key or URL is no value), but said as it is (QA-D 9)
                error(n, path, "environment variable " + var + (resolved == null ? " is not set" : " is set but empty") + ". Fix: export " + var
                        + "=... before starting, or remove " + path + ".");
                return null;
            }
            return resolved;
        }
        return v;
    }

    /** A number (ints and decimals; an {@code os.environ/VAR} holding a number also counts). */
    Double number(Node n, String path) {
        // YAML 1.1 numbers as PyYAML reads them (20_000, 0x1F, 1_000.5): SnakeYAML's own constructors.
        if (n instanceof ScalarNode sc && yaml.scalar(sc) instanceof Number num) return num.doubleValue();
        String s = string(n, path);
        if (s == null) return null;
        try {
            double d = Double.parseDouble(s.trim());
            // as YAML's own would be: a whole number a Long, else a Double
            typed.put(n, d == Math.rint(d) && Math.abs(d) < 1e18 ? (Object) (long) d : (Object) d);
            return d;
        } catch (NumberFormatException e) {
            error(n, path, "expected a number, found '" + s + "'.");
            return null;
        }
    }

    Integer integer(Node n, String path) {
        Double d = number(n, path);
        if (d == null) return null;
        if (d != Math.rint(d) || d < 0 || d > Integer.MAX_VALUE) {
            error(n, path, "expected a whole number of 0 or more, found " + (n instanceof ScalarNode sc ? sc.getValue() : d) + ".");
            return null;
        }
        return d.intValue();
    }

    Boolean bool(Node n, String path) {
        if (n instanceof ScalarNode sc && yaml.scalar(sc) instanceof Boolean b) return b;
        String s = string(n, path);
        if (s == null) return null;
        Boolean b = switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> {
                error(n, path, "expected true or false, found '" + s + "'.");
                yield null;
            }
        };
        if (b != null) typed.put(n, b);
        return b;
    }

    /** A mapping of string to string (headers). */
    Map<String, String> stringMap(Node n, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        mapping(n, path).forEach((k, v) -> {
            String s = string(v, path + "." + k);
            if (s != null) out.put(k, s);
        });
        return out;
    }

    /**
     * {@code environment_variables} as LiteLLM exports them, {@code os.environ[key] = str(value)} of the value PyYAML
     * read: a number or a boolean as Python writes it ({@code 20_000} is "20000", {@code 0x10} "16", {@code true}
     * "True"), a timestamp as Python's date or datetime ({@link PyYamlTimestamp}), not its source text; text as
     * written, {@code os.environ/} resolved. A null leaves the variable unset (LiteLLM would export the text "None"), and
     * so does an {@code os.environ/X} whose X is not set: LiteLLM skips that entry, so it is a warning here (naming X,
     * never a value), not the error it is where a setting needs the value.
     */
    Map<String, String> environmentMap(Node n, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        mapping(n, path).forEach((k, v) -> {
            String kp = path + "." + k;
            String s = v instanceof ScalarNode sc ? exported(sc, k, kp) : string(v, kp);
            if (s != null) out.put(k, s);
        });
        return out;
    }

    /** One {@code environment_variables} value as LiteLLM exports it, or null when it exports nothing (warned or an error). */
    private String exported(ScalarNode v, String key, String path) {
        if (Tag.TIMESTAMP.equals(v.getTag())) {
            try {
                return PyYamlTimestamp.pythonStr(v.getValue());
            } catch (IllegalArgumentException e) {
                error(v, path, "reads as a date, and PyYAML (LiteLLM) refuses it: " + e.getMessage() + ". Fix: correct the date, "
                        + "or quote the value to keep it as text.");
                return null;
            }
        }
        Object typedValue = yaml.scalar(v);
        // a float to SnakeYAML that PyYAML reads as text (1e5, -.5, a git hash like 4e51234) is exported as written
        if (typedValue instanceof Double && !Yaml11.pyYamlFloat(v.getValue())) typedValue = null;
        if (typedValue != null) return Yaml11.pythonStr(typedValue);
        String text = v.getValue();
        if (text.startsWith(ENV_PREFIX) && !Tag.NULL.equals(v.getTag())) {
            String var = text.substring(ENV_PREFIX.length()).trim();
            String resolved = var.isEmpty() ? null : env.apply(var);
            if (!var.isEmpty() && resolved == null) {
                // LiteLLM: get_secret_str is None, so os.environ[key] is not set; any setting that names the key says so
                warn(v, path, "environment variable " + var + " is not set, so " + key + " is not exported (LiteLLM skips "
                        + "it too). Fix: export " + var + "=... before starting, or remove the entry.");
                return null;
            }
            // set to "": LiteLLM exports "" (a setting that names the key then refuses it as set but empty)
            if (resolved != null && resolved.isEmpty()) return "";
        }
        return string(v, path);
    }

    /** Any value as plain Java (String, Double/Long, Boolean, List, Map), env refs resolved; for settings kept raw. */
    Object plain(Node n, String path) {
        if (n == null || isNull(n)) return null;
        if (n instanceof MappingNode) {
            Map<String, Object> out = new LinkedHashMap<>();
            mapping(n, path).forEach((k, v) -> out.put(k, plain(v, path + "." + k)));
            return out;
        }
        if (n instanceof SequenceNode s) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < s.getValue().size(); i++) out.add(plain(s.getValue().get(i), path + "[" + i + "]"));
            return out;
        }
        ScalarNode s = (ScalarNode) n;
        Object v = yaml.scalar(s);
        if (v instanceof java.math.BigInteger big) return big.doubleValue();
        if (v instanceof Integer i) return i.longValue();
        if (v != null) return v;
        if (typed.containsKey(n)) return typed.get(n);
        return string(n, path);
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static String describe(Node n) {
        if (n instanceof MappingNode) return "a mapping";
        if (n instanceof SequenceNode) return "a list";
        return "'" + ((ScalarNode) n).getValue() + "'";
    }
}
