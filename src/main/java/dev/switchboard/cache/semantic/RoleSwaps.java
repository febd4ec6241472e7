package dev.switchboard.cache.semantic;

import java.util.List;
import java.util.Set;

/**
 * Two questions with the same words whose participants trade roles through the grammar rather than the word order the
 * other role checks look at: the wh-word's role ("Who killed Abel?" asks for the killer, "Who did Abel kill?" for the
 * victim; BGE 0.990), the voice ("Did Alice pay Bob?" / "Was Alice paid by Bob?", 0.973), and a relation read one way
 * or the other ("Who is Harry Potter's godfather?" / "Who is Harry Potter the godfather of?", 0.963). Each check aligns
 * the two token lists (lower case, as {@link QuestionGuards#tokens}) word for word, with no lexicon: only the few
 * function words that mark the roles (do-support, a passive's be … by, a stranded "of") may differ, so a paraphrase that
 * keeps the roles ("Who killed Abel?" / "Who was Abel killed by?", "Did Bob pay Alice?" / "Was Alice paid by Bob?")
 * still matches. A doubt ({@link QuestionGuards.Verdict#ORDER}), like the word-order one: a non-native "What means X?"
 * is "What does X mean?".
 */
final class RoleSwaps {
    private RoleSwaps() {}

    /** Wh-words that stand for a participant (not "how", "why", "when", "where": those ask for a manner, a time, …). */
    private static final Set<String> WH_PARTICIPANT = Set.of("who", "whom", "what", "which", "whose");
    private static final Set<String> WH = Set.of("who", "whom", "what", "which", "whose", "how", "why", "when", "where");
    private static final Set<String> DO = Set.of("do", "does", "did");
    private static final Set<String> BE = Set.of("is", "are", "was", "were");
    /** Words that cannot be a subject question's verb (auxiliaries, modals, a negation). */
    private static final Set<String> NOT_A_VERB = Set.of("do", "does", "did", "is", "are", "was", "were", "am", "be", "been",
            "has", "have", "had", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "not", "the", "a",
            "an", "of", "to", "in", "on", "for", "by", "with", "you", "i", "we", "they", "he", "she", "it");
    private static final Set<String> ARTICLES = Set.of("a", "an", "the");

    /** Whether {@code a} and {@code b} (token lists) put a shared participant in another role. */
    static boolean swapped(List<String> a, List<String> b) {
        a = strip(a);
        b = strip(b);
        int p = commonPrefix(a, b);
        // the shared start must be nothing (a yes/no question) or begin with a wh-word
        if (p > 0 && !WH.contains(a.get(0))) return false;
        List<String> ra = a.subList(p, a.size()), rb = b.subList(p, b.size());
        if (ra.isEmpty() || rb.isEmpty()) return false;
        boolean participant = p > 0 && WH_PARTICIPANT.contains(a.get(0));
        return participant && (subjectObject(ra, rb) || subjectObject(rb, ra) || subjectPassive(ra, rb) || subjectPassive(rb, ra))
                || activePassive(ra, rb) || activePassive(rb, ra)
                || relation(a, b) || relation(b, a);
    }

    /**
     * "Who killed Abel" / "Who did Abel kill": after the shared wh-phrase, one goes on with its verb and the participant
     * ({@code s}: killed abel …), the other with do-support, the participant, then the verb ({@code o}: did abel kill …),
     * and the rest is the same. The participant is what the first asks about and the second's subject.
     */
    private static boolean subjectObject(List<String> s, List<String> o) {
        if (!DO.contains(o.get(0)) || NOT_A_VERB.contains(s.get(0)) || s.size() < 2) return false;
        List<String> so = s.subList(1, s.size()), oo = o.subList(1, o.size());
        if (oo.size() != so.size() + 1) return false;
        for (int k = 1; k < oo.size(); k++) { // oo = participant (k words) + verb + rest; so = participant + rest
            if (oo.subList(0, k).equals(so.subList(0, k)) && oo.subList(k + 1, oo.size()).equals(so.subList(k, so.size()))
                    && content(oo.subList(0, k))) return true;
        }
        return false;
    }

    /** "Who killed Abel" / "Who was killed by Abel": the participant after the verb in one, after "by" in the other. */
    private static boolean subjectPassive(List<String> s, List<String> pass) {
        if (NOT_A_VERB.contains(s.get(0)) || pass.size() < 4 || !BE.contains(pass.get(0)) || !pass.get(2).equals("by")) return false;
        List<String> agent = pass.subList(3, pass.size());
        return agent.equals(s.subList(1, s.size())) && content(agent);
    }

    /**
     * "Did Alice pay Bob" / "Was Alice paid by Bob" (and "Who did Abel kill" / "Who was Abel killed by"): the active
     * form's subject, right after do-support, is the passive form's subject, right after be, so one is the other's
     * agent and the other's patient. An active form that has a "by" itself is no active form ("Did Alice get paid by Bob").
     */
    private static boolean activePassive(List<String> act, List<String> pass) {
        if (!DO.contains(act.get(0)) || act.contains("by") || !BE.contains(pass.get(0))) return false;
        int by = pass.indexOf("by");
        if (by < 3) return false; // be + the patient (a word at least) + the participle + by
        List<String> patient = pass.subList(1, by - 1);
        List<String> rest = act.subList(1, act.size());
        return content(patient) && rest.size() > patient.size() && rest.subList(0, patient.size()).equals(patient);
    }

    /**
     * "Who is Harry Potter's godfather" (or "the godfather of Harry Potter") / "Who is Harry Potter the godfather of":
     * {@code back} ends in "be X the N of", the relation read backwards; {@code a} reads it forwards, "X's N" or "N of X".
     */
    private static boolean relation(List<String> a, List<String> back) {
        int n = back.size();
        if (n < 5 || !back.get(n - 1).equals("of") || !WH_PARTICIPANT.contains(back.get(0))) return false;
        String noun = back.get(n - 2);
        int the = n - 3;
        if (!ARTICLES.contains(back.get(the))) return false;
        int be = -1;
        for (int i = the - 1; i > 0; i--) if (BE.contains(back.get(i))) { be = i; break; }
        if (be < 0 || be + 1 >= the) return false;
        List<String> x = back.subList(be + 1, the);
        if (!content(x)) return false;
        String joined = String.join(" ", a);
        String xs = String.join(" ", x);
        return joined.contains(xs + "'s " + noun) || joined.contains(xs + "' " + noun) || joined.contains(noun + " of " + xs)
                || joined.contains(noun + " of the " + xs);
    }

    /** A word in it that is not a function word. */
    private static boolean content(List<String> words) {
        for (String w : words) if (!QuestionGuards.isStop(w)) return true;
        return false;
    }

    private static int commonPrefix(List<String> a, List<String> b) {
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) i++;
        return i;
    }

    /** Without a leading "so", "and" or "but". */
    private static List<String> strip(List<String> t) {
        int i = 0;
        while (i < t.size() && (t.get(i).equals("so") || t.get(i).equals("and") || t.get(i).equals("but"))) i++;
        return t.subList(i, t.size());
    }
}
