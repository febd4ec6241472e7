package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.account.SpendLedger;
import dev.switchboard.account.SpendRecord;
import dev.switchboard.store.Database;
import dev.switchboard.support.Admin;
import dev.switchboard.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's CSV download of the Requests view, through a real socket, on a ledger of more rows than the file
 * holds (10,000), each about 1 KB (a long model name), so the file (~10 MB) is far more than the socket buffers take:
 * a client that stops reading holds the download open. One download at a time: a second one while the first is still
 * being SENT is a 429 (the flag was cleared when the body was built, so a second 10,000-row read could start beside
 * a first still being written), and a client that goes away frees the slot.
 */
class DashboardCsvExportIT {
    static final int ROWS = 10_050;
    static final String LONG = "m".repeat(900);
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        String db = TestGateway.tempDatabase();
        seed(db, ROWS, System.currentTimeMillis());
        gw = TestGateway.startOn(loopRecordingVertx(), TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """ + "  database_path: \"" + db + "\"\n");
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    /** The event loop (its thread's name) that read the last request of each client port, as the server saw it. */
    static final java.util.Map<Integer, String> LOOP_OF_PORT = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The gateway's Vert.x (two event loops, as TestGateway's) with Vert.x's metrics SPI recording which loop read each
     * connection's request ({@code requestBegin} runs on the connection's loop): the test knows, rather than assumes,
     * that two requests were served by different loops.
     */
    static io.vertx.core.Vertx loopRecordingVertx() {
        io.vertx.core.spi.VertxMetricsFactory metrics = options -> new io.vertx.core.spi.metrics.VertxMetrics() {
            @Override
            public io.vertx.core.spi.metrics.HttpServerMetrics<?, ?, ?> createHttpServerMetrics(
                    io.vertx.core.http.HttpServerOptions o, io.vertx.core.net.SocketAddress local) {
                return new io.vertx.core.spi.metrics.HttpServerMetrics<Object, Object, io.vertx.core.net.SocketAddress>() {
                    @Override
                    public io.vertx.core.net.SocketAddress connected(io.vertx.core.net.SocketAddress remote, String name) {
                        return remote;
                    }

                    @Override
                    public Object requestBegin(io.vertx.core.net.SocketAddress remote,
                                               io.vertx.core.spi.observability.HttpRequest request) {
                        if (remote != null) LOOP_OF_PORT.put(remote.port(), Thread.currentThread().getName());
                        return null;
                    }
                };
            }
        };
        return io.vertx.core.Vertx.builder().with(new io.vertx.core.VertxOptions().setEventLoopPoolSize(2)
                .setMetricsOptions(new io.vertx.core.metrics.MetricsOptions().setEnabled(true))).withMetrics(metrics).build();
    }

    static int port() { return Integer.parseInt(gw.baseUrl().replaceAll(".*:", "")); }

    /** A GET of the CSV on a fresh connection that the server closes after it (Connection: close): status line and loop. */
    static String[] downloadOnAFreshConnection() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET /ui/api/requests.csv HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + TestGateway.MASTER_KEY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            StringBuilder status = new StringBuilder();
            InputStream in = s.getInputStream();
            for (int b; (b = in.read()) != '\r'; ) {
                if (b < 0) throw new AssertionError("closed after " + status);
                status.append((char) b);
            }
            return new String[] {status.toString(), LOOP_OF_PORT.get(s.getLocalPort())};
        }
    }

    /** {@code rows} served calls of one key, one a second back from now, newest "r-0", through the real ledger writer. */
    static void seed(String path, int rows, long now) {
        try (Database db = Database.open(null, path)) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            for (int i = 0; i < rows; i++) {
                long ended = now - 60_000 - i * 1_000L;
                ledger.record(new SpendRecord("r-" + i, 0, ended - 500, ended, "key_csv", "csv-app", null, "chat",
                        "alias-" + i + "-" + LONG, "openai/" + LONG, "primary", null, "miss", 10 + i, 20, 0, 0, 0, false,
                        1_000L + i, 0, true, 500L, null, 200, null, List.of(), null));
            }
            ledger.close();
        }
    }

    /** A GET of the CSV on a socket whose receive buffer is small, read up to the end of the headers only. */
    static Socket openDownload(String query, StringBuilder head) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connect: the window the server may fill
        s.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /ui/api/requests.csv" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + TestGateway.MASTER_KEY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new AssertionError("closed after " + head);
            head.append((char) b);
        }
        return s;
    }

    /** The rest of a chunked body, de-chunked. */
    static String readChunked(InputStream in) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) throw new AssertionError("cut after " + body.size() + " bytes");
                if (b != '\r') line.append((char) b);
            }
            int size = Integer.parseInt(line.toString().trim(), 16);
            if (size == 0) {
                in.readNBytes(2);
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(in.readNBytes(size));
            in.readNBytes(2);
        }
    }

    static String readBody(String head, InputStream in) throws Exception {
        String lower = head.toLowerCase();
        int cl = lower.indexOf("content-length:");
        if (cl >= 0) {
            int n = Integer.parseInt(lower.substring(cl + 15, lower.indexOf("\r\n", cl)).trim());
            return new String(in.readNBytes(n), StandardCharsets.UTF_8);
        }
        assertThat(lower).contains("transfer-encoding: chunked");
        return readChunked(in);
    }

    @Test
    void aSecondDownloadWhileTheFirstIsStillBeingSentIsA429AndTheSlotFreesOnceItIsSent() throws Exception {
        StringBuilder head = new StringBuilder();
        try (Socket first = openDownload("", head)) {
            assertThat(head.toString()).startsWith("HTTP/1.1 200");
            Thread.sleep(500); // the client reads nothing meanwhile: the file waits in the server's buffers
            HttpResponse<String> second = admin.get("/ui/api/requests.csv");
            assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
            assertThat(second.headers().firstValue("retry-after")).isPresent();
            assertThat(second.body()).contains("export_in_progress");
            String body = readBody(head.toString(), first.getInputStream());
            String[] lines = body.split("\r\n");
            assertThat(lines).hasSize(1 + 10_000 + 1); // header, the cap's rows, the line saying the file stops there
            assertThat(lines[1]).contains("r-0,");
        }
        // sent: the next download is served
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/ui/api/requests.csv").statusCode() == 200);
    }

    /**
     * The one-download flag is the process's, not an event loop's: a download asked on a connection that the server's
     * metrics show was served by another loop than the first download's is refused too. Each try is a fresh connection
     * (Connection: close; Vert.x hands accepted connections to its loops in turn), so none is a kept-alive connection
     * of the loop that served the first; with the flag per loop (as when UiRoutes held it) this fails. Then a client
     * that goes away (a reset) frees the slot.
     */
    @Test
    void aDownloadServedByAnotherEventLoopIsRefusedTooAndAClientThatGoesAwayFreesTheSlot() throws Exception {
        StringBuilder head = new StringBuilder();
        Socket first = openDownload("", head);
        try {
            assertThat(head.toString()).startsWith("HTTP/1.1 200");
            String firstLoop = LOOP_OF_PORT.get(first.getLocalPort());
            assertThat(firstLoop).as("the loop that serves the first download").isNotNull();
            String otherLoop = null;
            for (int i = 0; i < 8 && otherLoop == null; i++) {
                String[] tried = downloadOnAFreshConnection();
                assertThat(tried[0]).as("a download on %s while %s sends one", tried[1], firstLoop).isEqualTo("HTTP/1.1 429 Too Many Requests");
                if (tried[1] != null && !tried[1].equals(firstLoop)) otherLoop = tried[1];
            }
            assertThat(otherLoop).as("a try served by an event loop other than the first download's (%s)", firstLoop).isNotNull();
        } finally {
            first.setSoLinger(true, 0); // a reset, as a browser's cancelled download
            first.close();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/ui/api/requests.csv").statusCode() == 200);
    }
}
