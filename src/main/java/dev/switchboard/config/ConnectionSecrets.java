package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Credentials a deployment sends besides its key: the values of those {@code extra_headers} whose name says they are
 * one ({@code Authorization}, {@code X-Api-Key}, {@code Cf-Aig-Token}, {@code Helicone-Auth},
 * {@code Ocp-Apim-Subscription-Key}, … see {@link dev.switchboard.model.SafeUrl#credentialName}), the user part of
 * {@code api_base} ({@code https://user:key@host}) and its credential query values ({@code ?key=…}, {@code ?sig=…}).
 * The scrubbers of answers, the log, the request log and traces mask them as keys, and {@code check --explain} shows
 * them hidden.
 *
 * <p>Only by name, on purpose: the answer scrubber blanks every 8-character run of a key in what a model writes,
 * case-insensitively, so a {@code Helicone-Property-Environment: production} or an {@code ?api-version=2024-10-21}
 * taken for a key blanked "production" and that date in every answer. A credential sent under a name without a
 * credential word is not masked (name it, or put it in {@code api_key}).
 */
public final class ConnectionSecrets {
    /**
     * The shortest value kept: both scrubbers ignore a key shorter than this (KeyScrubber.MIN_RUN, SecretScrubber),
     * since it would blank ordinary words.
     */
    static final int MIN_LENGTH = 8;

    private ConnectionSecrets() {}

    /** Whether a header of this name carries a credential, so its value is masked wherever the gateway shows or meets it. */
    public static boolean credentialHeader(String name) {
        return dev.switchboard.model.SafeUrl.credentialName(name);
    }

    /**
     * The deployment's credential header values (and, for {@code Bearer …}, {@code Basic …} and the like, the part after
     * the scheme, which is what an upstream quoting "the key" shows), and its api_base's user part and credential query
     * values; none shorter than {@value #MIN_LENGTH} characters.
     */
    public static List<String> of(Deployment d) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> h : d.headers().entrySet()) {
            String v = h.getValue();
            if (v == null || !credentialHeader(h.getKey())) continue;
            v = v.strip();
            add(out, v);
            int space = v.indexOf(' ');
            if (space > 0 && v.substring(0, space).chars().allMatch(Character::isLetter)) add(out, v.substring(space + 1).strip());
        }
        for (String s : dev.switchboard.model.SafeUrl.secrets(d.apiBase())) add(out, s);
        return out;
    }

    private static void add(List<String> out, String s) {
        if (s.length() >= MIN_LENGTH && !out.contains(s)) out.add(s);
    }
}
