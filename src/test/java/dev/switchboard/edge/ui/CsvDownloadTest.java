package dev.switchboard.edge.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CSV download sent as its rows are read, through a real socket: a client that reads slowly sees the first bytes
 * before the last row is read and holds the read back (the rows read ahead of it are bounded, not the file), the bytes
 * are those of the file built whole, a client that goes away or stalls stops the read, and a read that fails after
 * the first byte resets the connection rather than ending a cut file cleanly.
 */
class CsvDownloadTest {
    /** ~520 bytes a row: 40,000 rows are ~21 MB, far more than a socket's buffers. */
    static final int ROWS = 40_000;
    static final String LONG = "m".repeat(480);

    Vertx vertx;
    HttpServer server;
    final AtomicInteger read = new AtomicInteger();
    final CompletableFuture<Void> sent = new CompletableFuture<>();
    volatile CsvDownload.Rows rows;
    volatile long stallMillis = CsvDownload.STALL_MILLIS;
    volatile long deadlineMillis = CsvDownload.DEADLINE_MILLIS;
    volatile java.util.function.BiConsumer<io.vertx.core.http.HttpServerResponse, Throwable> fail =
            (r, t) -> r.setStatusCode(500).end("failed: " + t.getMessage());
    /** The server's socket send buffer (0: the system's): small, so a client that reads nothing holds even a short file. */
    volatile int sendBuffer;

    static JsonNode row(int i) {
        ObjectNode r = DashboardFigures.JSON.createObjectNode();
        r.put("request_id", "r-" + i).put("attempt", 0).put("app", "app, \"" + (i % 7) + "\"").put("model", "=" + LONG)
                .put("spend", 0.00001 * i).put("prompt_tokens", i).putNull("error_message");
        return r;
    }

    /** The file built whole, as before the download was streamed. */
    static String whole(int n) {
        RequestsCsv csv = new RequestsCsv(n);
        for (int i = 0; i < n; i++) csv.row(row(i));
        return csv.finish(false).toString(StandardCharsets.UTF_8);
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        rows = sink -> {
            for (int i = 0; i < ROWS; i++) {
                read.incrementAndGet();
                sink.accept(row(i));
            }
            return false;
        };
        io.vertx.core.http.HttpServerOptions options = new io.vertx.core.http.HttpServerOptions();
        if (sendBuffer > 0) options.setSendBufferSize(sendBuffer);
        server = vertx.createHttpServer(options).requestHandler(req -> {
            Future<Void> f = CsvDownload.send(vertx.getOrCreateContext(), req.response(), ROWS, rows,
                    r -> r.putHeader("content-type", "text/csv; charset=utf-8"), fail, stallMillis, deadlineMillis);
            f.onComplete(ar -> {
                if (ar.succeeded()) sent.complete(null);
                else sent.completeExceptionally(ar.cause());
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A GET on a socket with a small receive buffer, read up to the end of the headers. */
    Socket open(StringBuilder head) throws IOException {
        return open(head, 4096);
    }

    /** The same with the given receive buffer (0: the system's). */
    Socket open(StringBuilder head, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5_000);
        s.setSoTimeout(30_000);
        s.getOutputStream().write("GET /x.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed after " + head);
            head.append((char) b);
        }
        return s;
    }

    /** A chunked body, de-chunked; throws when the connection ends before the last (empty) chunk. */
    static String dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) throw new IOException("cut after " + body.size() + " bytes");
                if (b != '\r') line.append((char) b);
            }
            int size = Integer.parseInt(line.toString().trim(), 16);
            if (size == 0) return body.toString(StandardCharsets.UTF_8);
            byte[] part = in.readNBytes(size);
            if (part.length < size) throw new IOException("cut after " + (body.size() + part.length) + " bytes");
            body.write(part);
            in.readNBytes(2);
        }
    }

    @Test
    void theFirstBytesLeaveBeforeTheLastRowIsReadAndASlowClientHoldsTheReadBack() throws Exception {
        StringBuilder head = new StringBuilder();
        try (Socket s = open(head)) {
            assertThat(head.toString()).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
            assertThat(read.get()).as("rows read when the headers arrived").isLessThan(ROWS);
            Thread.sleep(700); // the client reads nothing: the server's buffers fill and the read waits
            int ahead = read.get();
            assertThat(ahead).as("rows read ahead of a client that reads nothing").isLessThan(ROWS / 2);
            Thread.sleep(300);
            assertThat(read.get()).as("the read waits").isEqualTo(ahead);
            String body = dechunk(s.getInputStream());
            assertThat(body).isEqualTo(whole(ROWS)); // the same bytes as the file built whole
        }
        sent.get(10, TimeUnit.SECONDS);
        assertThat(read.get()).isEqualTo(ROWS);
    }

    @Test
    void aClientThatGoesAwayStopsTheRead() throws Exception {
        StringBuilder head = new StringBuilder();
        Socket s = open(head);
        Thread.sleep(300);
        s.setSoLinger(true, 0);
        s.close();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(sent::isDone);
        assertThat(sent).isCompletedExceptionally();
        int stopped = read.get();
        assertThat(stopped).isLessThan(ROWS);
        Thread.sleep(300);
        assertThat(read.get()).isEqualTo(stopped);
    }

    @Test
    void aClientThatReadsNothingForTheStallTimeEndsTheReadAndTheConnection() throws Exception {
        stop();
        stallMillis = 300;
        start();
        StringBuilder head = new StringBuilder();
        try (Socket s = open(head)) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(sent::isDone);
            assertThat(sent).isCompletedExceptionally();
            assertThat(read.get()).isLessThan(ROWS);
            // what the client had in its buffers, then a connection that ends before the last chunk
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dechunk(s.getInputStream())).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aReadThatFailsBeforeTheFirstByteIsAnErrorAndAfterItACutConnection() throws Exception {
        rows = sink -> { throw new IllegalStateException("store down"); };
        StringBuilder head = new StringBuilder();
        try (Socket s = open(head)) {
            assertThat(head.toString()).startsWith("HTTP/1.1 500");
        }
        AtomicReference<Integer> n = new AtomicReference<>(0);
        rows = sink -> {
            for (int i = 0; i < ROWS; i++) {
                if (i == ROWS / 2) throw new IllegalStateException("store down");
                n.set(i);
                sink.accept(row(i));
            }
            return false;
        };
        head.setLength(0);
        try (Socket s = open(head)) {
            assertThat(head.toString()).startsWith("HTTP/1.1 200");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dechunk(s.getInputStream())).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aClientThatKeepsReadingSlowlyIsCutAtTheDownloadsDeadline() throws Exception {
        // the stall limit is per chunk: a client taking a little every 20 ms never stalls, yet without a deadline for
        // the whole download it would hold the read (a worker, a connection, a snapshot) for as long as it likes
        stop();
        stallMillis = 10_000; // well past the time the test allows: only the deadline ends it in time
        deadlineMillis = 1_500;
        start();
        StringBuilder head = new StringBuilder();
        long started = System.nanoTime();
        try (Socket s = open(head, 0)) { // the system's buffers: a tiny TCP window stalls on its own
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try { // ~400 KB/s: a chunk in well under the stall limit, the ~21 MB file in about a minute
                while (!sent.isDone() && in.read(buf) >= 0) Thread.sleep(20);
            } catch (IOException cut) {
                // the reset
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(sent::isDone);
        }
        assertThat(sent).isCompletedExceptionally();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        int stopped = read.get();
        assertThat(stopped).isLessThan(ROWS);
        Thread.sleep(300);
        assertThat(read.get()).as("the read has ended").isEqualTo(stopped);
    }

    @Test
    void aFailAnswerThatThrowsStillEndsTheDownload() throws Exception {
        rows = sink -> { throw new IllegalStateException("store down"); };
        fail = (r, t) -> { throw new IllegalStateException("the error answer failed too"); };
        StringBuilder head = new StringBuilder();
        Socket s = new Socket();
        try (s) {
            s.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5_000);
            s.getOutputStream().write("GET /x.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // the future the caller's one-download flag waits on completes: a flag left set would refuse every download
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(sent::isDone);
        }
        assertThat(sent).isCompletedExceptionally();
    }

    @Test
    void aFileSentWholeByItsEndKeepsItsLengthAndItsEndIsHeldToTheStallLimit() throws Exception {
        stop();
        stallMillis = 400;
        sendBuffer = 4096;
        start();
        int n = 100; // ~52 KB: under a chunk, so the file goes by end() alone
        rows = sink -> {
            for (int i = 0; i < n; i++) sink.accept(row(i));
            return false;
        };
        StringBuilder head = new StringBuilder();
        try (Socket s = open(head)) {
            assertThat(head.toString()).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: ")
                    .doesNotContainIgnoringCase("transfer-encoding");
            // a client that takes none of it: end()'s future waits on the socket, and the stall limit ends it
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(sent::isDone);
            assertThat(sent).isCompletedExceptionally();
        }
    }
}
