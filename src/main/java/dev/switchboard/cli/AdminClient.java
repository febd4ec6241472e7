package dev.switchboard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import picocli.CommandLine.Option;

/**
 * The admin API of a running gateway, for {@code keys} and {@code spend}: the JDK's HTTP client (these commands are
 * one request or a few, nowhere near the hot path) with the master key as a Bearer token. Every failure becomes one
 * {@link Failure} whose message is what the user reads: the gateway's own error message with its status, or what
 * went wrong reaching it.
 */
final class AdminClient {
    static final String DEFAULT_URL = "http://127.0.0.1:4000";
    /** Numbers as BigDecimal: the gateway sends exact decimal dollars and a double would print 0.000123000000001. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The options every admin command takes (a picocli mixin). */
    static final class Options {
        @Option(names = "--url", paramLabel = "URL",
                description = "The gateway's address (default: $SWITCHBOARD_URL, else LiteLLM's $LITELLM_PROXY_URL, else "
                        + DEFAULT_URL + ").")
        String url;

        // No ${DEFAULT-VALUE} in the description: --help must never print the key.
        @Option(names = "--master-key", paramLabel = "KEY", description = "The gateway's master key (default: "
                + "$SWITCHBOARD_MASTER_KEY, else $LITELLM_MASTER_KEY, which the gateway reads too, else LiteLLM's CLI's "
                + "$LITELLM_PROXY_API_KEY; with the address from $LITELLM_PROXY_URL, $LITELLM_MASTER_KEY is not used; a "
                + "variable is better: a command line is visible to other users of the machine).")
        String masterKey;

        @Option(names = "--json", description = "Print the gateway's JSON answer instead of a table.")
        boolean json;
    }

    /** A command's work against the gateway. */
    interface Action {
        void run(AdminClient client);
    }

    /** A failure, worded for the user. */
    static final class Failure extends RuntimeException {
        Failure(String message) { super(message, null, false, false); }
    }

    /** A 200 answer: the body as sent (for {@code --json}) and parsed. */
    record Answer(String raw, JsonNode json) {}

    /** The header every Switchboard answer carries (errors and 404s too): its absence means another server answered. */
    static final String SWITCHBOARD_HEADER = "x-switchboard-request-id";

    private final String base;
    private final String masterKey;
    /** Where the URL came from ({@code --url} or {@code $SWITCHBOARD_URL}), so that an error names what the user set. */
    private final String urlSource;
    /** Where the master key came from ({@code --master-key} or the variable), so that a refused key is traced to it. */
    private final String keySource;

    private AdminClient(String base, String masterKey, String urlSource, String keySource) {
        this.base = base;
        this.masterKey = masterKey;
        this.urlSource = urlSource;
        this.keySource = keySource;
    }

    /**
     * The master key's variables, first set wins: ours, then the one {@code serve} itself reads as its master key (a
     * LiteLLM user has it exported; {@code keys list} in that shell answered 401, QA thirty-ninth session), then
     * LiteLLM's own CLI's ({@code litellm-proxy}).
     */
    static final List<String> KEY_VARIABLES = List.of("SWITCHBOARD_MASTER_KEY", "LITELLM_MASTER_KEY", "LITELLM_PROXY_API_KEY");
    /**
     * The master key's variables when the address is LiteLLM's CLI's {@code $LITELLM_PROXY_URL}: that may be a remote
     * LiteLLM, and {@code $LITELLM_MASTER_KEY} the local gateway's key, which must not be sent to it (it would be, before
     * the "not a Switchboard gateway" check); {@code $LITELLM_PROXY_API_KEY} is the key LiteLLM's CLI pairs with it.
     */
    static final List<String> KEY_VARIABLES_FOR_PROXY_URL = List.of("SWITCHBOARD_MASTER_KEY", "LITELLM_PROXY_API_KEY");
    /** The gateway's address: ours, then LiteLLM's CLI's. */
    static final List<String> URL_VARIABLES = List.of("SWITCHBOARD_URL", "LITELLM_PROXY_URL");

    /**
     * Says which gateway it talks to (on stderr, so stdout stays the answer alone), then runs {@code action}.
     *
     * @return 0, or 1 after printing the failure on stderr
     */
    static int run(Options o, Action action) {
        return run(o, action, System::getenv);
    }

    static int run(Options o, Action action, java.util.function.Function<String, String> environment) {
        String urlVar = firstSet(URL_VARIABLES, environment);
        String url = o.url != null ? o.url : urlVar != null ? env(environment, urlVar) : DEFAULT_URL;
        String source = o.url != null || urlVar == null ? "--url" : "$" + urlVar;
        String keyVar = firstSet(o.url == null && "LITELLM_PROXY_URL".equals(urlVar) ? KEY_VARIABLES_FOR_PROXY_URL : KEY_VARIABLES,
                environment);
        boolean keyOption = o.masterKey != null && !o.masterKey.isBlank();
        String key = keyOption ? o.masterKey : keyVar != null ? env(environment, keyVar) : null;
        String keySource = keyOption ? "--master-key" : keyVar != null ? "$" + keyVar : null;
        try {
            AdminClient client = new AdminClient(normalize(url, source), key, source, keySource);
            System.err.println("gateway " + client.base + " (admin API)");
            action.run(client);
            return 0;
        } catch (Failure f) {
            System.err.println(f.getMessage());
            return 1;
        }
    }

    String base() { return base; }

    /** Where the master key came from ({@code --master-key}, {@code $VARIABLE}), or null when none is sent. */
    String keySource() { return keySource; }

    Answer get(String path, Map<String, ?> params) { return get(path, params, Map.of()); }

    /**
     * @param options the command's option for each query parameter named differently ({@code start_date} → {@code --from}):
     *                the gateway's 400 names its parameter, and the user typed the option
     */
    Answer get(String path, Map<String, ?> params, Map<String, String> options) {
        try {
            return get0(path, params);
        } catch (Failure f) {
            String m = f.getMessage();
            for (Map.Entry<String, String> o : options.entrySet()) {
                m = m.replace("'" + o.getKey() + "'", o.getValue()).replaceAll("(?<![-\\w])" + o.getKey() + "\\b", o.getValue());
            }
            throw new Failure(m);
        }
    }

    private Answer get0(String path, Map<String, ?> params) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        params.forEach((k, v) -> {
            if (v != null) q.add(k + "=" + URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
        });
        return send(request(path + q).GET());
    }

    /**
     * @param fieldOptions the command's option for each body field it sets ({@code max_budget} → {@code --budget}): the
     *                     gateway's 400 quotes the field, and the user typed the option. Only the quoted name is
     *                     replaced, since some field names are also words of the messages ({@code is not a duration}).
     */
    Answer post(String path, ObjectNode body, Map<String, String> fieldOptions) {
        try {
            return post(path, body);
        } catch (Failure f) {
            String m = f.getMessage();
            for (Map.Entry<String, String> o : fieldOptions.entrySet()) m = m.replace("'" + o.getKey() + "'", o.getValue());
            throw new Failure(m);
        }
    }

    Answer post(String path, ObjectNode body) {
        return send(request(path).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** Query parameters in the order given, absent ones (null values) left out by {@link #get}. */
    static Map<String, Object> params(Object... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) m.put((String) nameValue[i], nameValue[i + 1]);
        return m;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).header("accept", "application/json");
        if (masterKey != null) b.header("authorization", "Bearer " + masterKey);
        return b;
    }

    private Answer send(HttpRequest.Builder request) {
        HttpResponse<String> r;
        try {
            r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable();
        } catch (HttpTimeoutException e) {
            throw new Failure("the gateway at " + base + " did not answer within " + TIMEOUT.toSeconds() + " s.");
        } catch (IOException e) {
            // A refused connection sometimes arrives wrapped, or as a bare IOException with a ConnectException cause.
            if (e.getCause() instanceof ConnectException) throw unreachable();
            throw new Failure("cannot talk to the gateway at " + base + ": " + Launch.rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
        if (r.headers().firstValue(SWITCHBOARD_HEADER).isEmpty()) throw notSwitchboard(r.statusCode());
        JsonNode json = parse(r.body());
        if (r.statusCode() != 200) throw new Failure(errorText(r.statusCode(), json, r.body()));
        if (json == null) throw new Failure("the answer from " + base + " is not JSON: is it a Switchboard gateway?");
        return new Answer(r.body(), json);
    }

    /**
     * Something answered, but not a Switchboard gateway (the simulator, another OpenAI-compatible server, a web page):
     * its own errors ("no API key", "could not parse the JSON body") would send the user after the wrong fix.
     */
    private Failure notSwitchboard(int status) {
        return new Failure("not a Switchboard gateway at " + base + ": its answer (HTTP " + status + ") lacks the "
                + SWITCHBOARD_HEADER + " header every Switchboard answer carries. Fix: " + urlSource
                + " is the gateway's root (switchboard serve's address), such as " + DEFAULT_URL + ".");
    }

    private Failure unreachable() {
        return new Failure("cannot reach the gateway at " + base + ": is it running? (switchboard serve --config config.yaml)");
    }

    /** {@code error (HTTP 403): <the gateway's message>}, and a hint where the likely fix is on this side. */
    private String errorText(int status, JsonNode json, String body) {
        JsonNode err = json == null ? null : json.path("error");
        String message = err != null && err.path("message").isTextual() ? err.path("message").asText()
                : body.isBlank() ? "(no body)" : abbreviate(body.strip());
        String text = "error (HTTP " + status + "): " + message;
        if (status == 401 && masterKey == null) {
            text += "\nhint: this gateway has a master key: set SWITCHBOARD_MASTER_KEY (or LITELLM_MASTER_KEY) or pass --master-key.";
        } else if (status == 401 && keySource != null && !"--master-key".equals(keySource)) {
            text += "\nhint: the key sent is " + keySource + "'s; it is not this gateway's master key.";
        }
        boolean switchboardError = err != null && err.path("message").isTextual();
        if (status == 404 && (!switchboardError || "unknown_url".equals(err.path("code").asText()))) {
            text += "\nhint: " + base + " does not serve the admin API; " + urlSource + " is the gateway's root (http://host:port), "
                    + "and the gateway must be a Switchboard with keys and spend.";
        }
        return text;
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode n = body == null || body.isBlank() ? null : JSON.readTree(body);
            return n == null || n.isMissingNode() ? null : n;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }

    /**
     * The gateway's root: trailing slashes off, and a trailing {@code /v1} too, since the OpenAI base URL is the one
     * people have at hand and the admin API is beside it, not under it.
     *
     * @param source {@code --url} or {@code $SWITCHBOARD_URL}: the error names the one the user set
     */
    static String normalize(String url, String source) {
        String u = url.strip();
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        if (u.endsWith("/v1")) u = u.substring(0, u.length() - 3);
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new Failure(source + " must be the gateway's http(s) address, such as " + DEFAULT_URL + "; found '" + url + "'.");
        }
        return u;
    }

    private static String env(java.util.function.Function<String, String> environment, String name) {
        String v = environment.apply(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String firstSet(List<String> names, java.util.function.Function<String, String> environment) {
        for (String n : names) if (env(environment, n) != null) return n;
        return null;
    }
}
