package dev.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.auth.oauth2.GoogleCredentials;
import dev.switchboard.config.Deployment;
import dev.switchboard.provider.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Where a deployment's Google credentials come from, resolved as LiteLLM resolves {@code vertex_credentials}: a value
 * that starts with <code>{</code> is the JSON itself, anything else the path of a file holding it; without it,
 * application-default credentials ({@code GOOGLE_APPLICATION_CREDENTIALS}, else gcloud's well-known file, else the
 * metadata server), as Google's SDKs find them. Parsing is Google's ({@link GoogleCredentials#fromStream}: service
 * accounts, authorized users, workload identity federation). A file or inline JSON is read and parsed when the config
 * is loaded, so {@code check} reports a bad one with its line; application-default credentials may probe the metadata
 * server, so they are looked up on the first token fetch, on a worker thread. Error messages name the file, never
 * the content (it holds a private key).
 *
 * @param load        makes the scoped credentials (blocking; called on a worker thread only)
 * @param projectId   the project the credentials name ({@code project_id}), or null
 * @param description what {@code check} and errors may show: the kind and the file, never the key
 */
record VertexCredentials(Callable<GoogleCredentials> load, String projectId, String description) {
    /** Vertex AI's scope, as Google's SDKs and LiteLLM ask for it. */
    static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");
    static final String ADC_ENV = "GOOGLE_APPLICATION_CREDENTIALS";

    /** @throws IllegalArgumentException naming the line and the fix when the given credentials cannot be used */
    static VertexCredentials resolve(Deployment d, String source, Function<String, String> env) {
        if (source != null) { // named as the entry writes it (VertexSettings takes vertex_credentials first)
            String given = d.stringParam("vertex_credentials");
            return fromValue(d, source, given != null && !given.isBlank() ? "vertex_credentials" : "vertex_ai_credentials");
        }
        String adcFile = env.apply(ADC_ENV);
        if (adcFile != null && !adcFile.isBlank()) return fromValue(d, adcFile.trim(), ADC_ENV);
        return new VertexCredentials(() -> scoped(GoogleCredentials.getApplicationDefault()), null, "application-default credentials");
    }

    /**
     * Where google-auth-library looks for gcloud's application-default credentials: {@code $CLOUDSDK_CONFIG}, else
     * {@code %APPDATA%/gcloud} on Windows, else {@code ~/.config/gcloud}; the file {@code application_default_credentials.json}.
     */
    static Path wellKnownFile(Function<String, String> env) {
        String configDir = env.apply("CLOUDSDK_CONFIG");
        Path dir;
        if (configDir != null && !configDir.isBlank()) {
            dir = Path.of(configDir);
        } else if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("windows")) {
            String appData = env.apply("APPDATA");
            if (appData == null) return null;
            dir = Path.of(appData, "gcloud");
        } else {
            dir = Path.of(System.getProperty("user.home", ""), ".config", "gcloud");
        }
        return dir.resolve("application_default_credentials.json");
    }

    private static VertexCredentials fromValue(Deployment d, String value, String key) {
        boolean inline = value.stripLeading().startsWith("{");
        dev.switchboard.provider.ProviderRefusal.Setting.Fix hint = ADC_ENV.equals(key)
                ? dev.switchboard.provider.ProviderRefusal.Setting.Fix.ENVIRONMENT : dev.switchboard.provider.ProviderRefusal.Setting.Fix.SET;
        byte[] json;
        String where = inline ? key + " (inline JSON)" : key + " file " + value;
        if (inline) {
            json = value.getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                json = Files.readAllBytes(Path.of(value));
            } catch (IOException | RuntimeException e) {
                throw VertexSettings.problem(d, key, false, hint, "cannot read the " + where + " (" + e.getClass().getSimpleName() + ")",
                        "point " + key + " at a readable service-account JSON file, or give the JSON itself");
            }
        }
        JsonNode tree;
        GoogleCredentials credentials;
        try {
            tree = Json.MAPPER.readTree(json);
            credentials = scoped(GoogleCredentials.fromStream(new ByteArrayInputStream(json)));
        } catch (IOException | RuntimeException e) {
            // Jackson's and Google's messages may quote the input, which holds the private key: the class name only.
            throw VertexSettings.problem(d, key, false, hint, "the " + where + " is not a Google credentials JSON (" + e.getClass().getSimpleName() + ")",
                    "use the JSON key file of a service account (IAM > Service accounts > Keys), or the JSON of "
                            + "`gcloud auth application-default login`; inline, keep the private key's newlines escaped as \\n");
        }
        String email = Json.text(tree, "client_email");
        String kind = Json.text(tree, "type");
        String description = (email != null ? "service account " + email : kind != null ? kind : "credentials") + " from " + where;
        GoogleCredentials ready = credentials;
        return new VertexCredentials(() -> ready, Json.text(tree, "project_id"), description);
    }

    private static GoogleCredentials scoped(GoogleCredentials c) {
        return c.createScopedRequired() ? c.createScoped(SCOPES) : c;
    }
}
