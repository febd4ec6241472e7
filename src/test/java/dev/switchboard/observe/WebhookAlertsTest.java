package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The webhook sender: off the caller's thread, retried with backoff, and what is not delivered counted. */
class WebhookAlertsTest {
    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger arrivals = new AtomicInteger();

    /** A receiver that answers {@code failFirst} posts with {@code status}, then 200. */
    private URI receiver(int failFirst, int status) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook/secret-path", ex -> {
            int n = arrivals.incrementAndGet();
            String body = new String(ex.getRequestBody().readAllBytes());
            if (n <= failFirst) {
                ex.sendResponseHeaders(status, -1);
            } else {
                bodies.add(body);
                ex.sendResponseHeaders(200, -1);
            }
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook/secret-path");
    }

    @AfterEach
    void stop() { if (server != null) server.stop(0); }

    private static double count(SimpleMeterRegistry r, String name) {
        var c = r.find(name).tag("alert_type", "budget_alerts").counter();
        return c == null ? 0 : c.count();
    }

    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!done.getAsBoolean() && System.currentTimeMillis() < deadline) Thread.sleep(20);
    }

    @Test
    void aFailingReceiverIsTriedAgainWithBackoffUntilItTakesTheAlert() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        WebhookAlerts alerts = new WebhookAlerts(List.of(receiver(2, 503)), meters, 20);
        alerts.offer("budget_alerts", "{\"event\":\"budget_crossed\"}", "budget_crossed of key 'a'");
        await(() -> count(meters, "switchboard.alerts.sent") == 1);
        assertThat(bodies).containsExactly("{\"event\":\"budget_crossed\"}");
        assertThat(arrivals).hasValue(3);
        assertThat(count(meters, "switchboard.alerts.failed")).isZero();
        alerts.close(Duration.ofSeconds(1));
    }

    @Test
    void anAlertNotTakenAfterAllTriesIsCountedAsFailedAndAnotherClientErrorIsNotRetried() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        WebhookAlerts alerts = new WebhookAlerts(List.of(receiver(100, 500)), meters, 10);
        alerts.offer("budget_alerts", "{}", "x");
        await(() -> count(meters, "switchboard.alerts.failed") == 1);
        assertThat(arrivals).hasValue(WebhookAlerts.ATTEMPTS);
        alerts.close(Duration.ofSeconds(1));
        server.stop(0);

        SimpleMeterRegistry meters2 = new SimpleMeterRegistry();
        arrivals.set(0);
        WebhookAlerts refused = new WebhookAlerts(List.of(receiver(100, 404)), meters2, 10);
        refused.offer("budget_alerts", "{}", "x");
        await(() -> count(meters2, "switchboard.alerts.failed") == 1);
        assertThat(arrivals).as("a 404 is not retried").hasValue(1);
        refused.close(Duration.ofSeconds(1));
    }

    @Test
    void offeringNeverWaitsAndAFullQueueDropsAndCounts() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // nothing listens there: each alert is tried with long waits between, so the queue fills
        WebhookAlerts alerts = new WebhookAlerts(List.of(URI.create("http://127.0.0.1:9/x")), meters, 60_000);
        long start = System.nanoTime();
        for (int i = 0; i < WebhookAlerts.QUEUE + 50; i++) alerts.offer("budget_alerts", "{}", "x");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(count(meters, "switchboard.alerts.dropped")).isGreaterThanOrEqualTo(49);
        alerts.close(Duration.ofMillis(200));
        assertThat(count(meters, "switchboard.alerts.dropped") + count(meters, "switchboard.alerts.failed"))
                .as("at close, what was queued is tried once more or dropped: every alert is counted")
                .isEqualTo(WebhookAlerts.QUEUE + 50);
    }

    @Test
    void logsNameOnlyTheSchemeHostAndPort() {
        assertThat(WebhookAlerts.where(URI.create("https://hooks.slack.com/services/T0/B0/secret"))).isEqualTo("https://hooks.slack.com");
    }
}
