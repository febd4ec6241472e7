package dev.switchboard.cache.semantic;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A content word replaced by another of its kind, in any case: "how do i sort a dict in python" / "… in javascript"
 * (BGE 0.964), "linux" / "windows", "cat" / "dog", "css" / "html". A sentence embedding puts two questions that differ
 * in one word close together whether the words mean the same ("fastest" / "quickest") or are two members of one kind
 * (two languages, two systems, two pets), and the second is another question. The name guard sees only capitalised
 * words; this one looks at the words themselves, whatever their case.
 *
 * <p>The test: the two texts differ in exactly one content word each (the rest the same once case, a plural, an
 * apostrophe's s and the function words are set aside; more is a rewording, the embedding's business), the two words
 * are not one word spelled two ways (one edit apart, "gases" / "gasses", "colour" / "color") nor near-synonyms (their
 * cosine, each embedded alone, below {@link Calibration#synonym}), and they are two members of one kind: the sum of
 * their vectors is close to one of a fixed list of kinds ({@link #KINDS}: "a programming language", "an operating
 * system", "a pet", …; cosine at least {@link Calibration#kind}), and each word alone is near it too (at least
 * {@link Calibration#member}), so a word and its hypernym ("profits" / "money", "steaks" / "food") do not count. Why the
 * kinds: single-word cosines alone do not tell synonyms from co-hyponyms (QQP's paraphrases swap "learn" / "understand"
 * at 0.76, "python" / "javascript" sit at 0.73); what two words of one kind share is their kind, which the sum of their
 * vectors shows and a synonym pair does not need. Such a pair is doubted ({@link QuestionGuards.Verdict#SWAP}: verified
 * when a verifier is configured, a miss otherwise).
 *
 * <p>It costs an embedding of each of the two words (a short input, cached with the questions') and, once, of the
 * kinds; it runs only for a candidate the other guards passed and that would be served or verified, on the cache's pool
 * (as the question's embedding does). What it buys and costs on QQP is in the README.
 */
public final class WordSwaps {
    /**
     * The word-swap guard's thresholds for one embedder, calibrated on {@code bench/data/qqp-calibrate.jsonl}.
     *
     * @param synonym two words at or above this cosine are near-synonyms, never a swap
     * @param kind    the two words' summed vector at or above this cosine with a kind: they share it
     * @param member  each word alone at or above this cosine with that kind: both are members, neither the kind itself
     */
    public record Calibration(double synonym, double kind, double member) {}

    /**
     * Kinds whose members are another question's subject when one replaces the other. General classes, not the QA's
     * words: a word the list never names ("toluene", "firefox") is placed by the embedder.
     */
    static final List<String> KINDS = List.of("a programming language", "an operating system", "a software library or framework",
            "a database", "a web browser", "a file format", "a chemical compound", "a chemical element", "a chemical",
            "an organic compound", "a solvent", "a gas", "a mineral", "a metal", "a medication", "a vitamin", "a disease", "a virus",
            "a mental disorder", "an emotion", "an animal", "a pet", "a bird", "a fish", "an insect", "a plant", "a tree", "a flower",
            "a food", "a dish", "a dessert", "a spice", "a drink", "a fruit", "a vegetable", "a country", "a city", "a state",
            "a continent", "a human language", "a currency", "a cryptocurrency", "a unit of measurement", "a sport",
            "a musical instrument", "a musical genre", "a profession", "a company", "a car brand", "a vehicle", "a planet",
            "a religion", "a color", "a body part", "a game", "a video game console", "a social network", "a cloud service",
            "a text editor", "a network protocol", "a data structure", "an algorithm", "a month", "a day of the week", "a season",
            "a family member", "a university", "a school subject", "an exam", "a political party", "a fabric", "a tool", "a shape");

    private final Function<String, float[]> embed;
    private final Calibration calibration;
    private volatile float[][] kinds;

    /** @param embed a unit vector for a text (the cache's embedder, through its cache) */
    WordSwaps(Function<String, float[]> embed, Calibration calibration) {
        this.embed = embed;
        this.calibration = calibration;
    }

    /** The one content word each text has and the other lacks (lower case), or null when the texts differ otherwise. */
    record Swap(String a, String b) {}

    /**
     * The substituted word of each text, when each has exactly one content word the other lacks; null otherwise (the
     * same content words, a word only added or dropped, or more changed). Digits are the number guard's.
     */
    static Swap of(String a, String b) {
        Map<String, String> wa = words(a), wb = words(b);
        String onlyA = null, onlyB = null;
        for (Map.Entry<String, String> e : wa.entrySet()) {
            if (wb.containsKey(e.getKey())) continue;
            if (onlyA != null) return null;
            onlyA = e.getValue();
        }
        for (Map.Entry<String, String> e : wb.entrySet()) {
            if (wa.containsKey(e.getKey())) continue;
            if (onlyB != null) return null;
            onlyB = e.getValue();
        }
        return onlyA == null || onlyB == null ? null : new Swap(onlyA, onlyB);
    }

    /** Whether {@code a} and {@code b} differ by a word replaced by another member of its kind. */
    boolean replaced(String a, String b) {
        Swap s = of(a, b);
        return s != null && kindOf(s) != null;
    }

    /** The kind both words of {@code s} are members of, or null (a spelling, near-synonyms, or no shared kind). */
    String kindOf(Swap s) {
        if (spelling(s.a(), s.b())) return null;
        float[] x = embed.apply(s.a()), y = embed.apply(s.b());
        if (Embedder.dot(x, y) >= calibration.synonym()) return null;
        float[] sum = new float[x.length];
        for (int i = 0; i < sum.length; i++) sum[i] = x[i] + y[i];
        Embedder.normalize(sum);
        float[][] k = kinds();
        int best = -1;
        double bestCos = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k.length; i++) {
            double c = Embedder.dot(sum, k[i]);
            if (c > bestCos) { bestCos = c; best = i; }
        }
        if (bestCos < calibration.kind()) return null;
        if (Math.min(Embedder.dot(x, k[best]), Embedder.dot(y, k[best])) < calibration.member()) return null;
        return KINDS.get(best);
    }

    /**
     * Embeds the kinds now ({@link SemanticCache#warmUp}, before the gateway listens): about 75 short embeddings, ~0.4 s
     * on a 2-core VM, which the first pair this guard judged paid on the pool before (2026-12-07 QA).
     */
    void prepare() { kinds(); }

    private float[][] kinds() {
        float[][] k = kinds;
        if (k == null) { // once, on the pool: a race embeds them twice, the same vectors
            k = new float[KINDS.size()][];
            for (int i = 0; i < k.length; i++) k[i] = embed.apply(KINDS.get(i));
            kinds = k;
        }
        return k;
    }

    /** One word spelled two ways: at most one letter inserted, dropped or changed, in words of five letters or more. */
    static boolean spelling(String a, String b) {
        if (Math.min(a.length(), b.length()) < 5 || Math.abs(a.length() - b.length()) > 1) return false;
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) i++;
        if (a.length() == b.length()) return a.substring(i + 1).equals(b.substring(i + 1));
        return a.length() > b.length() ? a.substring(i + 1).equals(b.substring(i)) : b.substring(i + 1).equals(a.substring(i));
    }

    /** Content words by stem ({@link QuestionGuards#stem}, and "ies" as "y"), each as first written; no digits, no single letters. */
    private static Map<String, String> words(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : QuestionGuards.tokens(text)) {
            String w = t.endsWith("'s") ? t.substring(0, t.length() - 2) : t; // "what's" is "what", "python's" "python"
            if (QuestionGuards.isStop(w) || QuestionGuards.negation(t) || w.length() < 2 || w.chars().anyMatch(Character::isDigit)) continue;
            String stem = w.length() > 4 && w.endsWith("ies") ? w.substring(0, w.length() - 3) + "y" : QuestionGuards.stem(w);
            out.putIfAbsent(stem, w);
        }
        return out;
    }
}
