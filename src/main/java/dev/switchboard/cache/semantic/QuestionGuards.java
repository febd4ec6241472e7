package dev.switchboard.cache.semantic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cheap checks that refuse a semantic match the embedding cannot see through. Sentence embeddings are nearly blind to
 * the details that make two close questions different: a number ("2-month" / "6 month", "H2" / "H2S"), a negation
 * ("can do" / "cannot do"), a swapped pair of roles ("benzene into toluene" / "toluene into benzene", "% of terrorists
 * are Muslim" / "% of Muslims are terrorists"), and a swapped name ("near Crawford County" / "near Jefferson County").
 * Each check looks only at the two texts, in microseconds; what each buys on QQP is in the README.
 */
public final class QuestionGuards {
    /** Which guard refused a pair, or {@link #PASS}. */
    public enum Verdict { PASS, NUMBER, NEGATION, ROLE_SWAP, NAME }

    /** Which guards run; all by default ({@code cache eval} switches them one by one to show what each adds). */
    public record Enabled(boolean numbers, boolean negation, boolean roleSwap, boolean names) {
        public static final Enabled ALL = new Enabled(true, true, true, true);
        public static final Enabled NONE = new Enabled(false, false, false, false);
    }

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}$%]+(?:['’][\\p{L}]+)?");
    private static final Pattern HAS_DIGIT = Pattern.compile(".*\\p{N}.*");
    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "cannot", "can't", "cant", "without", "nobody",
            "nothing", "neither", "nor", "none", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't",
            "wouldn't", "shouldn't", "couldn't", "haven't", "hasn't", "hadn't", "dont", "doesnt", "didnt", "isnt", "arent", "wont");
    /** Words that make the order of their two sides matter ("into", "than", "against"; not "and", "or"). */
    private static final Set<String> ASYMMETRIC = Set.of("into", "to", "from", "of", "than", "against", "by", "over", "for",
            "are", "is", "vs", "versus", "beat", "beats", "defeat", "defeats", "love", "loves", "hate", "hates");
    /** Number words as digits, so "two-way" and "2-way" agree; "one" and "second" are left out (a pronoun, a unit). */
    private static final java.util.Map<String, String> NUMBER_WORDS = java.util.Map.ofEntries(java.util.Map.entry("zero", "0"),
            java.util.Map.entry("two", "2"), java.util.Map.entry("three", "3"), java.util.Map.entry("four", "4"),
            java.util.Map.entry("five", "5"), java.util.Map.entry("six", "6"), java.util.Map.entry("seven", "7"),
            java.util.Map.entry("eight", "8"), java.util.Map.entry("nine", "9"), java.util.Map.entry("ten", "10"),
            java.util.Map.entry("eleven", "11"), java.util.Map.entry("twelve", "12"), java.util.Map.entry("twenty", "20"),
            java.util.Map.entry("hundred", "100"), java.util.Map.entry("thousand", "1000"), java.util.Map.entry("million", "1000000"),
            java.util.Map.entry("billion", "1000000000"), java.util.Map.entry("third", "3rd"), java.util.Map.entry("half", "1/2"));
    private static final Set<String> STOP = Set.of("a", "an", "the", "what", "which", "who", "whom", "how", "why", "when",
            "where", "do", "does", "did", "i", "me", "my", "you", "your", "we", "our", "it", "its", "in", "on", "at", "with",
            "and", "or", "be", "been", "can", "could", "should", "would", "will", "some", "any", "that", "this", "there",
            "get", "best", "way", "ways", "good", "is", "are", "was", "were", "to", "of", "for", "from", "by", "as", "if",
            "about", "so", "much", "many", "most", "more", "one", "someone", "people", "person", "have", "has", "had");

    private final Enabled enabled;

    public QuestionGuards(Enabled enabled) { this.enabled = enabled; }

    public static QuestionGuards all() { return new QuestionGuards(Enabled.ALL); }

    /** Whether {@code cached} and {@code asked} may be the same question as far as the guards can tell. */
    public Verdict check(String cached, String asked) {
        List<String> a = tokens(cached), b = tokens(asked);
        if (enabled.numbers() && !numbers(a).equals(numbers(b))) return Verdict.NUMBER;
        if (enabled.negation() && negations(a) % 2 != negations(b) % 2) return Verdict.NEGATION;
        if (enabled.roleSwap() && swapped(a, b)) return Verdict.ROLE_SWAP;
        if (enabled.names() && nameSwapped(cached, asked)) return Verdict.NAME;
        return Verdict.PASS;
    }

    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(s.toLowerCase(Locale.ROOT).replace('’', '\''));
        while (m.find()) out.add(m.group());
        return out;
    }

    /** Tokens that carry a quantity or a formula: digits anywhere ("h2s", "2-month" → "2", "$100"), or number words. */
    private static Set<String> numbers(List<String> tokens) {
        Set<String> out = new HashSet<>();
        for (String t : tokens) {
            if (HAS_DIGIT.matcher(t).matches()) out.add(t.replace("$", ""));
            else if (NUMBER_WORDS.containsKey(t)) out.add(NUMBER_WORDS.get(t));
        }
        return out;
    }

    private static int negations(List<String> tokens) {
        int n = 0;
        for (String t : tokens) if (NEGATIONS.contains(t) || t.endsWith("n't")) n++;
        return n;
    }

    /**
     * Two content words both texts share, in one order in the first and the other order in the second, with a word
     * that makes order matter between them in both: "benzene into toluene" / "toluene into benzene".
     */
    private static boolean swapped(List<String> a, List<String> b) {
        List<String> ca = content(a), cb = content(b);
        for (int i = 0; i < ca.size(); i++) {
            for (int j = i + 1; j < ca.size(); j++) {
                String x = ca.get(i), y = ca.get(j);
                if (x.equals(y)) continue;
                int bx = cb.indexOf(x), by = cb.indexOf(y);
                if (bx < 0 || by < 0 || bx < by) continue;
                if (asymmetricBetween(a, x, y) && asymmetricBetween(b, y, x)) return true;
            }
        }
        return false;
    }

    private static boolean asymmetricBetween(List<String> tokens, String first, String second) {
        int i = indexOfStem(tokens, first), j = indexOfStem(tokens, second);
        if (i < 0 || j <= i) return false;
        for (int k = i + 1; k < j; k++) if (ASYMMETRIC.contains(tokens.get(k))) return true;
        return false;
    }

    private static int indexOfStem(List<String> tokens, String stem) {
        for (int i = 0; i < tokens.size(); i++) if (stem(tokens.get(i)).equals(stem)) return i;
        return -1;
    }

    /** Content words, crudely stemmed (plural s, possessive 's), so "Muslims" and "Muslim" are one word. */
    private static List<String> content(List<String> tokens) {
        List<String> out = new ArrayList<>();
        for (String t : tokens) if (!STOP.contains(t) && !NEGATIONS.contains(t)) out.add(stem(t));
        return out;
    }

    static String stem(String t) {
        if (t.endsWith("'s")) t = t.substring(0, t.length() - 2);
        if (t.length() > 3 && t.endsWith("s") && !t.endsWith("ss")) t = t.substring(0, t.length() - 1);
        return t;
    }

    /**
     * A capitalised word (not the first of its sentence) that only one text has, while the other has one of its own in
     * its place: a different county, city, breed or product ("near Crawford County" / "near Jefferson County").
     */
    private static boolean nameSwapped(String a, String b) {
        Set<String> na = names(a), nb = names(b);
        Set<String> la = lower(a), lb = lower(b);
        boolean aOnly = false, bOnly = false;
        for (String n : na) if (!lb.contains(n)) { aOnly = true; break; }
        for (String n : nb) if (!la.contains(n)) { bOnly = true; break; }
        return aOnly && bOnly;
    }

    private static Set<String> names(String s) {
        Set<String> out = new HashSet<>();
        Matcher m = TOKEN.matcher(s);
        boolean sentenceStart = true;
        int last = 0;
        while (m.find()) {
            String between = s.substring(last, m.start());
            if (between.contains(".") || between.contains("?") || between.contains("!")) sentenceStart = true;
            String t = m.group();
            if (!sentenceStart && Character.isUpperCase(t.charAt(0)) && !t.equals("I") && !t.startsWith("I'")) {
                out.add(stem(t.toLowerCase(Locale.ROOT)));
            }
            sentenceStart = false;
            last = m.end();
        }
        return out;
    }

    private static Set<String> lower(String s) {
        Set<String> out = new HashSet<>();
        for (String t : tokens(s)) out.add(stem(t));
        return out;
    }
}
