package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    private static double count(SimpleMeterRegistry r, String name) { return count(r, name, "webhook"); }

    private static double count(SimpleMeterRegistry r, String name, String channel) {
        var c = r.find(name).tag("alert_type", "budget_alerts").tag("channel", channel).counter();
        return c == null ? 0 : c.count();
    }

    private static List<WebhookAlerts.Hook> webhook(URI url) { return List.of(new WebhookAlerts.Hook("webhook", url)); }

    private static Map<String, String> json(String body) { return Map.of("webhook", body); }

    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!done.getAsBoolean() && System.currentTimeMillis() < deadline) Thread.sleep(20);
    }

    @Test
    void aFailingReceiverIsTriedAgainWithBackoffUntilItTakesTheAlert() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        WebhookAlerts alerts = new WebhookAlerts(webhook(receiver(2, 503)), meters, 20);
        alerts.offer("budget_alerts", json("{\"event\":\"budget_crossed\"}"), "budget_crossed of key 'a'");
        await(() -> count(meters, "switchboard.alerts.sent") == 1);
        assertThat(bodies).containsExactly("{\"event\":\"budget_crossed\"}");
        assertThat(arrivals).hasValue(3);
        assertThat(count(meters, "switchboard.alerts.failed")).isZero();
        alerts.close(Duration.ofSeconds(1));
    }

    @Test
    void anAlertNotTakenAfterAllTriesIsCountedAsFailedAndAnotherClientErrorIsNotRetried() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        WebhookAlerts alerts = new WebhookAlerts(webhook(receiver(100, 500)), meters, 10);
        alerts.offer("budget_alerts", json("{}"), "x");
        await(() -> count(meters, "switchboard.alerts.failed") == 1);
        assertThat(arrivals).hasValue(WebhookAlerts.ATTEMPTS);
        alerts.close(Duration.ofSeconds(1));
        server.stop(0);

        SimpleMeterRegistry meters2 = new SimpleMeterRegistry();
        arrivals.set(0);
        WebhookAlerts refused = new WebhookAlerts(webhook(receiver(100, 404)), meters2, 10);
        refused.offer("budget_alerts", json("{}"), "x");
        await(() -> count(meters2, "switchboard.alerts.failed") == 1);
        assertThat(arrivals).as("a 404 is not retried").hasValue(1);
        refused.close(Duration.ofSeconds(1));
    }

    @Test
    void offeringNeverWaitsAndAFullQueueDropsAndCounts() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // nothing listens there: each alert is tried with long waits between, so the queue fills
        WebhookAlerts alerts = new WebhookAlerts(webhook(URI.create("http://127.0.0.1:9/x")), meters, 60_000);
        long start = System.nanoTime();
        for (int i = 0; i < WebhookAlerts.QUEUE + 50; i++) alerts.offer("budget_alerts", json("{}"), "x");
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

    /** Each hook gets its channel's body; the metrics say which channel took it. */
    @Test
    void eachHookGetsItsChannelsBodyAndIsCountedUnderItsChannel() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        URI url = receiver(0, 200);
        WebhookAlerts alerts = new WebhookAlerts(List.of(new WebhookAlerts.Hook("webhook", url), new WebhookAlerts.Hook("slack", url)),
                meters, 10);
        alerts.offer("budget_alerts", Map.of("webhook", "{\"event\":\"e\"}", "slack", "{\"text\":\"t\"}"), "x");
        await(() -> count(meters, "switchboard.alerts.sent", "slack") == 1 && count(meters, "switchboard.alerts.sent") == 1);
        assertThat(bodies).containsExactlyInAnyOrder("{\"event\":\"e\"}", "{\"text\":\"t\"}"); // each hook its own sender
        alerts.offer("budget_alerts", Map.of("slack", "{\"text\":\"only\"}"), "y");
        await(() -> count(meters, "switchboard.alerts.sent", "slack") == 2);
        Thread.sleep(100);
        assertThat(bodies).as("a channel without a body is skipped").hasSize(3).last().isEqualTo("{\"text\":\"only\"}");
        assertThat(count(meters, "switchboard.alerts.sent")).isEqualTo(1);
        alerts.close(Duration.ofSeconds(1));
    }

    /** Slack answers a burst with 429 and Retry-After (seconds): the next try waits that long, not the shorter backoff. */
    @Test
    void aRetryAfterOfA429IsWaitedFor() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<Long> times = new CopyOnWriteArrayList<>();
        server.createContext("/services/T0/B0/x", ex -> {
            times.add(System.nanoTime());
            ex.getRequestBody().readAllBytes();
            if (arrivals.incrementAndGet() == 1) {
                ex.getResponseHeaders().add("Retry-After", "1");
                ex.sendResponseHeaders(429, -1);
            } else {
                ex.sendResponseHeaders(200, -1);
            }
            ex.close();
        });
        server.start();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        WebhookAlerts alerts = new WebhookAlerts(List.of(new WebhookAlerts.Hook("slack",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/services/T0/B0/x"))), meters, 10);
        alerts.offer("budget_alerts", Map.of("slack", "{}"), "x");
        await(() -> count(meters, "switchboard.alerts.sent", "slack") == 1);
        assertThat(times).hasSize(2);
        assertThat(Duration.ofNanos(times.get(1) - times.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        alerts.close(Duration.ofSeconds(1));
        assertThat(WebhookAlerts.retryAfterMillis("3")).isEqualTo(3_000);
        assertThat(WebhookAlerts.retryAfterMillis("3600")).as("too long: the usual backoff").isZero();
        assertThat(WebhookAlerts.retryAfterMillis("Wed, 21 Oct 2026 07:28:00 GMT")).isZero();
    }

    /** A Slack hook's path is its token: a failure's WARN line names the channel and host, never the path. */
    @Test
    void aFailureIsLoggedWithoutTheHooksSecretPath() throws Exception {
        URI url = receiver(100, 404);
        URI secret = URI.create(url.toString().replace("/hook/secret-path", "/hook/secret-path?token=" + "tok" + "123"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (var log = dev.switchboard.support.LogCapture.of("switchboard.alerts")) {
            WebhookAlerts alerts = new WebhookAlerts(List.of(new WebhookAlerts.Hook("slack", secret)), meters, 10);
            alerts.offer("budget_alerts", Map.of("slack", "{}"), "budget_crossed of key 'a'");
            await(() -> count(meters, "switchboard.alerts.failed", "slack") == 1);
            alerts.close(Duration.ofSeconds(1));
            assertThat(log.lines()).singleElement().asString()
                    .isEqualTo("WARN budget_alerts alert budget_crossed of key 'a' not delivered to slack http://127.0.0.1:"
                            + url.getPort() + ": HTTP 404 (1 try)");
        }
        assertThat(WebhookAlerts.withoutUrl("ConnectException: " + secret + " refused", secret))
                .isEqualTo("ConnectException: http://127.0.0.1:" + url.getPort() + "/… refused");
        assertThat(WebhookAlerts.withoutUrl("bad path /hook/secret-path", secret)).isEqualTo("bad path /…");
    }

    /**
     * QA of the fortieth session: a webhook that hangs (accepts, never answers) held the Slack message of the same alert
     * behind it — one sender posted to the hooks in turn, each try waiting up to 10 s, four tries — and every later alert
     * too. Each hook now has its own sender: the working channel gets the alert at once.
     */
    @Test
    void aHangingReceiverDoesNotHoldAnotherChannelsAlerts() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        URI good = receiver(0, 200);
        try (java.net.ServerSocket hanging = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) held.add(hanging.accept()); // read nothing, answer nothing
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            URI dead = URI.create("http://127.0.0.1:" + hanging.getLocalPort() + "/hook");
            WebhookAlerts alerts = new WebhookAlerts(List.of(new WebhookAlerts.Hook("webhook", dead), new WebhookAlerts.Hook("slack", good)),
                    meters, 10);
            long start = System.nanoTime();
            alerts.offer("budget_alerts", Map.of("webhook", "{\"event\":\"a\"}", "slack", "{\"text\":\"a\"}"), "a");
            alerts.offer("budget_alerts", Map.of("webhook", "{\"event\":\"b\"}", "slack", "{\"text\":\"b\"}"), "b");
            await(() -> count(meters, "switchboard.alerts.sent", "slack") == 2);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(bodies).containsExactly("{\"text\":\"a\"}", "{\"text\":\"b\"}");
            assertThat(count(meters, "switchboard.alerts.sent")).isZero();
            alerts.close(Duration.ofMillis(100));
            assertThat(count(meters, "switchboard.alerts.failed") + count(meters, "switchboard.alerts.dropped"))
                    .as("the hanging hook's two alerts are counted as not delivered at close").isEqualTo(2);
            for (java.net.Socket s : held) s.close();
            acceptor.interrupt();
        }
    }

    @Test
    void eachHooksSenderThreadIsNamedByItsChannelAndPlaceNeverItsUrl() throws Exception {
        URI url = receiver(0, 200);
        var alerts = new WebhookAlerts(List.of(new WebhookAlerts.Hook("webhook", url), new WebhookAlerts.Hook("slack", url)),
                new SimpleMeterRegistry(), 10);
        try {
            assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
                    .contains("switchboard-alerts-webhook-1", "switchboard-alerts-slack-2")
                    .noneMatch(n -> n.contains("secret-path"));
        } finally {
            alerts.close(Duration.ofMillis(100));
        }
    }

    @Test
    void anAlertOfferedAfterCloseIsCountedAsDroppedAndNeverLeftInAQueue() throws Exception {
        var registry = new SimpleMeterRegistry();
        var alerts = new WebhookAlerts(webhook(receiver(0, 200)), registry, 10);
        alerts.close(Duration.ofMillis(100));
        alerts.offer("budget_alerts", json("{}"), "late");
        assertThat(alerts.pending()).isZero();
        assertThat(count(registry, "switchboard.alerts.dropped")).isEqualTo(1);
    }
}
