package dev.switchboard.provider.vertex;

import dev.switchboard.config.Deployment;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A {@code vertex_ai/} deployment's place, read once as LiteLLM reads it: {@code vertex_project} (or
 * {@code vertex_ai_project}) else {@code VERTEXAI_PROJECT}, else the project of the credentials;
 * {@code vertex_location} (or {@code vertex_ai_location}) else {@code VERTEXAI_LOCATION}, else {@code us-central1};
 * {@code vertex_credentials} (or {@code vertex_ai_credentials}): a service-account JSON file's path or the JSON itself,
 * else application-default credentials. Project and location become part of a host name and a path, so they are
 * checked against Google's own alphabets here rather than trusted.
 *
 * @param project     the project, or null when only the credentials can tell
 * @param location    a region such as {@code us-central1}, or {@code global}
 * @param credentials the {@code vertex_credentials} value, or null for application-default credentials
 */
record VertexSettings(String project, String location, String credentials) {
    static final String DEFAULT_LOCATION = "us-central1";
    static final String PROJECT_ENV = "VERTEXAI_PROJECT";
    static final String LOCATION_ENV = "VERTEXAI_LOCATION";
    /** Project ids: lower-case letters, digits, hyphens; older domain-scoped ones carry "example.com:". */
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9.:-]{0,99}");
    private static final Pattern LOCATION = Pattern.compile("[a-z0-9][a-z0-9-]{0,49}");

    /** @throws IllegalArgumentException naming the line, the key and the fix */
    static VertexSettings from(Deployment d, Function<String, String> env) {
        String project = first(d.stringParam("vertex_project"), d.stringParam("vertex_ai_project"), env.apply(PROJECT_ENV));
        String location = first(d.stringParam("vertex_location"), d.stringParam("vertex_ai_location"), env.apply(LOCATION_ENV));
        String credentials = first(d.stringParam("vertex_credentials"), d.stringParam("vertex_ai_credentials"), null);
        if (location == null) location = DEFAULT_LOCATION;
        if (project != null && !PROJECT.matcher(project).matches()) {
            throw problem(d, "vertex_project", false, "vertex_project '" + project + "' is not a Google Cloud project id",
                    "write the project id (lower-case letters, digits and hyphens), as `gcloud projects list` shows it");
        }
        if (!LOCATION.matcher(location).matches()) {
            throw problem(d, "vertex_location", false, "vertex_location '" + location + "' is not a Google Cloud location",
                    "write a region such as us-central1 or europe-west4, or global");
        }
        return new VertexSettings(project, location, credentials);
    }

    static IllegalArgumentException problem(Deployment d, String what, String fix) {
        return new IllegalArgumentException(text(d, what, fix));
    }

    /** A refusal of one of the entry's settings ({@link dev.switchboard.provider.ProviderRefusal.Setting}), said as {@link #problem}. */
    static IllegalArgumentException problem(Deployment d, String setting, boolean missing, String what, String fix) {
        return problem(d, setting, missing, dev.switchboard.provider.ProviderRefusal.Setting.Fix.SET, what, fix);
    }

    /** The same, with what the operator does about it (the gateway's environment, for GOOGLE_APPLICATION_CREDENTIALS). */
    static IllegalArgumentException problem(Deployment d, String setting, boolean missing,
                                            dev.switchboard.provider.ProviderRefusal.Setting.Fix hint, String what, String fix) {
        return new dev.switchboard.provider.ProviderRefusal.Setting(setting, missing, hint, text(d, what, fix));
    }

    private static String text(Deployment d, String what, String fix) {
        return d.where() + ": model_list entry '" + d.alias() + "' (" + d.id() + "): " + what + ". Fix: " + fix + ".";
    }

    private static String first(String a, String b, String c) {
        if (a != null && !a.isBlank()) return a.trim();
        if (b != null && !b.isBlank()) return b.trim();
        return c == null || c.isBlank() ? null : c.trim();
    }
}
