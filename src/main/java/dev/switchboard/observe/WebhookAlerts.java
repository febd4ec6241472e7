package dev.switchboard.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts (LiteLLM's {@code alerting: ["webhook"]}: a JSON body to {@code WEBHOOK_URL}) behind the request path:
 * {@link #offer} only puts the alert in a bounded queue (no wait, no I/O), and the {@code switchboard-alerts} thread
 * posts each to every URL, retrying a failure (no answer, 408, 429, 5xx) with backoff ({@link #ATTEMPTS} tries, 1 s,
 * 2 s, 4 s apart). An alert that is not delivered — the queue full, the tries used up, another 4xx — is counted
 * ({@code switchboard_alerts_dropped_total} / {@code switchboard_alerts_failed_total}) and logged in one WARN line;
 * {@code switchboard_alerts_sent_total} counts those delivered. A URL's path and query can hold a secret (a chat
 * service's hook token): logs name only its scheme, host and port.
 */
public final class WebhookAlerts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("switchboard.alerts");
    /** Tries per alert and URL. */
    static final int ATTEMPTS = 4;
    /** Alerts queued at most; more are dropped (counted and logged), so a dead receiver never holds memory. */
    static final int QUEUE = 1_000;

    private record Item(String type, String body, String what) {}

    private final List<URI> urls;
    private final HttpClient client;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE);
    private final long backoffMillis;
    private final MeterRegistry registry;
    private final Thread sender;
    private volatile boolean closing;

    /** @param backoffMillis the wait before the second try (doubled before each next one): 1000 */
    public WebhookAlerts(List<URI> urls, MeterRegistry registry, long backoffMillis) {
        this.urls = List.copyOf(urls);
        this.registry = registry;
        this.backoffMillis = backoffMillis;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        this.sender = Thread.ofPlatform().daemon().name("switchboard-alerts").unstarted(this::run);
        sender.start();
    }

    /**
     * Queues an alert of {@code type} (LiteLLM's alert type, {@code budget_alerts}) for every URL; never waits.
     *
     * @param what what the alert is about, for a log line (no secret)
     */
    public void offer(String type, String body, String what) {
        if (closing || !queue.offer(new Item(type, body, what))) {
            counter("switchboard.alerts.dropped", "Alerts not sent: the queue was full or the gateway was stopping", type)
                    .increment(urls.size());
            log.warn("{} alert {} dropped: {}", type, what, closing ? "the gateway is stopping"
                    : QUEUE + " alerts are already waiting to be sent (the webhook is slow or down)");
        }
    }

    /** Alerts waiting to be sent. */
    public int pending() { return queue.size(); }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            Item item;
            try {
                item = closing ? queue.poll() : queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (item == null) {
                if (closing) return;
                continue;
            }
            for (URI url : urls) {
                if (Thread.currentThread().isInterrupted()) return;
                post(item, url);
            }
        }
    }

    private void post(Item item, URI url) {
        String problem = null;
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(item.body())).build();
        long wait = backoffMillis;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            boolean retry;
            try {
                HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
                int status = r.statusCode();
                if (status >= 200 && status < 300) {
                    counter("switchboard.alerts.sent", "Alerts the webhook took (a 2xx answer)", item.type()).increment();
                    log.info("{} alert {} sent to {}", item.type(), item.what(), where(url));
                    return;
                }
                problem = "HTTP " + status;
                retry = status == 408 || status == 429 || status >= 500;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "the gateway stopped";
                retry = false;
            } catch (java.io.IOException | IllegalArgumentException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                retry = true;
            }
            if (!retry || attempt == ATTEMPTS || closing) {
                fail(item, url, problem, attempt);
                return;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(item, url, problem + ", then the gateway stopped", attempt);
                return;
            }
            wait *= 2;
        }
    }

    private void fail(Item item, URI url, String problem, int attempts) {
        counter("switchboard.alerts.failed", "Alerts the webhook did not take after the tries (no answer, or not a 2xx)", item.type())
                .increment();
        log.warn("{} alert {} not delivered to {}: {} ({} {})", item.type(), item.what(), where(url),
                dev.switchboard.model.LogSafe.text(problem), attempts, attempts == 1 ? "try" : "tries");
    }

    private Counter counter(String name, String description, String type) {
        return Counter.builder(name).description(description).tag("alert_type", type).register(registry);
    }

    /** Scheme, host and port only: the path of a hook URL may be its secret. */
    static String where(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    /** Sends what is queued for up to {@code grace}, then stops (what is left is counted as dropped). */
    public void close(Duration grace) {
        closing = true;
        try {
            sender.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            sender.interrupt(); // a post under way ends (counted as failed), and no other is begun
            try {
                sender.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int left = queue.size();
        queue.clear();
        if (left > 0) {
            counter("switchboard.alerts.dropped", "Alerts not sent: the queue was full or the gateway was stopping", "budget_alerts")
                    .increment((double) left * urls.size());
            log.warn("{} queued alerts dropped: the gateway stopped before the webhook took them", left);
        }
        client.close();
    }

    @Override
    public void close() { close(Duration.ofSeconds(3)); }
}
