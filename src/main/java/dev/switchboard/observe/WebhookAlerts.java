package dev.switchboard.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts behind the request path, to every {@link Hook}: LiteLLM's {@code webhook} channel (its JSON to
 * {@code WEBHOOK_URL}) and its {@code slack} channel (a Slack incoming-webhook message to {@code SLACK_WEBHOOK_URL}),
 * each hook getting the body made for its channel. {@link #offer} only puts the alert in a bounded queue (no wait, no
 * I/O) of each hook, and that hook's own thread ({@code switchboard-alerts-webhook-1}, {@code switchboard-alerts-slack-2}:
 * channel and place in the list, never the URL, which may hold a secret) posts it, retrying a failure (no answer, 408, 429, 5xx)
 * with backoff ({@link #ATTEMPTS} tries, 1 s, 2 s, 4 s apart, or longer when a 429 or 503 asks for it in
 * {@code Retry-After}, up to {@link #MAX_RETRY_AFTER_SECONDS}). Each hook has its own queue and thread, so a receiver
 * that is down or hangs (each try waits up to 10 s: some 47 s an alert) delays only its own alerts, never another
 * channel's (one sender for all made a hanging webhook hold the Slack messages behind it). An alert that is not delivered — the queue full, the
 * tries used up, another 4xx — is counted ({@code switchboard_alerts_dropped_total} /
 * {@code switchboard_alerts_failed_total}) and logged in one WARN line; {@code switchboard_alerts_sent_total} counts
 * those delivered; each labelled by {@code alert_type} and {@code channel}. A URL's path and query hold a secret (a
 * Slack hook's token): logs name only its scheme, host and port, and a failure's text has the URL taken out.
 */
public final class WebhookAlerts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("switchboard.alerts");
    /** Tries per alert and URL. */
    static final int ATTEMPTS = 4;
    /** Alerts queued at most; more are dropped (counted and logged), so a dead receiver never holds memory. */
    static final int QUEUE = 1_000;
    /** The longest {@code Retry-After} waited for; a longer one waits the usual backoff. */
    static final int MAX_RETRY_AFTER_SECONDS = 30;

    /**
     * One place alerts are posted to.
     *
     * @param channel LiteLLM's channel name ({@code webhook}, {@code slack}): picks the body, and labels the metrics
     */
    public record Hook(String channel, URI url) {}

    private record Item(String type, Map<String, String> bodies, String what) {}

    /** One hook with its own queue and sender thread. */
    private record Lane(Hook hook, BlockingQueue<Item> queue, Thread[] sender) {}

    private final List<Hook> hooks;
    private final List<Lane> lanes;
    private final HttpClient client;
    private final long backoffMillis;
    private final MeterRegistry registry;
    private volatile boolean closing;

    /** @param backoffMillis the wait before the second try (doubled before each next one): 1000 */
    public WebhookAlerts(List<Hook> hooks, MeterRegistry registry, long backoffMillis) {
        this.hooks = List.copyOf(hooks);
        this.registry = registry;
        this.backoffMillis = backoffMillis;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        List<Lane> made = new java.util.ArrayList<>();
        for (int i = 0; i < this.hooks.size(); i++) {
            Hook h = this.hooks.get(i);
            Lane lane = new Lane(h, new ArrayBlockingQueue<>(QUEUE), new Thread[1]);
            lane.sender()[0] = Thread.ofPlatform().daemon().name("switchboard-alerts-" + h.channel() + "-" + (i + 1)).unstarted(() -> run(lane));
            made.add(lane);
        }
        this.lanes = List.copyOf(made);
        for (Lane l : lanes) l.sender()[0].start();
    }

    /**
     * Queues an alert of {@code type} (LiteLLM's alert type, {@code budget_alerts}) for every hook; never waits.
     *
     * @param bodies each channel's body (a hook whose channel has none is skipped)
     * @param what   what the alert is about, for a log line (no secret)
     */
    public void offer(String type, Map<String, String> bodies, String what) {
        Item item = new Item(type, Map.copyOf(bodies), what);
        for (Lane lane : lanes) {
            if (!item.bodies().containsKey(lane.hook().channel())) continue;
            boolean queued = !closing && lane.queue().offer(item);
            // close() may have begun between the check and the offer, its sender already gone: take the alert back
            if (queued && closing && lane.queue().remove(item)) queued = false;
            if (!queued) {
                dropped(item, lane.hook());
                log.warn("{} alert {} dropped for {} {}: {}", type, what, lane.hook().channel(), where(lane.hook().url()),
                        closing ? "the gateway is stopping" : QUEUE + " alerts are already waiting to be sent (the receiver is slow or down)");
            }
        }
    }

    /** Alerts waiting to be sent (each hook's counted). */
    public int pending() { return lanes.stream().mapToInt(l -> l.queue().size()).sum(); }

    private void run(Lane lane) {
        while (!Thread.currentThread().isInterrupted()) {
            Item item;
            try {
                item = closing ? lane.queue().poll() : lane.queue().poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (item == null) {
                if (closing) return;
                continue;
            }
            String body = item.bodies().get(lane.hook().channel());
            if (body != null) post(item, lane.hook(), body);
        }
    }

    private void post(Item item, Hook hook, String body) {
        URI url = hook.url();
        String problem = null;
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long wait = backoffMillis;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            boolean retry;
            long asked = 0;
            try {
                HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
                int status = r.statusCode();
                if (status >= 200 && status < 300) {
                    counter("switchboard.alerts.sent", "Alerts the receiver took (a 2xx answer)", item.type(), hook.channel())
                            .increment();
                    log.info("{} alert {} sent to {} {}", item.type(), item.what(), hook.channel(), where(url));
                    return;
                }
                problem = "HTTP " + status;
                retry = status == 408 || status == 429 || status >= 500;
                if (status == 429 || status == 503) asked = retryAfterMillis(r.headers().firstValue("Retry-After").orElse(null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "the gateway stopped";
                retry = false;
            } catch (java.io.IOException | IllegalArgumentException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                retry = true;
            }
            if (!retry || attempt == ATTEMPTS || closing) {
                fail(item, hook, problem, attempt);
                return;
            }
            try {
                Thread.sleep(Math.max(wait, asked));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(item, hook, problem + ", then the gateway stopped", attempt);
                return;
            }
            wait *= 2;
        }
    }

    /** A {@code Retry-After} of whole seconds (Slack's form) up to {@link #MAX_RETRY_AFTER_SECONDS}, in ms; else 0. */
    static long retryAfterMillis(String header) {
        if (header == null) return 0;
        try {
            long s = Long.parseLong(header.trim());
            return s < 0 || s > MAX_RETRY_AFTER_SECONDS ? 0 : s * 1000;
        } catch (NumberFormatException e) {
            return 0; // an HTTP date: the usual backoff
        }
    }

    private void fail(Item item, Hook hook, String problem, int attempts) {
        counter("switchboard.alerts.failed", "Alerts the receiver did not take after the tries (no answer, or not a 2xx)",
                item.type(), hook.channel()).increment();
        log.warn("{} alert {} not delivered to {} {}: {} ({} {})", item.type(), item.what(), hook.channel(), where(hook.url()),
                dev.switchboard.model.LogSafe.text(withoutUrl(problem, hook.url())), attempts, attempts == 1 ? "try" : "tries");
    }

    private void dropped(Item item, Hook h) {
        counter("switchboard.alerts.dropped", "Alerts not sent: the queue was full or the gateway was stopping",
                item.type(), h.channel()).increment();
    }

    private Counter counter(String name, String description, String type, String channel) {
        return Counter.builder(name).description(description).tag("alert_type", type).tag("channel", channel).register(registry);
    }

    /** Scheme, host and port only: the path of a hook URL may be its secret. */
    static String where(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    /** A failure's text with the URL, its path and its query taken out (an exception may quote the URL it was for). */
    static String withoutUrl(String problem, URI url) {
        if (problem == null) return null;
        String out = problem.replace(url.toString(), where(url) + "/…");
        for (String part : new String[] {url.getRawPath(), url.getPath(), url.getRawQuery(), url.getQuery()}) {
            if (part != null && part.length() > 1) out = out.replace(part, "/…");
        }
        return out;
    }

    /** Sends what is queued for up to {@code grace}, then stops (what is left is counted as dropped). */
    public void close(Duration grace) {
        closing = true;
        long deadline = System.nanoTime() + grace.toNanos(); // one grace for all the hooks, which drain side by side
        for (Lane l : lanes) {
            try {
                l.sender()[0].join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Lane l : lanes) if (l.sender()[0].isAlive()) l.sender()[0].interrupt(); // a post under way ends (failed), no other begins
        int left = 0;
        for (Lane l : lanes) {
            try {
                l.sender()[0].join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<Item> rest = new java.util.ArrayList<>();
            l.queue().drainTo(rest);
            for (Item i : rest) dropped(i, l.hook());
            left += rest.size();
        }
        if (left > 0) log.warn("{} queued alerts dropped: the gateway stopped before the receivers took them", left);
        client.close();
    }

    @Override
    public void close() { close(Duration.ofSeconds(3)); }
}
