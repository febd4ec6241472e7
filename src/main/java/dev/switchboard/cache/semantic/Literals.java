package dev.switchboard.cache.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exact strings a question is about: a fenced code block, inline code, quoted text, and a token that reads as code
 * or an address ({@code john.doe@example.com}, {@code f(x):}, {@code {"a":1,"b":2}}, {@code reverse=True}). A question about
 * such a string ("Is this JSON valid: …", "Is 'racecar' a palindrome?", "Is this sentence grammatical: 'He go to
 * school'") has another answer when one character of it changes, and the embedding barely moves (BGE 0.98-0.996: QA,
 * 2026-12-06). So each literal of one question must stand, character for character, in the other: as a literal
 * there, or in its plain text when the other question does not quote it ("What does 'carpe diem' mean?" / "What is the
 * meaning of carpe diem?" still match). Quoted prose is compared as its words, case, punctuation and spacing aside
 * ("'Racecar'" / "'racecar'", "roll no.1" / "roll no. 1"); code and tokens with symbols as written, but for whitespace
 * runs, spaces around an operator and after a separator ("f(x) = sin(x)" / "f(x) =sin(x)", {@code {"a": 1}} /
 * {@code {"a":1}}). A sure refusal ({@link QuestionGuards.Verdict#LITERAL}). Its cost on QQP, where quotes mostly name
 * a notion rather than ask about a string: a paraphrased quotation is refused ("Elon Musk's ""we live in a simulation""
 * theory" / "… “we are living in a simulation”", a labelled duplicate at 0.974), see the README.
 */
final class Literals {
    private Literals() {}

    private static final Pattern FENCED = Pattern.compile("```[\\w+-]*\\n?(.*?)```", Pattern.DOTALL);
    private static final Pattern INLINE = Pattern.compile("`([^`\\n]+)`");
    /** Double quotes, straight or curly, paired in order. */
    private static final Pattern DOUBLE = Pattern.compile("[\"“”]([^\"“”\\n]{1,400})[\"“”]");
    /**
     * Single quotes: opening after the start, a space or an opening bracket and before a non-space; closing after a
     * non-space and before the end, a space or punctuation, so that the apostrophes of "They're", "What's" and
     * "students' books" (no opening quote before it) are not quotes.
     */
    private static final Pattern SINGLE = Pattern.compile("(?<=^|[\\s(\\[{:])['‘](\\S(?:[^\\n]{0,398}?\\S)?)['’](?=$|[\\s.,;:!?)\\]}])");
    /**
     * A token that reads as code or an address: one of {@code @ { } [ ] < > = \\ | ^ ~}, a call's parenthesis right
     * after a name ({@code f(x)}, {@code sorted(}), or {@code . : _ +} between two letters or digits where the sides are
     * words of two characters or more ({@code john.doe}, {@code os.path}, {@code std::vector}, {@code snake_case},
     * {@code x+y}). Prose: abbreviations ("U.S.", "e.g."), "and/or", a full stop with no space after it before a capital
     * ("girlfriend.What should I do?"), and a site's name ("Is unifunds.com legit?" / "Is unifunds legit?" is one
     * question to QQP's people; an address with an {@code @} is still code).
     */
    private static final Pattern CODE_CHAR = Pattern.compile("[@{}\\[\\]<>=\\\\|^~]|[\\p{L}\\p{N}_]\\(|[\\p{L}\\p{N}]{2}(?:[:_+]+|\\.(?!\\p{Lu}))[\\p{L}\\p{N}]{2}");
    private static final Pattern SITE = Pattern.compile("[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.(?:com|org|net|edu|gov|io|in|co|uk|us|info)");
    /** Spaces around an operator, which code writes either way ("f(x) = sin(x)" / "f(x) =sin(x)"). */
    private static final Pattern OPERATOR_SPACE = Pattern.compile("\\s*([=+*/<>^|~-])\\s*");
    /** Spaces after a separator that follows code, not a word ({@code {"a": 1, "b": 2}}, {@code f(x): return}). */
    private static final Pattern SEPARATOR_SPACE = Pattern.compile("(?<=[^\\p{L}\\s])([,:;]) +");
    /** A token in quotes ("'john.doe@example.com'"), which are not part of it. */
    private static final Pattern QUOTED = Pattern.compile("^['\"](.*?)['\"]?[.,?!;]*$");
    /** Sentence punctuation that ends a token without being part of it. */
    private static final Pattern TRAILING = Pattern.compile("[.,?!;]+$");

    /** One exact string a text is about: its text, and whether it is prose (quoted) rather than code. */
    record Literal(String text, boolean prose) {}

    /** The literals of {@code text}: code blocks, inline code, code-like tokens outside them, then quoted text. */
    static List<Literal> of(String text) {
        List<Literal> out = new ArrayList<>();
        StringBuilder rest = new StringBuilder(normalizeQuotes(text));
        take(rest, FENCED, false, out);
        take(rest, INLINE, false, out);
        for (String token : tight(rest.toString()).split(" ")) { // quotes are part of code ({"a":1}): tokens first
            String t = TRAILING.matcher(QUOTED.matcher(token).replaceAll("$1")).replaceAll("");
            if (t.isEmpty() || !CODE_CHAR.matcher(t).find() || t.indexOf('@') < 0 && SITE.matcher(t).matches()) continue;
            out.add(new Literal(t, false));
        }
        take(rest, DOUBLE, true, out);
        take(rest, SINGLE, true, out);
        return out;
    }

    /**
     * Each literal of either text stands in the other (see the class comment); false when one is missing, which makes
     * the two texts two questions.
     */
    static boolean agree(String a, String b) {
        List<Literal> la = of(a), lb = of(b);
        if (la.isEmpty() && lb.isEmpty()) return true;
        return allIn(la, b) && allIn(lb, a);
    }

    private static boolean allIn(List<Literal> literals, String other) {
        String words = null, code = null;
        for (Literal l : literals) {
            if (l.prose()) {
                String needle = words(l.text());
                if (needle.isBlank()) continue;
                if (words == null) words = " " + words(other) + " ";
                if (!words.contains(" " + needle + " ")) return false;
            } else {
                String needle = tight(l.text());
                if (needle.isEmpty()) continue;
                if (code == null) code = tight(normalizeQuotes(other));
                if (!occurs(code, needle)) return false;
            }
        }
        return true;
    }

    /** {@code needle} in {@code hay}, not as a part of a longer word ({@code f(x)} is not in {@code gf(x)}). */
    private static boolean occurs(String hay, String needle) {
        for (int i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
            int end = i + needle.length();
            boolean startOk = i == 0 || !word(needle.charAt(0)) || !word(hay.charAt(i - 1));
            boolean endOk = end == hay.length() || !word(needle.charAt(needle.length() - 1)) || !word(hay.charAt(end));
            if (startOk && endOk) return true;
        }
        return false;
    }

    private static boolean word(char c) { return Character.isLetterOrDigit(c) || c == '_'; }

    /**
     * Quoted prose as its words: lower case, any run of other characters one space ("roll no.1" / "roll no. 1", "Racecar"
     * / "racecar"); "racecar" is still not "racecars", nor "Their going" "They're going".
     */
    private static String words(String s) {
        return s.toLowerCase(Locale.ROOT).replace('’', '\'').replaceAll("[^\\p{L}\\p{N}']+", " ").replace("'", " ' ").replaceAll(" +", " ").trim();
    }

    /**
     * Code as written, but with whitespace runs as one space, none around an operator nor after a separator that follows
     * code; curly quotes straight.
     */
    private static String tight(String s) {
        String flat = s.replace('‘', '\'').replace('’', '\'').replace('“', '"').replace('”', '"').replaceAll("\\s+", " ").trim();
        return SEPARATOR_SPACE.matcher(OPERATOR_SPACE.matcher(flat).replaceAll("$1")).replaceAll("$1");
    }

    private static void take(StringBuilder text, Pattern p, boolean prose, List<Literal> out) {
        Matcher m = p.matcher(text);
        StringBuilder kept = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.add(new Literal(m.group(1), prose));
            kept.append(text, last, m.start()).append(' ');
            last = m.end();
        }
        kept.append(text, last, text.length());
        text.setLength(0);
        text.append(kept);
    }

    /** Curly apostrophes as straight ones inside words, so "They’re" and "They're" agree. */
    private static String normalizeQuotes(String s) {
        return s.replaceAll("(?<=\\p{L})’(?=\\p{L})", "'");
    }
}
