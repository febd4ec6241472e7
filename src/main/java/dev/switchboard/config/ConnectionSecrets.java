package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Credentials a deployment sends besides its key: the values of its {@code extra_headers} (a gateway token such as
 * {@code Cf-Aig-Token}, {@code X-Api-Token}, {@code X-Databricks-Token}: a header's name does not say reliably that its
 * value is a secret, so every value is one unless its name is on a short list of headers that never carry one) and
 * the user part and query values of {@code api_base} ({@code https://user:key@host}, {@code ?key=…}). The scrubbers of
 * answers, the log, the request log and traces mask them as keys, and {@code check --explain} shows them hidden.
 */
public final class ConnectionSecrets {
    /** Headers whose values describe the protocol or the client, never a credential (lower case). */
    private static final Set<String> HARMLESS_HEADERS = Set.of("content-type", "accept", "accept-encoding", "accept-language",
            "user-agent", "cache-control", "anthropic-version", "anthropic-beta", "openai-beta", "openai-organization",
            "openai-project", "http-referer", "referer", "x-title");

    private ConnectionSecrets() {}

    /** Whether a header of this name never carries a credential; every other header's value is treated as one. */
    public static boolean harmlessHeader(String name) {
        return HARMLESS_HEADERS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The deployment's header values that may be credentials, and its api_base's user part and query values. */
    public static List<String> of(Deployment d) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> h : d.headers().entrySet()) {
            if (!harmlessHeader(h.getKey()) && h.getValue() != null && !h.getValue().isBlank()) out.add(h.getValue());
        }
        out.addAll(dev.switchboard.model.SafeUrl.secrets(d.apiBase()));
        return out;
    }
}
