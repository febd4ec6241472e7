package dev.switchboard.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Raw HTTP for tests that must see exact status codes, headers and bytes (the SDKs hide them). */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    /** @param headers extra request headers as name, value pairs */
    public static HttpResponse<String> post(String url, String key, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("authorization", "Bearer " + key);
        for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return send(b.build());
    }

    public static HttpResponse<String> get(String url, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (key != null) b.header("authorization", "Bearer " + key);
        return send(b.build());
    }

    public static HttpResponse<String> send(HttpRequest req) {
        try {
            return CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code data:} payloads of an SSE body, in order. */
    public static List<String> sseData(String body) {
        List<String> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            for (String line : event.split("\n")) if (line.startsWith("data: ")) out.add(line.substring(6));
        }
        return out;
    }

    /**
     * Each x-ratelimit-* header and each cost header of {@code r} is there at most once (a first-value read would pass a
     * header written twice); answers the names it saw.
     */
    public static List<String> assertLimitAndCostHeadersOnce(HttpResponse<?> r) {
        List<String> seen = new ArrayList<>();
        r.headers().map().forEach((name, values) -> {
            String n = name.toLowerCase(java.util.Locale.ROOT);
            if (n.startsWith("x-ratelimit-") || n.equals("x-switchboard-cost") || n.equals("x-litellm-response-cost")) {
                if (values.size() != 1) throw new AssertionError(n + " written " + values.size() + " times: " + values);
                seen.add(n);
            }
        });
        return seen;
    }
}
