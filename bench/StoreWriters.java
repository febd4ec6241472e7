import dev.switchboard.account.SpendLedger;
import dev.switchboard.account.SpendRecord;
import dev.switchboard.observe.RequestLog;
import dev.switchboard.observe.RequestLogEntry;
import dev.switchboard.observe.RequestLogSettings;
import dev.switchboard.store.LogColumns;
import dev.switchboard.store.Database;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The store threads' CPU per request without the HTTP stack (bench/writers.sh): the real {@link SpendLedger} (which
 * writes a request's log columns in its ledger row since migration V11), {@link RequestLog} and WAL checkpointer on a SQLite file (or PostgreSQL with a URL), fed rows shaped like
 * bench/profile.sh's plain mode (master key, random request and trace ids, the prompt "hi", a short completion).
 * First {@code prefill} rows are written as fast as they go (the tables' size matters: random-key indexes touch more
 * pages as they grow), then rows arrive at {@code rate} per second for {@code seconds}, and each store thread's CPU
 * time (ThreadMXBean: SQLite's native time included) is divided by the rows of that window.
 *
 * <p>Usage: bench/writers.sh, or {@code java -cp target/switchboard.jar bench/StoreWriters.java DIR [rate] [seconds] [prefill] [url]}
 */
public final class StoreWriters {
    private static final HexFormat HEX = HexFormat.of();
    private static final boolean TIME_IDS = "time".equals(System.getenv("WRITERS_IDS"));
    private static final boolean TRACED = !"0".equals(System.getenv("WRITERS_TRACED"));

    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        int rate = a.length > 1 ? Integer.parseInt(a[1]) : 5_000;
        int seconds = a.length > 2 ? Integer.parseInt(a[2]) : 20;
        int prefill = a.length > 3 ? Integer.parseInt(a[3]) : 500_000;
        String url = a.length > 4 ? a[4] : null;
        String ddl = System.getenv().getOrDefault("WRITERS_DDL", "");
        Files.createDirectories(dir);
        // WRITERS_DIRECT=1: the batches are written on this thread, 500 rows at a time, and only that is timed (less noise
        // on a busy machine than the writer threads' own timers; the threads never wake)
        boolean direct = "1".equals(System.getenv("WRITERS_DIRECT"));
        long flushMillis = direct ? 3_600_000 : 1_000;
        try (Database db = Database.open(url, dir.resolve("w.db").toString(), direct ? 0 : Database.DEFAULT_CHECKPOINT_MILLIS);
             SpendLedger ledger = new SpendLedger(db, flushMillis);
             RequestLog log = new RequestLog(db, RequestLogSettings.DEFAULT, flushMillis, System::currentTimeMillis)) {
            if (!ddl.isBlank()) {
                try (Connection c = db.connection(); Statement s = c.createStatement()) {
                    for (String sql : ddl.split(";")) if (!sql.isBlank()) s.execute(sql);
                }
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < prefill; i++) {
                record(ledger, log);
                if (i % 5_000 == 4_999) { ledger.flush(); log.flush(); }
            }
            ledger.flush();
            log.flush();
            if (db.kind() == Database.Kind.SQLITE) {
                try (Connection c = db.connection(); Statement s = c.createStatement()) {
                    s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
            }
            System.out.printf("prefill %,d rows in %.1f s%n", prefill, (System.nanoTime() - t0) / 1e9);
            Thread.sleep(1_500);
            if (direct) {
                direct(db, ledger, log, rate * seconds);
                return;
            }
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            Map<String, Long> before = cpu(mx);
            long start = System.nanoTime();
            long sent = 0;
            for (int tick = 1; tick <= seconds * 100; tick++) {
                long due = (long) rate * tick / 100;
                for (; sent < due; sent++) record(ledger, log);
                long wait = start + tick * 10_000_000L - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            Thread.sleep(1_200); // the last rows' flush
            Map<String, Long> after = cpu(mx);
            double all = 0;
            for (var e : after.entrySet()) {
                double us = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e3 / sent;
                all += us;
                System.out.printf("  %6.1f us/row  %s%n", us, e.getKey());
            }
            System.out.printf("  %6.1f us/row  the store threads (%,d rows at %,d/s, ledger written %,d, log parts with it %,d, log rows alone %,d)%n",
                    all, sent, rate, ledger.written(), ledger.logPartsWritten(), log.written());
        }
    }

    private static void direct(Database db, SpendLedger ledger, RequestLog log, int rows) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long logNs = 0, ledgerNs = 0, checkpointNs = 0;
        int done = 0;
        while (done < rows) {
            for (int i = 0; i < 500; i++) record(ledger, log);
            done += 500;
            long t0 = mx.getCurrentThreadCpuTime();
            log.flush();
            long t1 = mx.getCurrentThreadCpuTime();
            ledger.flush();
            long t2 = mx.getCurrentThreadCpuTime();
            logNs += t1 - t0;
            ledgerNs += t2 - t1;
            if (done % 5_000 == 0 && db.kind() == Database.Kind.SQLITE) {
                try (Connection c = db.connection(); Statement s = c.createStatement()) {
                    s.execute("PRAGMA wal_checkpoint(PASSIVE)");
                }
                checkpointNs += mx.getCurrentThreadCpuTime() - t2;
            }
        }
        System.out.printf("  direct, %,d rows in batches of 500, a checkpoint every 5,000: request log %.1f, ledger %.1f, "
                + "checkpoint %.1f, all %.1f us/row%n", done, logNs / 1e3 / done, ledgerNs / 1e3 / done, checkpointNs / 1e3 / done,
                (logNs + ledgerNs + checkpointNs) / 1e3 / done);
    }

    private static Map<String, Long> cpu(ThreadMXBean mx) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (n.startsWith("switchboard-")) out.merge(n, mx.getThreadCpuTime(t.threadId()), Long::sum);
        }
        return out;
    }

    private static void record(SpendLedger ledger, RequestLog log) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        // WRITERS_IDS=time: ids that sort by time (a millisecond prefix), as an append-only index would want
        String id = TIME_IDS ? "req_" + HEX.toHexDigits(System.currentTimeMillis()).substring(4) + HEX.formatHex(bytes(r, 10))
                : "req_" + HEX.formatHex(bytes(r, 16));
        String trace = TRACED ? HEX.formatHex(bytes(r, 16)) : null;
        long now = System.currentTimeMillis();
        long latency = 1 + r.nextInt(5);
        var queued = ledger.record(new SpendRecord(id, 0, now - latency, now, "master", null, null, "chat", "bench", "openai/gpt-4o-mini",
                "primary", null, "miss", 9, 12, 0, 0, 0, false, 3_000, 0, true, latency, null, 200, null, List.of()));
        String span = trace == null ? null : HEX.formatHex(bytes(r, 8));
        String prompt = "[{\"role\":\"user\",\"content\":\"hi\"}]";
        String completion = "This is a simulated answer from the provider simulator.";
        // one row a request (migration V11): the log's part joins the ledger's row, as the gateway's observed call does;
        // the log writes its own row only when the part came too late
        if (queued.join(() -> new LogColumns(null, trace, span, null, null, null, "truncated:2000", prompt, completion, null, null))) return;
        log.record(new RequestLogEntry(id, now - latency, now, "master", null, "chat", "bench", "openai/gpt-4o-mini", "primary",
                null, "miss", 200, null, null, 9, 12, 0, 3_000, latency, null, trace, span, null, null, List.of(), "truncated:2000",
                prompt, completion));
    }

    private static byte[] bytes(ThreadLocalRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
