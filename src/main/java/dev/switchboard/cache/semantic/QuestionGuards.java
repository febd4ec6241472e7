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
 * ("can do" / "cannot do"), a word turned into its opposite ("legal" / "illegal", "safe" / "dangerous", "best case" /
 * "worst case"), a swapped pair of roles ("benzene into toluene" / "toluene into benzene", "% of terrorists are
 * Muslim" / "% of Muslims are terrorists"), a swapped name ("near Crawford County" / "near Jefferson County"), an
 * instruction about the answer's length or form ("in one word" / "in one sentence", "briefly" / "in detail"), an exact
 * string the question is about, quoted or written as code ("'racecar'" / "'racecars'", a JSON snippet with and without
 * a trailing comma: {@link Literals}), an action and its undoing ("enable" / "disable", "zoom in" / "zoom out"), and a
 * participant in another role by the grammar ("Who killed Abel?" / "Who did Abel kill?", "Did Alice pay Bob?" / "Was
 * Alice paid by Bob?": {@link RoleSwaps}), and a lowercase word replaced by another of its kind ("… in python" / "… in
 * javascript": {@link WordSwaps}, a doubt).
 * Each check but the last looks only at the two texts, in microseconds; the word-swap guard embeds the two words
 * ({@link #checkWords}). What each buys on QQP is in the README.
 */
public final class QuestionGuards {
    /**
     * Which guard refused a pair, or {@link #PASS}. The first seven are sure: the pair is two questions, a miss whatever
     * the similarity. {@link #ORDER}, {@link #TENSE} and {@link #SWAP} are doubts: the pair is often two questions ("Alice
     * owes Bob" / "Bob owes Alice", "Who is the CEO" / "Who was the CEO", "… in python" / "… in javascript") but not
     * always, so it is not served on similarity alone: verified when a verifier is configured, else a miss
     * ({@link #doubtful()}).
     */
    public enum Verdict {
        PASS, NUMBER, NEGATION, POLARITY, ROLE_SWAP, NAME, FORMAT, LITERAL, ORDER, TENSE, SWAP;

        /** Not a sure refusal: verification may still confirm the pair (without a verifier it is a miss). */
        public boolean doubtful() { return this == ORDER || this == TENSE || this == SWAP; }
    }

    /**
     * Which guards run; all by default ({@code cache eval} switches them one by one to show what each adds).
     * {@code swaps} is {@link WordSwaps}' ({@link #checkWords}), which also needs the embedder ({@link #withWords}).
     */
    public record Enabled(boolean numbers, boolean negation, boolean roleSwap, boolean names, boolean polarity,
                          boolean format, boolean literals, boolean order, boolean tense, boolean swaps) {
        public static final Enabled ALL = new Enabled(true, true, true, true, true, true, true, true, true, true);
        public static final Enabled NONE = new Enabled(false, false, false, false, false, false, false, false, false, false);
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

    /**
     * Instructions about the answer's length or form, as a small table of classes: a request's instructions are the set
     * of classes its text names, and two requests whose sets differ (one has none, or another) ask for another answer,
     * however close their questions embed. QA (medium): "Answer in one word: what color is the sky?" was served for
     * "… in one sentence" (BGE 0.981) and "… in one paragraph" (0.968), "Explain photosynthesis briefly" for "… in detail"
     * (0.960), "Give me a short answer" for "… a long answer" (0.965): an answer of the wrong length or form. Wordings
     * of one class match each other ("in one word" / "in a single word" / "one-word answer", "briefly" / "concisely" /
     * "in a few words"). The patterns hold to instruction phrasings ("in one sentence", "short answer", "as a table"), not
     * to the words alone: "a short story", "a long time", "use 'ubiquitous' in a sentence", "a row in a table" are
     * content, not instructions. Run over the text lowercased, with hyphens as spaces ("one-word", "step-by-step").
     */
    private static final List<Instruction> INSTRUCTIONS = List.of(
            new Instruction("brief", "\\bbriefly\\b|\\bconcisely\\b|\\bsuccinctly\\b|\\bin brief\\b|\\bin short(?=\\s*(?:[,.;:!?)]|$))"
                    + "|\\bin a nutshell\\b|\\btl ?;? ?dr\\b|\\bshort and sweet\\b|\\bin (?:a )?few words\\b"
                    + "|\\b(?:keep it|make it|be) (?:short|brief|concise|succinct)\\b"
                    + "|\\b(?:brief|concise|succinct) (?:answer|response|reply|explanation|summary|version|description|overview)s?\\b"
                    + "|\\b(?:an?|the|your) (?:short|shorter|quick) (?:answer|response|reply|explanation|summary|version|description|"
                    + "overview)\\b(?! questions?)"),
            new Instruction("detailed", "\\bin (?:great |greater |more |full |fuller |much |some )?detail\\b|\\bin depth\\b|\\bat length\\b"
                    + "|\\belaborate on\\b|\\b(?:be|as) (?:very |more )?(?:detailed|thorough)\\b"
                    + "|\\b(?:detailed|thorough|comprehensive|elaborate|exhaustive|in depth|extensive) (?:answer|response|reply|"
                    + "explanation|description|overview|summary|version)s?\\b"
                    + "|\\b(?:an?|the|your) (?:long|longer|lengthy) (?:answer|response|reply|explanation|description|version)\\b"
                    + "(?! questions?)"
                    + "|\\bexplain(?:ed)? (?:\\w+ )?(?:thoroughly|comprehensively|exhaustively)\\b"),
            new Instruction("step by step", "\\bstep by step\\b"),
            new Instruction("simple", "\\beli5\\b|\\blike i'?m (?:five|5|a child|a kid|a 5 year old|a five year old)\\b"
                    + "|\\b(?:to|for) an? (?:five|5) year old\\b|\\bin (?:simple|simpler|plain|layman'?s?|lay|easy) (?:terms|words|english|"
                    + "language)\\b"),
            new Instruction("bullet points", "\\bbullet(?:ed)? (?:points?|list|form)\\b|\\b(?:as|in|with|using) bullets\\b"),
            new Instruction("list", "\\bas an? (?:numbered |ordered )?list\\b(?! of)|\\bin (?:a )?(?:numbered |ordered )?list (?:form|format)\\b"
                    + "|\\bin the form of a list\\b|\\bnumbered list\\b"),
            new Instruction("table", "\\bas a table\\b|\\bin (?:a )?table (?:form|format)\\b|\\bin the form of a table\\b"
                    + "|\\bin (?:a )?tabular (?:form|format)\\b"));
    /**
     * A machine format asked for: "answer in JSON", "reply as YAML", "output … as CSV", "in Markdown format". Only with a
     * verb that asks for the answer, or "format" after it: "How do I insert a comment in Markdown?" is about Markdown.
     */
    private static final Pattern FORMATTED = Pattern.compile("\\b(?:answer|respond|reply|output|return|format|write|give|print|show|"
            + "present|put|provide|list)\\b[^.?!:]{0,30}?\\b(?:in|as) (?:a |an )?(json|yaml|markdown|csv|xml|html|table|list)\\b(?! of)"
            + "|\\b(?:in|as) (json|yaml|markdown|csv|xml|html) format\\b");
    /** How many: "one" / "a" / "a single" / "1" are one; "a few" is {@link #INSTRUCTIONS}' brief. */
    private static final String COUNT = "\\d+|one|a single|single|just one|only one|an?|two|three|four|five|six|seven|eight|nine|ten|"
            + "eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|a couple of|couple of";
    private static final String UNIT = "(word|sentence|paragraph|line|page|bullet point|bullet|point)s?";
    /**
     * An answer's length counted in a unit: "in one word", "in a single sentence", "within 100 words", "in 3 bullet
     * points", and "one-word answer", "500-word essay", "two paragraphs long", "one-liner". The class is the unit and the
     * count ("len word 1"), so "one word" and "one sentence" differ where the number guard sees the same "one"; a line
     * is a sentence ("in one line" / "in one sentence").
     */
    private static final Pattern COUNTED = Pattern.compile("\\b(?:in|within|under|using|at most|max|maximum|no more than|not more "
            + "than|less than|fewer than|about|around|approximately)\\s+(?:just |only |exactly )?(" + COUNT + ")\\s+" + UNIT + "\\b"
            + "|\\b(" + COUNT + ")\\s+" + UNIT + "\\s+(?:or less|or fewer|max|maximum|at most|answer|response|reply|summary|"
            + "explanation|description|essay|overview|definition|long|limit)\\b");
    private static final Pattern ONE_LINER = Pattern.compile("\\bone liners?\\b");
    /** A sentence that is the subject, not the answer's length: "use 'ubiquitous' in a sentence", "the meaning … in a sentence". */
    private static final Pattern WORDS_IN_A_SENTENCE = Pattern.compile("\\b(?:use|using|used|uses|meaning|example|examples|word|words)\\b"
            + "[^.?!]{0,40}?\\bin (?:a|one) sentences?\\b");
    private static final java.util.Map<String, String> COUNT_WORDS = java.util.Map.ofEntries(java.util.Map.entry("one", "1"),
            java.util.Map.entry("a single", "1"), java.util.Map.entry("single", "1"), java.util.Map.entry("just one", "1"),
            java.util.Map.entry("only one", "1"), java.util.Map.entry("a", "1"), java.util.Map.entry("an", "1"),
            java.util.Map.entry("a couple of", "2"), java.util.Map.entry("couple of", "2"), java.util.Map.entry("fifteen", "15"),
            java.util.Map.entry("thirty", "30"), java.util.Map.entry("forty", "40"), java.util.Map.entry("fifty", "50"));

    /** One row of {@link #INSTRUCTIONS}: a class and the wordings that name it. */
    private record Instruction(String name, Pattern pattern) {
        Instruction(String name, String regex) { this(name, Pattern.compile(regex)); }
    }

    private final Enabled enabled;
    /** The word-swap guard with its embedder and thresholds, or null: {@link #checkWords} passes everything. */
    private final WordSwaps words;

    public QuestionGuards(Enabled enabled) { this(enabled, null); }

    private QuestionGuards(Enabled enabled, WordSwaps words) {
        this.enabled = enabled;
        this.words = words;
    }

    public static QuestionGuards all() { return new QuestionGuards(Enabled.ALL); }

    /**
     * These guards with the word-swap guard given its embedder: {@code embed} turns a text into a unit vector, and
     * {@code calibration} is the embedder's ({@link Embedder#wordSwaps}); null (an uncalibrated embedder): the guard
     * stays off.
     */
    public QuestionGuards withWords(java.util.function.Function<String, float[]> embed, WordSwaps.Calibration calibration) {
        return new QuestionGuards(enabled, calibration == null ? null : new WordSwaps(embed, calibration));
    }

    /**
     * The word-swap guard ({@link WordSwaps}): {@link Verdict#SWAP} when the texts differ by a content word replaced by
     * another member of its kind, else {@link Verdict#PASS} (also when it is off). Apart from {@link #check} because it
     * embeds the two words: asked only for a pair {@link #check} passed and that would be served or verified, on the
     * cache's pool.
     */
    public Verdict checkWords(String cached, String asked) {
        if (!enabled.swaps() || words == null) return Verdict.PASS;
        return words.replaced(cached, asked) ? Verdict.SWAP : Verdict.PASS;
    }

    /** Embeds what the word-swap guard needs once (its kinds), when it is on; blocks: the warm-up calls it on the pool. */
    void prepareWords() {
        if (enabled.swaps() && words != null) words.prepare();
    }

    /** Whether {@code cached} and {@code asked} may be the same question as far as the guards can tell. */
    public Verdict check(String cached, String asked) {
        List<String> a = tokens(cached), b = tokens(asked);
        if (enabled.numbers() && !numbers(a).equals(numbers(b))) return Verdict.NUMBER; // as sequences: order and repeats count
        if (enabled.negation() && negations(a) % 2 != negations(b) % 2) return Verdict.NEGATION;
        if (enabled.polarity() && Opposites.polar(a, b)) return Verdict.POLARITY;
        if (enabled.roleSwap() && swapped(a, b)) return Verdict.ROLE_SWAP;
        if (enabled.names() && nameSwapped(cached, asked)) return Verdict.NAME;
        if (enabled.format() && !instructions(cached).equals(instructions(asked))) return Verdict.FORMAT;
        if (enabled.literals() && !Literals.agree(cached, asked)) return Verdict.LITERAL;
        // the doubts last: a pair a sure guard refuses is never sent to verification
        if (enabled.order() && (reordered(a, b) || RoleSwaps.swapped(a, b))) return Verdict.ORDER;
        if (enabled.tense() && tenseDiffers(a, b)) return Verdict.TENSE;
        return Verdict.PASS;
    }

    /**
     * The classes of {@link #INSTRUCTIONS} a text names, and its counted lengths ({@link #COUNTED}: "len word 1"); empty
     * for a text that gives no instruction about its answer's length or form.
     */
    static Set<String> instructions(String text) {
        String t = text.toLowerCase(Locale.ROOT).replace('’', '\'').replaceAll("(?<=[\\p{L}\\p{N}])-(?=[\\p{L}\\p{N}])", " ")
                .replaceAll("\\s+", " ");
        t = WORDS_IN_A_SENTENCE.matcher(t).replaceAll(" ");
        Set<String> out = new java.util.TreeSet<>();
        for (Instruction i : INSTRUCTIONS) if (i.pattern().matcher(t).find()) out.add(i.name());
        Matcher f = FORMATTED.matcher(t);
        while (f.find()) {
            String form = f.group(1) != null ? f.group(1) : f.group(2);
            out.add(form.equals("list") || form.equals("table") ? form : "format " + form);
        }
        Matcher m = COUNTED.matcher(t);
        while (m.find()) {
            boolean first = m.group(1) != null;
            String count = first ? m.group(1) : m.group(3), unit = first ? m.group(2) : m.group(4);
            // "in a line", "in a point": a place, not a length ("in one line" / "in a single line" are lengths)
            if ((count.equals("a") || count.equals("an")) && (unit.equals("line") || unit.equals("point") || unit.equals("page"))) continue;
            count = COUNT_WORDS.getOrDefault(count, NUMBER_WORDS.getOrDefault(count, count));
            unit = switch (unit) {
                case "line" -> "sentence";
                case "bullet", "point" -> "bullet point";
                default -> unit;
            };
            out.add("len " + unit + " " + count);
        }
        if (ONE_LINER.matcher(t).find()) out.add("len sentence 1");
        return out;
    }

    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(s.toLowerCase(Locale.ROOT).replace('’', '\''));
        while (m.find()) out.add(m.group());
        return out;
    }

    /**
     * Tokens that carry a quantity or a formula: digits anywhere ("h2s", "2-month" → "2", "$100"), or number words; in
     * the order the text has them, repeats kept. A set would make "2 + 2 + 3" and "2 + 3 + 3" (8 and 7), "[1, 2, 3]"
     * and "[3, 2, 1]" (a list and its reverse) one question, and they embed at 0.98-0.99 (QA: they were served each
     * other's answers). A paraphrase that reorders its numbers ("3 and 5" / "5 and 3") becomes a miss: a miss costs a
     * provider call, a wrong answer costs the user's trust.
     */
    static List<String> numbers(List<String> tokens) {
        List<String> out = new ArrayList<>();
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

    /** A function word, which says nothing of what a question is about ({@link RoleSwaps} asks). */
    static boolean isStop(String w) { return STOP.contains(w); }

    /** A negating word ("not", "never", "without"): the negation guard's, not a content word ({@link WordSwaps} asks). */
    static boolean negation(String w) { return NEGATIONS.contains(w); }


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

    /** Words that join two words without giving them roles ("Java or Python", "crocodile and alligator"). */
    private static final Set<String> COORDINATORS = Set.of("and", "or", "nor", "vs", "versus");

    /**
     * The same participants in other roles, whatever the verb: "Alice owes Bob" / "Bob owes Alice", "Did Alice pay Bob?"
     * / "Did Bob pay Alice?", "Mike hired Sarah" / "Sarah hired Mike" (BGE: 0.986-0.995). {@link #swapped} knows only
     * the words of {@link #ASYMMETRIC}, and no list can hold every verb that gives its two sides roles. So the pattern
     * itself: two content words that both texts have, "x … y" in one and "y … x" in the other, with the same content
     * words between them in both (the verb, "owes"; "like introvert" in "guys like introvert girls"), and no coordinator
     * there: "distilled water and purified water" / "purified water and distilled water" still match. A paraphrase
     * rarely keeps both the words and what stands between them while swapping their sides; but "India's relationship
     * with Bangladesh" / "Bangladesh's relationship with India" is one question to some, so this is a doubt
     * ({@link Verdict#ORDER}), not a refusal.
     */
    static boolean reordered(List<String> a, List<String> b) {
        List<String> ca = content(a), cb = content(b);
        if (ca.size() < 3 || ca.equals(cb)) return false;
        for (int i = 0; i < ca.size(); i++) {
            for (int j = i + 2; j < ca.size(); j++) { // at least one content word between them
                String x = ca.get(i), y = ca.get(j);
                if (x.equals(y) || ca.indexOf(x) != i || ca.indexOf(y) != j) continue; // each word by its first place
                int bx = cb.indexOf(x), by = cb.indexOf(y);
                if (bx < 0 || by < 0 || bx - by < 2) continue; // the other order, with something between, in the second
                if (ca.subList(i + 1, j).equals(cb.subList(by + 1, bx)) && !coordinated(a, x, y) && !coordinated(b, y, x)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A coordinator between the first {@code x} and the {@code y} after it. */
    private static boolean coordinated(List<String> tokens, String x, String y) {
        int i = indexOfStem(tokens, x);
        if (i < 0) return false;
        for (int k = i + 1; k < tokens.size(); k++) {
            String t = tokens.get(k);
            if (COORDINATORS.contains(t)) return true;
            if (stem(t).equals(y)) return false;
        }
        return false;
    }

    private static final int NO_TENSE = 0, PRESENT = 1, PAST = 2, FUTURE = 3;
    private static final Set<String> PRESENT_AUX = Set.of("is", "are", "am", "do", "does", "has", "have", "isn't", "aren't",
            "don't", "doesn't", "hasn't", "haven't", "isnt", "arent", "dont", "doesnt", "what's", "who's", "where's", "how's",
            "it's", "that's", "there's", "when's", "why's", "i'm");
    private static final Set<String> PAST_AUX = Set.of("was", "were", "did", "had", "wasn't", "weren't", "didn't", "hadn't",
            "wasnt", "werent", "didnt", "hadnt");
    private static final Set<String> FUTURE_AUX = Set.of("will", "shall", "won't", "wont", "shan't");
    /** Modals: no tense of their own ("How can I" / "How do I" is one question), and they end the search. */
    private static final Set<String> MODALS = Set.of("can", "could", "should", "would", "may", "might", "must", "can't",
            "cannot", "couldn't", "shouldn't", "wouldn't", "cant");

    /**
     * The tense of a text's first auxiliary: the question's own ("Who is/was the CEO", "What will be", "How did/does"),
     * not a relative clause's further on ("a woman who doesn't / didn't want children" is the same question). Only
     * auxiliaries count: a main verb's tense would need a lexicon ("Who invented" / "Who invents" is not seen).
     */
    static int tense(List<String> tokens) {
        for (String w : tokens) {
            if (PRESENT_AUX.contains(w) || w.endsWith("'re") || w.endsWith("'ve")) return PRESENT;
            if (PAST_AUX.contains(w)) return PAST;
            if (FUTURE_AUX.contains(w) || w.endsWith("'ll")) return FUTURE;
            if (MODALS.contains(w)) return NO_TENSE;
        }
        return NO_TENSE;
    }

    /**
     * Two questions whose auxiliaries put them in different times: "Who is the CEO of Microsoft?" / "Who was the CEO of
     * Microsoft?" (BGE 0.967) have different answers, and so may "What is" / "What will be", "How do" / "How did",
     * "has" / "had". But as often they are one question ("What are the funniest memes of 2016?" / "What was …", "How
     * long will it take" / "does it take"), so this is a doubt ({@link Verdict#TENSE}). A text with no auxiliary, or a
     * modal first, has no tense to compare, and a dated one's time is its date's.
     */
    static boolean tenseDiffers(List<String> a, List<String> b) {
        int ta = tense(a), tb = tense(b);
        return ta != NO_TENSE && tb != NO_TENSE && ta != tb && !dated(a);
    }

    private static final Pattern YEAR = Pattern.compile("(1[0-9]|20)[0-9]{2}s?");

    /**
     * A year in the text ("the funniest memes of 2016", "the Russian Revolution of 1917"): it says when the question is
     * about, whatever tense its verb is in ("What are" / "What were the effects of the revolution of 1917"). Asked
     * only once the number guard has passed, so the other text has the same year.
     */
    private static boolean dated(List<String> tokens) {
        for (String t : tokens) if (YEAR.matcher(t).matches()) return true;
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
    static List<String> content(List<String> tokens) {
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
