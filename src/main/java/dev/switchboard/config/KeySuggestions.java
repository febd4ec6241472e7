package dev.switchboard.config;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean …?" for an unknown config key: the known key of the same section nearest to what was typed. An unknown
 * key stays a warning (LiteLLM's configs carry keys of other versions and tools), so a misspelt key — {@code master_kye},
 * {@code timout} — is silently not applied unless the warning names the key it was meant to be.
 *
 * <p>Distance is the optimal string alignment distance (insertions, deletions, substitutions and a swap of two neighbours
 * each count 1: {@code master_kye} is 1 from {@code master_key}), over the keys lower-cased with {@code -} read as
 * {@code _}. A key of up to 4 characters may be 1 off, up to 10 characters 2 off, a longer one 3 off; never more than
 * half its length, so a short unrelated key is not "corrected" into another.
 */
public final class KeySuggestions {
    private KeySuggestions() {}

    /** The known key nearest to {@code typed} within the allowed distance (the first of equals in iteration order), or null. */
    public static String closest(String typed, Collection<String> known) {
        if (typed == null || typed.isEmpty()) return null;
        String t = normal(typed);
        int allowed = Math.min(t.length() <= 4 ? 1 : t.length() <= 10 ? 2 : 3, t.length() / 2);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            if (k == null || k.isEmpty() || k.equals(typed) || k.endsWith("*")) continue;
            int d = distance(t, normal(k));
            if (d <= allowed && d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** {@code " Did you mean master_key?"}, or "" when no known key is near. */
    static String hint(String typed, Collection<String> known) {
        String k = closest(typed, known);
        return k == null ? "" : " Did you mean " + k + "?";
    }

    private static String normal(String s) { return s.toLowerCase(Locale.ROOT).replace('-', '_'); }

    /** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of one substring). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
