package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OTLP exporter with its posts on a Vert.x HTTP client of its own: bodies, headers, retries as the SDK's senders
 * make them, its threads named and gone once the exporter is shut down.
 */
class VertxHttpSenderTest {
    /** the test's own event loop (the gateway's stand-in), not the sender's */
    private Vertx vertx;
    private HttpServer collector;
    private final Queue<byte[]> bodies = new ConcurrentLinkedQueue<>();
    private final Queue<String> authorizations = new ConcurrentLinkedQueue<>();
    /** the statuses the collector answers, in turn; 200 once they are used up */
    private final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", ex -> {
            try (ex) {
                bodies.add(ex.getRequestBody().readAllBytes());
                authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("authorization")));
                Integer status = statuses.poll();
                ex.sendResponseHeaders(status == null ? 200 : status, -1);
            }
        });
        collector.start();
    }

    @AfterEach
    void stop() {
        collector.stop(0);
        vertx.close().await();
    }

    private OtlpHttpSpanExporter exporter() {
        return OtlpHttpSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + collector.getAddress().getPort() + "/otel/v1/traces")
                .addHeader("authorization", "Basic abc")
                .setTimeout(Duration.ofSeconds(5))
                .setRetryPolicy(RetryPolicy.builder().setInitialBackoff(Duration.ofMillis(5)).setMaxBackoff(Duration.ofMillis(20)).build())
                .setComponentLoader(Tracing.ownSender())
                .build();
    }

    private static List<SpanData> spans(int n) {
        InMemorySpanExporter memory = InMemorySpanExporter.create();
        try (SdkTracerProvider p = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(memory)).build()) {
            for (int i = 0; i < n; i++) {
                p.get("test").spanBuilder("chat " + i).startSpan()
                        .setAttribute(AttributeKey.stringKey("langfuse.observation.input"), "Grüße ".repeat(50)).end();
            }
            return memory.getFinishedSpanItems();
        }
    }

    @Test
    void aBatchArrivesAsOneProtobufPostWithTheHeaders() throws Exception {
        try (OtlpHttpSpanExporter e = exporter()) {
            CompletableResultCode r = e.export(spans(20)).join(5, TimeUnit.SECONDS);
            assertThat(r.isSuccess()).isTrue();
        }
        assertThat(bodies).hasSize(1);
        ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(bodies.peek());
        assertThat(req.getResourceSpans(0).getScopeSpans(0).getSpansCount()).isEqualTo(20);
        assertThat(req.getResourceSpans(0).getScopeSpans(0).getSpans(3).getAttributes(0).getValue().getStringValue())
                .isEqualTo("Grüße ".repeat(50));
        assertThat(authorizations).containsExactly("Basic abc");
    }

    @Test
    void aBusyCollectorIsAskedAgainWithTheSameBody() throws Exception {
        statuses.addAll(List.of(503, 429));
        try (OtlpHttpSpanExporter e = exporter()) {
            assertThat(e.export(spans(3)).join(5, TimeUnit.SECONDS).isSuccess()).isTrue();
        }
        assertThat(bodies).hasSize(3);
        byte[] first = bodies.poll();
        assertThat(bodies).allSatisfy(b -> assertThat(b).isEqualTo(first));
        assertThat(ExportTraceServiceRequest.parseFrom(first).getResourceSpans(0).getScopeSpans(0).getSpansCount()).isEqualTo(3);
    }

    @Test
    void aRefusalIsNotRetriedAndFailsTheExport() {
        statuses.add(400);
        assertTheExportFails();
        assertThat(bodies).hasSize(1);
    }

    @Test
    void aCollectorThatIsDownFailsTheExportWithinItsAttempts() {
        collector.stop(0);
        assertTheExportFails();
    }

    /** Two spans exported: the result is done within the timeout, and failed. */
    private void assertTheExportFails() {
        try (OtlpHttpSpanExporter e = exporter()) {
            CompletableResultCode r = e.export(spans(2)).join(5, TimeUnit.SECONDS);
            assertThat(r.isDone()).isTrue();
            assertThat(r.isSuccess()).isFalse();
        }
    }

    /**
     * A collector whose answer (head and body) arrives in one read. The export is asked for from a thread that is not
     * the sender's (the batch processor's): the response's handlers must be set before Vert.x handles its body and end,
     * or Vert.x refuses them (IllegalStateException) and the batch is lost (bench/run.sh's row (f) lost 1,024-span
     * batches so, under load).
     */
    @Test
    void anAnswerThatArrivesWholeInOneReadIsRead() throws Exception {
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon().start(() -> answerWholeInOneWrite(raw));
            try (OtlpHttpSpanExporter e = OtlpHttpSpanExporter.builder()
                    .setEndpoint("http://127.0.0.1:" + raw.getLocalPort() + "/v1/traces")
                    .setTimeout(Duration.ofSeconds(5)).setRetryPolicy(null)
                    .setComponentLoader(Tracing.ownSender()).build()) {
                List<SpanData> batch = spans(1);
                for (int i = 0; i < 300; i++) {
                    assertThat(e.export(batch).join(5, TimeUnit.SECONDS).isSuccess()).as("export %d", i).isTrue();
                }
            }
            server.interrupt();
        }
    }

    /** Reads each request on a kept-alive connection and answers it with one write of its head and a small body. */
    private static void answerWholeInOneWrite(java.net.ServerSocket raw) {
        byte[] answer = "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 2\r\n\r\n\u0000\u0000"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        while (!raw.isClosed()) {
            try (java.net.Socket s = raw.accept()) {
                var in = new java.io.DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
                var out = s.getOutputStream();
                while (true) {
                    int length = 0;
                    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                        if (line.regionMatches(true, 0, "content-length:", 0, 15)) length = Integer.parseInt(line.substring(15).trim());
                    }
                    in.readFully(new byte[length]);
                    out.write(answer);
                    out.flush();
                }
            } catch (java.io.IOException ignored) {
                // the connection (or the socket) closed: take the next
            }
        }
    }

    private static String readLine(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) throw new java.io.EOFException();
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }

    @Test
    void anExportFromAnEventLoopIsMarshalledOffIt() throws Exception {
        AtomicInteger offLoop = new AtomicInteger();
        Queue<String> writers = new ConcurrentLinkedQueue<>();
        try (OtlpHttpSpanExporter e = exporter()) {
            List<SpanData> batch = spans(5).stream().<SpanData>map(d -> new io.opentelemetry.sdk.trace.data.DelegatingSpanData(d) {
                @Override
                public String getName() {
                    if (!io.vertx.core.Context.isOnEventLoopThread()) offLoop.incrementAndGet();
                    writers.add(Thread.currentThread().getName());
                    return super.getName();
                }
            }).toList();
            CompletableFuture<CompletableResultCode> started = new CompletableFuture<>();
            vertx.runOnContext(v -> started.complete(e.export(batch)));
            assertThat(started.get(5, TimeUnit.SECONDS).join(5, TimeUnit.SECONDS).isSuccess()).isTrue();
        }
        assertThat(ExportTraceServiceRequest.parseFrom(bodies.poll()).getResourceSpans(0).getScopeSpans(0).getSpansCount()).isEqualTo(5);
        assertThat(offLoop.get()).as("names read while the body was written, off the event loop").isGreaterThanOrEqualTo(5);
        assertThat(writers).as("on the sender's own worker thread").contains("switchboard-otlp-worker-0");
    }

    @Test
    void itsThreadsAreItsOwnNamedAndEndWithTheExporter() throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> otlpThreads().isEmpty()); // an earlier test's, ending
        OtlpHttpSpanExporter e = exporter();
        assertThat(e.export(spans(2)).join(5, TimeUnit.SECONDS).isSuccess()).isTrue();
        // one event loop of its own; no worker thread, since nothing was exported from an event loop
        assertThat(otlpThreads()).extracting(Thread::getName).containsExactly("switchboard-otlp-eventloop-0");
        assertThat(otlpThreads()).allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
        assertThat(e.shutdown().join(5, TimeUnit.SECONDS).isSuccess()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> otlpThreads().isEmpty());
        assertThat(bodies).hasSize(1);
    }

    @Test
    void threadNamesSayWhoseTheyAre() {
        assertThat(OtlpVertx.threadName("vert.x-eventloop-thread-0")).isEqualTo("switchboard-otlp-eventloop-0");
        assertThat(OtlpVertx.threadName("vert.x-worker-thread-0")).isEqualTo("switchboard-otlp-worker-0");
    }

    private static List<Thread> otlpThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(OtlpVertx.THREAD_PREFIX)).toList();
    }
}
