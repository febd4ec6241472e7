package dev.switchboard.cache.semantic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The polarity guard ({@link QuestionGuards.Verdict#POLARITY}): a word on one side whose opposite is on the other side
 * only. A negating prefix ("legal" / "illegal"), a row of opposite poles ("safe" / "dangerous", "enable" / "disable"),
 * or a phrasal verb's particle after the same word ("zoom in" / "zoom out").
 */
final class Opposites {
    private Opposites() {}

    /**
     * Negating prefixes ("illegal" / "legal", "unsafe" / "safe", "disadvantages" / "advantages", "non-smoker" /
     * "smoker"): English's un- and non-, Latin's dis- and in-, which Latin writes il- before l, im- before m, p and b,
     * ir- before r, and in- before anything else. Holding to that spelling rule is what keeps "image" (im + "age"),
     * "input" (in + "put") and "inbound" from reading as negations; a remainder shorter than 3 letters ("unit") never
     * counts, and the remainder must be a whole word of the other text ("interest" has no "terest" to oppose).
     */
    private static final List<String> NEGATING_PREFIXES = List.of("un", "non", "dis", "in", "il", "im", "ir");
    /**
     * Opposites that fill the same slot of the same question, so that the two questions embed as near-identical (0.96-0.99
     * with BGE), and whose answers are each other's reverse. Each row is two poles (a word of one on one side only and of
     * the other on the other side only turn the question around). Kept short, a few rows for each kind that turns an
     * answer around:
     * a verdict asked for by a yes/no question (safe / dangerous, true / false, good / bad: the answer flips);
     * the two ends of a ranking or range (best / worst, max / min, most / least: the other end's answer);
     * a direction of change or comparison (increase / decrease, more / less, higher / lower, better / worse);
     * an order in time (before / after: what to do before an interview is not what to do after it);
     * the two sides of a list (pros / cons: the other side's list);
     * an action and its undoing, each form of the verb (enable / disable, activate / deactivate, encrypt / decrypt,
     * import / export, upload / download, add / remove, include / exclude, open / close, start / stop, push / pull,
     * show / hide, expand / collapse, accept / reject, allow / deny, buy / sell, win / lose, upgrade / downgrade: QA,
     * 2026-12-06, "How do I enable dark mode" was served for "… disable …", BGE 0.965), and a few ends of a scale
     * (cheap / expensive, fast / slow, big / small, love / hate, upper / lower case, ascending / descending).
     * Opposites a negating prefix makes (legal / illegal, advantages / disadvantages, install / uninstall, mute / unmute)
     * need no row; the particles of a phrasal verb (zoom in / out, turn on / off, scroll up / down) are
     * {@link #PARTICLES}.
     */
    private static final List<Poles> POLES = poles(
            "safe safer safest | dangerous harmful",
            "true | false",
            "positive | negative",
            "good | bad",
            "best | worst",
            "max maximum maximal maximize maximise | min minimum minimal minimize minimise",
            "most | least",
            "increase increased increasing | decrease decreased decreasing",
            "more | less fewer",
            "high higher highest | low lower lowest",
            "better | worse",
            "before | after",
            "pros | cons",
            "enable enabled enabling | disable disabled disabling",
            "activate activated activating | deactivate deactivated deactivating",
            "encrypt encrypted encrypting encryption | decrypt decrypted decrypting decryption",
            "import imported importing | export exported exporting",
            "upload uploaded uploading | download downloaded downloading",
            "add added adding | remove removed removing delete deleted deleting",
            "include included | exclude excluded excluding",
            "open opened opening | close closed closing shut",
            "start started starting | stop stopped stopping",
            "push pushed pushing | pull pulled pulling",
            "show showed shown showing unhide | hide hid hiding",
            "expand expanded expanding | collapse collapsed collapsing",
            "accept accepted accepting | reject rejected rejecting decline declined",
            "allow allowed allowing | deny denied denying forbid forbidden ban banned prohibit prohibited",
            "buy bought buying | sell sold selling",
            "win won winning | lose lost losing",
            "gain gained gaining | lose lost losing",
            "upgrade upgraded upgrading | downgrade downgraded downgrading",
            "upvote upvoted | downvote downvoted",
            "login | logout",
            "increase increased increasing | reduce reduced reducing",
            "cheap cheaper cheapest | expensive",
            "fast faster fastest quick quicker quickest | slow slower slowest",
            "big bigger biggest large larger largest | small smaller smallest",
            "love loved | hate hated",
            "upper uppercase | lower lowercase",
            "ascending | descending");
    /**
     * The particles of a phrasal verb that turn its action around ("zoom in" / "zoom out", "turn on" / "turn off",
     * "scroll up" / "scroll down", "log in" / "log out"), counted only after the same word on both sides: on their own
     * they are prepositions ("dark mode in Windows") that no row could hold.
     */
    private static final List<String[]> PARTICLES = List.of(new String[] {"in", "out"}, new String[] {"up", "down"},
            new String[] {"on", "off"});

    /**
     * A word on one side whose opposite is on the other side only: the same word with a negating prefix ("illegal" /
     * "legal"), or one pole of a row of {@link #POLES} each ("safe" / "dangerous", "best case" / "worst case"). A text
     * that holds both words of a pair ("legal or illegal", "best and worst") is not turned around by it. Opposites are
     * not counted against each other: "least painful" / "most painless" is refused too, a miss rather than a wrong answer.
     */
    static boolean polar(List<String> a, List<String> b) {
        Set<String> wa = words(a), wb = words(b);
        if (prefixNegated(wa, wb) || prefixNegated(wb, wa)) return true;
        for (Poles p : POLES) if (opposed(wa, wb, p.one(), p.other()) || opposed(wa, wb, p.other(), p.one())) return true;
        for (String[] p : PARTICLES) {
            Set<String> ax = before(a, p[0]), ay = before(a, p[1]), bx = before(b, p[0]), by = before(b, p[1]);
            for (String w : ax) if (!ay.contains(w) && by.contains(w) && !bx.contains(w)) return true;
            for (String w : ay) if (!ax.contains(w) && bx.contains(w) && !by.contains(w)) return true;
        }
        return false;
    }

    /** The words (not function words) right before each {@code particle} in the text ("zoom" for "zoom in"). */
    private static Set<String> before(List<String> tokens, String particle) {
        Set<String> out = new HashSet<>();
        for (int i = 1; i < tokens.size(); i++) {
            String w = tokens.get(i - 1);
            if (tokens.get(i).equals(particle) && !QuestionGuards.isStop(w)) out.add(QuestionGuards.stem(w));
        }
        return out;
    }

    /** A word of {@code a} only that is a negating prefix on a word of {@code b} only. */
    private static boolean prefixNegated(Set<String> a, Set<String> b) {
        for (String w : a) {
            if (b.contains(w)) continue;
            for (String p : NEGATING_PREFIXES) {
                if (!w.startsWith(p)) continue;
                String rest = w.substring(p.length());
                if (rest.length() < 3 || !spelledAsNegation(p, rest.charAt(0))) continue;
                if (b.contains(rest) && !a.contains(rest)) return true;
            }
        }
        return false;
    }

    /** Latin's in- as it is spelled before {@code next}: il-, im-, ir- before l, m/p/b, r, and in- before the rest. */
    private static boolean spelledAsNegation(String prefix, char next) {
        return switch (prefix) {
            case "il" -> next == 'l';
            case "ir" -> next == 'r';
            case "im" -> next == 'm' || next == 'p' || next == 'b';
            case "in" -> "lmpbr".indexOf(next) < 0;
            default -> true;
        };
    }

    /** {@code a} has a word of pole {@code x} and none of {@code y}, {@code b} the other way round. */
    private static boolean opposed(Set<String> a, Set<String> b, Set<String> x, Set<String> y) {
        return !java.util.Collections.disjoint(a, x) && java.util.Collections.disjoint(a, y)
                && !java.util.Collections.disjoint(b, y) && java.util.Collections.disjoint(b, x);
    }

    /** The words of a text, crudely stemmed; "non" and the word after it are one word ("non-smoker": "nonsmoker"). */
    private static Set<String> words(List<String> tokens) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals("non") && i + 1 < tokens.size()) t = t + tokens.get(++i);
            out.add(QuestionGuards.stem(t));
        }
        return out;
    }

    /** Two opposite poles, each a few words (stemmed as the texts' words are). */
    private record Poles(Set<String> one, Set<String> other) {}

    private static List<Poles> poles(String... rows) {
        List<Poles> out = new ArrayList<>();
        for (String row : rows) {
            String[] sides = row.split("\\|");
            out.add(new Poles(stems(sides[0]), stems(sides[1])));
        }
        return List.copyOf(out);
    }

    private static Set<String> stems(String words) {
        Set<String> out = new HashSet<>();
        for (String w : words.trim().split(" +")) out.add(QuestionGuards.stem(w));
        return Set.copyOf(out);
    }
}
