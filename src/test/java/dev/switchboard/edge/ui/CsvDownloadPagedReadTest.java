package dev.switchboard.edge.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.account.SpendLedger;
import dev.switchboard.account.SpendQuery;
import dev.switchboard.account.SpendRecord;
import dev.switchboard.account.SpendReports;
import dev.switchboard.store.Database;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV download's read of the ledger ({@link SpendReports#export}) while a slow client holds the download, through a
 * real socket as in {@link CsvDownloadTest}: the read is in keyset pages, each a short transaction, so while the client
 * reads nothing no connection is borrowed from the pool and, on SQLite, a WAL checkpoint passes every frame (before: one
 * transaction for the whole file, up to the 5-minute deadline: a snapshot the checkpointer could not pass, on PostgreSQL
 * a connection and an open transaction). The file still holds every row once, newest first: a newer call written while
 * the client stalls is not in it, an older row written late (after the rows read) is.
 */
class CsvDownloadPagedReadTest {
    /** ~1 KB a row: 3,000 rows are ~3 MB, far more than the socket's buffers. */
    static final int ROWS = 3_000;
    static final String LONG = "m".repeat(900);

    @TempDir
    Path dir;
    Database db;
    SpendLedger ledger;
    Vertx vertx;
    HttpServer server;
    final AtomicInteger read = new AtomicInteger();
    final CompletableFuture<Void> sent = new CompletableFuture<>();

    /** The database under test; PostgreSQL in {@link CsvDownloadPagedReadPostgresTest}. No timed WAL checkpoint. */
    Database openDatabase() { return Database.open(null, dir.resolve("export.db").toString(), 3_600_000); }

    static SpendRecord call(String id, long endedAt) {
        return new SpendRecord(id, 0, endedAt - 500, endedAt, "key_csv", "csv-app", null, "chat", "alias-" + LONG,
                "openai/" + LONG, "primary", null, "miss", 10, 20, 0, 0, 0, false, 1_000L, 0, true, 500L, null, 200, null, List.of());
    }

    @BeforeEach
    void start() throws Exception {
        db = openDatabase();
        ledger = new SpendLedger(db, 60_000);
        for (int i = 0; i < ROWS; i++) ledger.record(call(String.format("r%05d", i), 10_000_000L + i * 1_000L));
        assertThat(ledger.flush()).isTrue();
        SpendReports reports = new SpendReports(db, ledger);
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setSendBufferSize(4096)).requestHandler(req ->
                CsvDownload.send(vertx.getOrCreateContext(), req.response(), 10_000,
                        sink -> reports.export(SpendQuery.ALL, 10_000, r -> {
                            read.incrementAndGet();
                            sink.accept(dev.switchboard.edge.admin.SpendJson.row(r));
                        }),
                        r -> r.putHeader("content-type", "text/csv; charset=utf-8"),
                        (r, t) -> r.setStatusCode(500).end("failed: " + t.getMessage())).onComplete(ar -> {
                    if (ar.succeeded()) sent.complete(null);
                    else sent.completeExceptionally(ar.cause());
                })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ledger.close();
        db.close();
    }

    int borrowed() {
        return ((com.zaxxer.hikari.HikariDataSource) db.dataSource()).getHikariPoolMXBean().getActiveConnections();
    }

    @Test
    void aStalledClientHoldsNoReadAndTheFileIsStillEveryRowOnce() throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET /x.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) throw new AssertionError("closed after " + head);
                head.append((char) b);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 200");
            Thread.sleep(500); // the client reads nothing: the download waits for it
            assertThat(read.get()).as("rows read ahead of a client that reads nothing").isLessThan(ROWS);
            assertThat(sent).isNotDone();
            assertThat(borrowed()).as("connections borrowed while the client stalls").isZero();
            // written meanwhile: a newer call (not in the file) and an older row that came late (after the rows read)
            ledger.record(call("newer", 90_000_000L));
            ledger.record(call("late", 9_000_000L));
            assertThat(ledger.flush()).isTrue();
            if (db.kind() == Database.Kind.SQLITE) {
                try (var c = db.connection(); var st = c.createStatement(); var rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("the checkpoint was blocked by a reader (busy)").isZero();
                }
            }
            String body = CsvDownloadTest.dechunk(in);
            String[] lines = body.split("\r\n");
            assertThat(lines).hasSize(1 + ROWS + 1);
            for (int i = 0; i < ROWS; i++) assertThat(lines[1 + i]).contains(String.format(",r%05d,", ROWS - 1 - i));
            assertThat(lines[1 + ROWS]).contains(",late,");
            assertThat(body).doesNotContain(",newer,");
        }
        sent.get(10, TimeUnit.SECONDS);
    }
}
