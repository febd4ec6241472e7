import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds N concurrent streams against the gateway for a given time, for bench/streams.sh: each stream that ends is
 * replaced at once, so N stay open. Single file, no dependencies: {@code java StreamHold.java URL KEY MODEL N SECONDS CHUNK_MS}.
 *
 * <p>Every 10 s it prints one line: streams completed and failed in the slice, and how much longer than the upstream made
 * it wait a stream took (p50, p99, max; the upstream waits CHUNK_MS between its events, so a stream of E events was
 * made to wait (E - 1) x CHUNK_MS; the client asks for usage, so it sees every upstream event). At the end: totals.
 */
public final class StreamHold {
    public static void main(String[] a) throws Exception {
        String url = a[0], key = a[1], model = a[2];
        int n = Integer.parseInt(a[3]);
        long seconds = Long.parseLong(a[4]);
        long chunkMs = Long.parseLong(a[5]);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hold this stream open\"}]}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions")).timeout(Duration.ofSeconds(120))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        Semaphore open = new Semaphore(n);
        AtomicLong ok = new AtomicLong(), failed = new AtomicLong(), totalOk = new AtomicLong(), totalFailed = new AtomicLong();
        List<Long> excess = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread reporter = new Thread(() -> {
            long t0 = System.nanoTime();
            while (true) {
                try { Thread.sleep(10_000); } catch (InterruptedException e) { return; }
                List<Long> slice;
                synchronized (excess) { slice = new ArrayList<>(excess); excess.clear(); }
                Collections.sort(slice);
                long o = ok.getAndSet(0), f = failed.getAndSet(0);
                System.out.printf("t=%ds open=%d completed=%d failed=%d excess_ms p50=%d p99=%d max=%d%n",
                        (System.nanoTime() - t0) / 1_000_000_000L, n - open.availablePermits(), o, f,
                        pct(slice, 50), pct(slice, 99), slice.isEmpty() ? -1 : slice.get(slice.size() - 1));
            }
        });
        reporter.setDaemon(true);
        reporter.start();
        while (System.nanoTime() < end) {
            open.acquire();
            long start = System.nanoTime();
            client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, t) -> {
                open.release();
                if (t != null || r.statusCode() != 200 || !r.body().endsWith("data: [DONE]\n\n")) {
                    failed.incrementAndGet();
                    totalFailed.incrementAndGet();
                    return;
                }
                int events = r.body().split("\n\n").length;
                long ms = (System.nanoTime() - start) / 1_000_000;
                excess.add(ms - (events - 1) * chunkMs);
                ok.incrementAndGet();
                totalOk.incrementAndGet();
            });
        }
        open.acquire(n); // let the last ones finish
        System.out.printf("total completed=%d failed=%d%n", totalOk.get(), totalFailed.get());
        System.exit(0);
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }
}
