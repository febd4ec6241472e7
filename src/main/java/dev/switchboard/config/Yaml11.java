package dev.switchboard.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML read as LiteLLM reads it: PyYAML's {@code safe_load}, which is YAML 1.1. SnakeYAML is a YAML 1.1 library
 * too, so rather than re-implementing the rules this borrows its own constructor for the two places where the
 * node tree (kept for line numbers) is not enough:
 * <ul>
 *   <li>merge keys ({@code <<: *anchor}, {@code <<: [*a, *b]}): flattened in place with SnakeYAML's
 *       {@code flattenMapping}, keys written beside the merge winning, as in PyYAML. Which values came from a merge,
 *       and the line of that {@code <<}, is remembered for {@code check --explain};</li>
 *   <li>scalar values: {@code 20_000}, {@code 0x1F}, {@code 1_000.5}, {@code .inf}, {@code yes}/{@code off} are
 *       constructed by SnakeYAML's own int, float and bool constructors, the same YAML 1.1 rules PyYAML has.</li>
 * </ul>
 */
final class Yaml11 extends SafeConstructor {
    /** A value node merged into a mapping, and the line of the {@code <<} that brought it. */
    private final Map<Node, Integer> mergedAt = new IdentityHashMap<>();

    Yaml11() { super(new LoaderOptions()); }

    /** Flattens every merge key under {@code root}, depth first (a merged block may itself merge another). */
    void flattenMerges(Node root) {
        flatten(root, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private void flatten(Node n, Set<Node> seen) {
        if (n == null || !seen.add(n)) return;
        if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                flatten(t.getKeyNode(), seen);
                flatten(t.getValueNode(), seen);
            }
            int mergeLine = -1;
            Set<Node> explicit = Collections.newSetFromMap(new IdentityHashMap<>());
            for (NodeTuple t : m.getValue()) {
                if (Tag.MERGE.equals(t.getKeyNode().getTag())) mergeLine = YamlWalker.line(t.getKeyNode());
                else explicit.add(t.getValueNode());
            }
            if (mergeLine < 0) return;
            // SnakeYAML's flattenMapping drops the earlier of two keys written beside a << (duplicate keys allowed) before
            // YamlWalker can see both: the repeats are noted here, and the walker says them as it says any other
            List<ScalarNode[]> repeats = null;
            Map<String, ScalarNode> firstKey = new java.util.HashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k) || Tag.MERGE.equals(k.getTag())) continue;
                ScalarNode earlier = firstKey.put(k.getValue(), k);
                if (earlier != null) {
                    if (repeats == null) repeats = new ArrayList<>();
                    repeats.add(new ScalarNode[] {earlier, k});
                }
            }
            m.setMerged(true);
            flattenMapping(m);
            // keyed by the flattened tuple list, which a copy of this mapping (merged elsewhere) shares
            if (repeats != null) repeatedKeys.put(m.getValue(), repeats);
            // An anchor's value node is one object in every mapping that merges it; each merge gets its own copy, so that
            // a problem with entry b's value names b's <<, not the first entry's (QA F9).
            List<NodeTuple> tuples = m.getValue();
            for (int i = 0; i < tuples.size(); i++) {
                NodeTuple t = tuples.get(i);
                if (explicit.contains(t.getValueNode())) continue;
                Node copy = copy(t.getValueNode());
                tuples.set(i, new NodeTuple(t.getKeyNode(), copy));
                mergedAt.put(copy, mergeLine);
            }
        } else if (n instanceof SequenceNode s) {
            for (Node c : new ArrayList<>(s.getValue())) flatten(c, seen);
        }
    }

    /** The same value at the same place in the file, as a node of its own (its children shared). */
    private static Node copy(Node n) {
        Node c = switch (n) {
            case ScalarNode s -> new ScalarNode(s.getTag(), true, s.getValue(), s.getStartMark(), s.getEndMark(), s.getScalarStyle());
            case MappingNode mn -> {
                MappingNode mc = new MappingNode(mn.getTag(), true, mn.getValue(), mn.getStartMark(), mn.getEndMark(), mn.getFlowStyle());
                mc.setMerged(mn.isMerged());
                yield mc;
            }
            case SequenceNode sn -> new SequenceNode(sn.getTag(), true, sn.getValue(), sn.getStartMark(), sn.getEndMark(), sn.getFlowStyle());
            default -> n;
        };
        c.setAnchor(n.getAnchor());
        return c;
    }

    /** Keys written twice beside a {@code <<} (earlier, later), by the flattened mapping's tuple list. */
    private final Map<List<NodeTuple>, List<ScalarNode[]>> repeatedKeys = new IdentityHashMap<>();

    /** The keys {@code m} held twice beside its {@code <<} before flattening dropped the earlier: (earlier, later) pairs. */
    List<ScalarNode[]> repeatedKeys(MappingNode m) {
        List<ScalarNode[]> r = repeatedKeys.get(m.getValue());
        return r == null ? List.of() : r;
    }

    /** The line of the {@code <<} that merged this value into its mapping, or null when it was written there. */
    Integer mergedAt(Node value) { return mergedAt.get(value); }

    /**
     * The YAML 1.1 value of a scalar tagged int, float or bool (Long/BigInteger, Double, Boolean); null for other tags
     * or a form SnakeYAML cannot construct.
     */
    Object scalar(ScalarNode s) {
        Tag tag = s.getTag();
        if (!Tag.INT.equals(tag) && !Tag.FLOAT.equals(tag) && !Tag.BOOL.equals(tag)) return null;
        try {
            return constructObject(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Python's {@code str()} of a value {@link #scalar} constructed (int, float, bool): what LiteLLM exports for an
     * {@code environment_variables} entry, {@code os.environ[key] = str(value)} of the PyYAML value, so that
     * {@code 20_000} is "20000", {@code 0x10} "16", {@code yes} "True" and {@code 1.5e+3} "1500.0".
     */
    static String pythonStr(Object v) {
        return pythonStrOf(v);
    }

    /**
     * PyYAML's float resolver: a point is required and an exponent needs its sign, so {@code 1e5}, {@code 1.5e3},
     * {@code -.5} and {@code 4e51234} (a short git hash) are text to PyYAML, floats to SnakeYAML's YAML 1.1 resolver.
     */
    private static final java.util.regex.Pattern PYYAML_FLOAT = java.util.regex.Pattern.compile(
            "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
                    + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");

    /** Whether PyYAML reads {@code text} (a plain scalar SnakeYAML took for a float) as a float too. */
    static boolean pyYamlFloat(String text) {
        return PYYAML_FLOAT.matcher(text).matches();
    }

    private static String pythonStrOf(Object v) {
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v instanceof Double d) return pythonFloat(d);
        return v.toString(); // Integer, Long, BigInteger: decimal digits, as Python's int
    }

    /**
     * Python's {@code repr} of a float (which {@code str} is): the shortest digits that read back as the same double
     * (Java's {@code Double.toString} finds the same ones), written plain with a ".0" when whole, in exponent form
     * ({@code 1e+16}, {@code 1.5e-07}) when the exponent is below -4 or 16 and over; {@code inf}, {@code nan}.
     */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        String sign = (d < 0 || (d == 0 && 1 / d < 0)) ? "-" : "";
        if (d == 0) return sign + "0.0";
        java.math.BigDecimal b = new java.math.BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = b.unscaledValue().toString();
        int exponent = digits.length() - 1 - b.scale(); // of the first digit
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        return sign + b.toPlainString() + (b.scale() <= 0 ? ".0" : "");
    }
}
