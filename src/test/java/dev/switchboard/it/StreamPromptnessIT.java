package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.TestGateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each event of a stream reaches the client as soon as the upstream sent it, never held back for the upstream's next
 * read: the gateway writes what one round of reads brought once that round is over (one write for many events), and
 * an upstream that sends one event and then falls silent must not leave that event waiting in the gateway. The
 * simulator here sends each event {@link #GAP_MS} after the previous one: every event must arrive on its own, about
 * that long after the one before, and the first one at once.
 */
class StreamPromptnessIT {
    static final long GAP_MS = 600;
    /** Less than the gap: an event held until the next read would arrive with it, this close to it. */
    static final long HELD_BACK_MS = 300;
    static TestGateway gw;

    @BeforeAll
    static void start() { gw = TestGateway.standard(); }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    @Test
    void anOpenAiStreamsEventsEachArriveAsTheUpstreamSendsThem() throws Exception {
        gw.simulator.enqueue(SimBehaviour.longSlowStream(GAP_MS, 1));
        List<Long> arrivals = arrivals("/v1/chat/completions", "Bearer " + TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "data: [DONE]");
        assertEachOnItsOwn(arrivals);
    }

    /** Anthropic to Anthropic relays the same way and writes through the same sink. */
    @Test
    void anAnthropicStreamsEventsEachArriveAsTheUpstreamSendsThem() throws Exception {
        gw.simulator.enqueue(SimBehaviour.longSlowStream(GAP_MS, 1));
        List<Long> arrivals = arrivals("/v1/messages", "Bearer " + TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "event: message_stop");
        assertEachOnItsOwn(arrivals);
    }

    private static void assertEachOnItsOwn(List<Long> arrivals) {
        assertThat(arrivals).as("events").hasSizeGreaterThan(3);
        assertThat(arrivals.get(0)).as("the first event, ms after the request went out").isLessThan(GAP_MS - 100);
        for (int i = 1; i < arrivals.size(); i++) {
            assertThat(arrivals.get(i) - arrivals.get(i - 1)).as("ms between event %d and event %d (arrivals %s)", i - 1, i, arrivals)
                    .isGreaterThan(HELD_BACK_MS);
        }
    }

    /** When each event's first line arrived, in ms since the request was sent, up to the line that ends the stream. */
    private static List<Long> arrivals(String path, String authorization, String body, String lastLine) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                    .header("authorization", authorization).header("content-type", "application/json")
                    .header("anthropic-version", "2023-06-01").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long t0 = System.nanoTime();
            HttpResponse<java.io.InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            List<Long> arrivals = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                boolean inEvent = false;
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        inEvent = false;
                        continue;
                    }
                    if (!inEvent) arrivals.add((System.nanoTime() - t0) / 1_000_000);
                    inEvent = true;
                    if (line.equals(lastLine)) break;
                }
            }
            return arrivals;
        } finally {
            client.shutdownNow();
        }
    }
}
