package dev.switchboard.provider;

/**
 * What a deployment's requests sign in with when that is not an API key sent as it is (an AWS profile, a Google service
 * account, an Entra ID service principal), as {@code check} and the start's model list show it: never a secret, at most
 * a masked one.
 *
 * @param what    e.g. "AWS profile team", "Google service account sa@p.iam.gserviceaccount.com", "none found"
 * @param from    where it came from: the settings (with their lines) or the environment variable, file or chain
 * @param missing when nothing was found, the warning that says so and how to fix it; else null
 */
public record SignIn(String what, String from, String missing) {
    public static SignIn of(String what, String from) { return new SignIn(what, from, null); }

    /** " (line 4; line 5)": where these settings are in the config, when it says; "" otherwise. */
    public static String lines(dev.switchboard.config.Deployment d, String... keys) {
        java.util.List<String> where = new java.util.ArrayList<>();
        for (String k : keys) if (d.sources().get(k) != null) where.add(d.sources().get(k));
        return where.isEmpty() ? "" : " (" + String.join("; ", where) + ")";
    }
}
