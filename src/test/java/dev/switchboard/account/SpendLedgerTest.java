package dev.switchboard.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.store.Database;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger writer: batches behind the request path, nothing written twice, one bad row never blocks the rest. */
class SpendLedgerTest {
    @TempDir
    Path dir;

    private static SpendRecord row(String id, int attempt, String callType, long cost, String... tags) {
        return new SpendRecord(id, attempt, 1_000, 2_000, "key_a", "app", null, callType, "gpt", "openai/gpt-4o-mini", "primary",
                null, "miss", 10, 5, 0, 0, 0, false, cost, 0, true, 12L, null, 200, null, List.of(tags));
    }

    /**
     * The per-attempt DEBUG line is one line whatever the caller or an upstream put in the requested name, the
     * deployment (a wildcard entry's id is the caller's text) or the error type; an attempt reads "attempt 1: gpt",
     * and a row with no price says unpriced, not $0.
     */
    @Test
    void debugLineIsOneLineWhateverTheNamesHold() {
        SpendRecord r = new SpendRecord("req_1", 1, 1_000, 2_000, "key_a", "app", null, "attempt", "gpt\nFAKE model",
                "openai/x\nERROR forged deployment", "primary", null, "miss\r\nx", 10, 5, 0, 0, 0, false, 0, 0, false, 12L,
                null, 500, "api_error\nERROR forged type", List.of(), null, 12L, "");
        String line = SpendLedger.debugLine(r);
        assertThat(line).doesNotContain("\n").doesNotContain("\r")
                .startsWith("request req_1 attempt 1: gpt\\nFAKE model -> openai/x\\nERROR forged deployment: 500 "
                        + "api_error\\nERROR forged type in 12 ms")
                .contains(", unpriced").doesNotContain("$");
        SpendRecord served = row("req_2", 0, "chat", 1_500_000);
        assertThat(SpendLedger.debugLine(served))
                .isEqualTo("request req_2: chat gpt -> openai/gpt-4o-mini: 200 in 12 ms, 10 tokens in, 5 out, $0.0015, cache miss");
    }

    /**
     * The writer is behind, and keeps its core ({@link dev.switchboard.store.CoreShare}), in a catch-up batch or with
     * more than {@link SpendLedger#BEHIND_AT} rows queued: at saturation a writer that yielded got a fraction of its
     * turn and its queue filled the heap (docs/architecture.md, the thirty-second session's ledger section).
     */
    @Test
    void theWriterIsBehindInACatchUpBatchOrPastTwiceItsWakeUp() {
        assertThat(SpendLedger.BEHIND_AT).isEqualTo(2 * SpendLedger.WAKE_AT);
        assertThat(SpendLedger.behind(false, 0)).isFalse();
        assertThat(SpendLedger.behind(false, SpendLedger.WAKE_AT)).isFalse();
        assertThat(SpendLedger.behind(false, SpendLedger.BEHIND_AT)).isFalse();
        assertThat(SpendLedger.behind(false, SpendLedger.BEHIND_AT + 1)).isTrue();
        assertThat(SpendLedger.behind(true, 0)).as("a catch-up batch").isTrue();
    }

    /** A flush that finds a long queue writes it without offering the core once (SQLite, where it would otherwise). */
    @Test
    void aWriterFacingALongQueueNeverOffersItsCore() {
        try (Database db = Database.open(null, dir.resolve("behind.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            assertThat(new LedgerStore(db).sharesTheCore()).isTrue();
            // the writer wakes at WAKE_AT rows and may start on a short queue meanwhile: hold it out while queueing
            ledger.holdWriterForTest(() -> {
                for (int i = 0; i < 6_000; i++) ledger.record(row("req_" + i, 0, "chat", 1));
            });
            assertThat(ledger.flush()).isTrue();
            assertThat(ledger.written()).isEqualTo(6_000);
            assertThat(ledger.coreOffers()).as("behind from the first batch to the last").isZero();
            ledger.close();
        }
    }

    /**
     * The writer holding the spend rows' lock keeps its core while the other writer (the request log's) waits for it:
     * a yield inside its transaction would leave that writer blocked for the whole slice (second review).
     */
    @Test
    void aWriterKeepsItsCoreWhileTheOtherWaitsForTheSpendRowsLock() throws InterruptedException {
        try (Database db = Database.open(null, dir.resolve("lock.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            try {
                Thread.sleep(3); // more than a slice of wall time since the pace began, and nothing queued
                assertThat(ledger.coreOfferDueForTest()).as("not behind, a slice since").isTrue();
                db.spendRowsLock().lock(); // as the ledger's insert holds it
                Thread waiter = Thread.ofPlatform().start(() -> {
                    db.spendRowsLock().lock(); // as the request log's writer would
                    db.spendRowsLock().unlock();
                });
                try {
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (!db.spendRowsWaitedFor() && System.nanoTime() < deadline) Thread.sleep(1);
                    assertThat(db.spendRowsWaitedFor()).isTrue();
                    assertThat(ledger.coreOfferDueForTest()).as("the other writer waits for the lock").isFalse();
                } finally {
                    db.spendRowsLock().unlock();
                }
                waiter.join();
                assertThat(ledger.coreOfferDueForTest()).as("no one waits any more").isTrue();
            } finally {
                ledger.close();
            }
        }
    }

    /**
     * Rows kept from a failed round are written as a catch-up batch: the writer keeps its core for them however long
     * they take (without it, a retry of 1,000 rows offered the core between pieces of its insert).
     */
    @Test
    void theRowsOfAFailedRoundAreWrittenWithoutOfferingTheCore() {
        try (Database db = Database.open(null, dir.resolve("retry.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            try {
                ledger.holdWriterForTest(() -> { // the writer thread must not write the retry itself meanwhile
                    int n = 1_000; // fewer than BEHIND_AT: neither round is behind by its queue
                    for (int i = 0; i < n - 1; i++) ledger.record(row("req_" + i, 0, "chat", 1));
                    dev.switchboard.store.JoinableRow last = ledger.record(row("req_last", 0, "chat", 1));
                    assertThat(last.join(() -> { throw new OutOfMemoryError("Java heap space (test)"); })).isTrue();
                    // the round fails on its last row
                    assertThatThrownBy(ledger::flush).isInstanceOf(OutOfMemoryError.class);
                    assertThat(ledger.written()).isZero();
                    assertThat(ledger.pending()).isEqualTo(n);
                    long before = ledger.coreOffers();
                    assertThat(ledger.flush()).isTrue();
                    assertThat(ledger.written()).isEqualTo(n);
                    assertThat(ledger.coreOffers()).as("the retry is a catch-up batch").isEqualTo(before);
                });
            } finally {
                ledger.close();
            }
        }
    }

    /**
     * The dashboard's CSV download: rows written while it is read (newer, so first in its order) neither repeat rows nor
     * push any out, as paging by OFFSET with a flush before each page did (one snapshot until the thirty-ninth session,
     * keyset pages since: CsvDownloadPagedReadTest); and it stops at its limit.
     */
    @Test
    void anExportIsNotMovedByRowsWrittenWhileItIsReadAndStopsAtItsLimit() {
        try (Database db = Database.open(null, dir.resolve("export.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            for (int i = 0; i < 500; i++) ledger.record(row("req_" + i, 0, "chat", 1));
            assertThat(ledger.flush()).isTrue();
            SpendReports reports = new SpendReports(db, ledger);
            List<String> seen = new java.util.ArrayList<>();
            boolean more = reports.export(SpendQuery.ALL, 10_000, r -> {
                if (seen.isEmpty()) { // the ledger writes 300 newer calls meanwhile
                    for (int i = 0; i < 300; i++) {
                        ledger.record(new SpendRecord("new_" + i, 0, 5_000, 6_000, "key_a", "app", null, "chat", "gpt",
                                "openai/gpt-4o-mini", "primary", null, "miss", 10, 5, 0, 0, 0, false, 1, 0, true, 12L, null, 200, null, List.of()));
                    }
                    assertThat(ledger.flush()).isTrue();
                }
                seen.add(r.requestId());
            });
            assertThat(more).isFalse();
            assertThat(seen).hasSize(500).doesNotHaveDuplicates().allMatch(id -> id.startsWith("req_"));
            List<String> three = new java.util.ArrayList<>();
            assertThat(reports.export(SpendQuery.ALL, 3, r -> three.add(r.requestId()))).isTrue();
            assertThat(three).hasSize(3).allMatch(id -> id.startsWith("new_"));
            ledger.close();
        }
    }

    /**
     * Review (thirty-ninth session): the ledger download's keyset (ended_at, request_id, attempt) across its
     * {@value SpendReports#EXPORT_PAGE}-row pages, where it can go wrong: 1,100 rows, 30 of them to an ended_at, the
     * attempts 0/1/2 of one request sharing it, and a request's attempts straddling each page's end (rows 500 and
     * 1,000). Each row once, in order (a keyset without the attempt would skip attempt 0 of the straddling request; one
     * with request_id <= would repeat rows).
     */
    @Test
    void anExportCrossesPageEndsInsideOneEndedAtAndInsideOneRequestsAttempts() {
        try (Database db = Database.open(null, dir.resolve("pages.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            List<String> expected = new java.util.ArrayList<>();
            int requests = 367; // 366 of three attempts and the oldest of two: 1,100 rows
            for (int q = 0; q < requests; q++) {
                long ended = 1_000_000 + (q / 10) * 1_000L; // ten requests, thirty rows, to an ended_at
                for (int a = 0; a < (q == 0 ? 2 : 3); a++) {
                    ledger.record(new SpendRecord(String.format("req_%04d", q), a, ended - 50, ended, "key_a", "app", null, "chat",
                            "gpt", "openai/gpt-4o-mini", "primary", null, "miss", 10, 5, 0, 0, 0, false, 1, 0, true, 12L, null,
                            a == 2 || q == 0 && a == 1 ? 200 : 500, null, List.of()));
                }
            }
            assertThat(ledger.flush()).isTrue();
            for (int q = requests - 1; q >= 0; q--) {
                for (int a = q == 0 ? 1 : 2; a >= 0; a--) expected.add(String.format("req_%04d/%d", q, a));
            }
            assertThat(expected).hasSize(1_100);
            int page = SpendReports.EXPORT_PAGE;
            // the test's premise: each page ends inside one request's attempts, inside one ended_at
            assertThat(expected.get(page - 1).split("/")[0]).isEqualTo(expected.get(page).split("/")[0]);
            assertThat(expected.get(2 * page - 1).split("/")[0]).isEqualTo(expected.get(2 * page).split("/")[0]);
            SpendReports reports = new SpendReports(db, ledger);
            List<String> seen = new java.util.ArrayList<>();
            assertThat(reports.export(SpendQuery.ALL, 10_000, r -> seen.add(r.requestId() + "/" + r.attempt()))).isFalse();
            assertThat(seen).containsExactlyElementsOf(expected);
            ledger.close();
        }
    }

    @Test
    void rowsAreWrittenInBatchesAndReadBackWithTheirTags() {
        try (Database db = Database.open(null, dir.resolve("l.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 60_000); // no timed flush during the test: only explicit ones
            for (int i = 0; i < 12_000; i++) ledger.record(row("req_" + i, 0, "chat", 7, "a", "b"));
            assertThat(ledger.flush()).isTrue();
            assertThat(ledger.written()).isEqualTo(12_000);
            SpendReports reports = new SpendReports(db, ledger);
            assertThat(reports.logs(SpendQuery.ALL, 1, 5).total()).isEqualTo(12_000);
            assertThat(reports.logs(new SpendQuery(null, null, "b", null, null, null), 1, 1).rows().get(0).tags()).containsExactly("a", "b");
            assertThat(reports.totals(SpendQuery.ALL, SpendReports.GroupBy.KEY).get(0).costNanos()).isEqualTo(84_000);
            ledger.close();
        }
    }

    /**
     * The writer wakes once {@link SpendLedger#WAKE_AT} rows wait, long before its timer: the rows waiting are what a
     * young collection copies (docs/architecture.md, "the ledger wakes at 512 rows"). Fewer wait for the timer.
     */
    @Test
    void theWriterWakesAtItsThresholdNotOnlyOnItsTimer() throws InterruptedException {
        try (Database db = Database.open(null, dir.resolve("l.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            for (int i = 0; i < SpendLedger.WAKE_AT - 1; i++) ledger.record(row("req_" + i, 0, "chat", 1));
            Thread.sleep(300);
            assertThat(ledger.written()).isZero(); // below the threshold: the 60 s timer decides
            ledger.record(row("req_last", 0, "chat", 1));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ledger.written() < SpendLedger.WAKE_AT && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(ledger.written()).isEqualTo(SpendLedger.WAKE_AT);
            assertThat(ledger.pending()).isZero();
            ledger.close();
        }
    }

    @Test
    void aRowWrittenTwiceIsStoredOnceAndARowTheStoreRefusesDoesNotBlockTheOthers() {
        try (Database db = Database.open(null, dir.resolve("l.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            ledger.record(row("req_1", 0, "chat", 5));
            ledger.flush();
            ledger.record(row("req_1", 0, "chat", 5));      // a retried batch whose first commit went through
            ledger.record(row("req_2", 0, null, 5));        // call_type is NOT NULL: the store refuses this one
            ledger.record(row("req_3", 0, "stream", 5));
            assertThat(ledger.flush()).isTrue();
            assertThat(ledger.dropped()).isEqualTo(1);
            assertThat(ledger.pending()).isZero();
            SpendReports reports = new SpendReports(db, ledger);
            assertThat(reports.logs(SpendQuery.ALL, 1, 10).rows()).extracting(SpendRecord::requestId).containsExactly("req_3", "req_1");
            ledger.close();
        }
    }

    @Test
    void aStoreThatFailsKeepsTheRowsToTryAgain() {
        Database db = Database.open(null, dir.resolve("l.db").toString());
        SpendLedger ledger = new SpendLedger(db, 60_000);
        db.close();
        try {
            ledger.record(row("req_1", 0, "chat", 5));
            ledger.record(row("req_2", 0, "chat", 5));
            assertThat(ledger.flush()).isFalse();
            assertThat(ledger.pending()).isEqualTo(2);
            assertThat(ledger.dropped()).isZero();
        } finally {
            // Stop the writer thread here: left running, it retried a minute later and its ERROR line landed in
            // whichever test was capturing stderr at that moment (SpendCommandTest failed on it).
            ledger.close();
        }
    }

    /**
     * While the store fails, the writer tries again after a pause, whatever the request rate: new rows reaching the
     * wake-up threshold during the pause do not end it (they did once, and the writer then hammered a down store at the
     * request rate). Flushed every second here, so the pause after a failure is five seconds.
     */
    @Test
    void aFailingStoreIsTriedAgainAfterAPauseNotAtEveryThresholdOfNewRows() throws InterruptedException {
        Database db = Database.open(null, dir.resolve("l.db").toString());
        SpendLedger ledger = new SpendLedger(db, 1_000);
        db.close();
        try {
            for (int i = 0; i < SpendLedger.WAKE_AT; i++) ledger.record(row("req_" + i, 0, "chat", 1)); // wakes the writer
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ledger.failedWrites() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(ledger.failedWrites()).isEqualTo(1);
            // during the pause: the queue crosses the threshold again (the failed rows left it for the retry list)
            for (int i = 0; i < 3 * SpendLedger.WAKE_AT; i++) ledger.record(row("more_" + i, 0, "chat", 1));
            Thread.sleep(1_500); // past the timer's 1 s too: the pause is 5 s
            assertThat(ledger.failedWrites()).isEqualTo(1);
            assertThat(ledger.pending()).isEqualTo(4L * SpendLedger.WAKE_AT);
            assertThat(ledger.dropped()).isZero();
        } finally {
            ledger.close();
        }
    }
    /**
     * An OutOfMemoryError in one write round (QA hardening F1: 40 concurrent 8 MB bodies filled the heap) used to end
     * the writer thread, and every spend row after it waited in memory until shutdown. The writer now logs it, backs
     * off and writes the round's rows on the next one. Thrown here by the request-log part a row renders on the writer.
     */
    @Test
    void anOutOfMemoryErrorInOneRoundNeitherEndsTheWriterNorLosesItsRows() throws InterruptedException {
        try (Database db = Database.open(null, dir.resolve("l.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 100); // a failed round pauses 5 flushes: 0.5 s
            try {
                dev.switchboard.store.JoinableRow first = ledger.record(row("req_oom", 0, "chat", 5));
                assertThat(first.join(() -> { throw new OutOfMemoryError("Java heap space (test)"); })).isTrue();
                ledger.record(row("req_next", 0, "chat", 5));
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (ledger.written() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
                assertThat(ledger.written()).isEqualTo(2);
                ledger.record(row("req_later", 0, "chat", 5)); // the writer still runs on its timer
                deadline = System.nanoTime() + 15_000_000_000L;
                while (ledger.written() < 3 && System.nanoTime() < deadline) Thread.sleep(20);
                assertThat(ledger.written()).isEqualTo(3);
                assertThat(ledger.pending()).isZero();
            } finally {
                ledger.close();
            }
        }
    }

    /**
     * Where the OS lets a thread raise its priority again (here: root), the writer lowered at its start goes back to the
     * process's own nice while behind and lowers again once caught up, each change at least {@code HOLD_NANOS} (3 s)
     * after the last (review of the thirty-third session's writer nice: at nice +5 a writer gets ~25 % of a busy core).
     */
    @Test
    void behindTheWriterGoesBackToTheProcesssNiceWhereAllowedAndLowersAgainOnceCaughtUp() throws Exception {
        org.assertj.core.api.Assumptions.assumeThat(java.nio.file.Files.exists(Path.of("/proc/thread-self"))).isTrue();
        Integer own = dev.switchboard.store.BackgroundNice.processNice();
        org.assertj.core.api.Assumptions.assumeThat(own != null && own + 3 <= 19).as("room below this JVM's nice").isTrue();
        org.assertj.core.api.Assumptions.assumeThat(mayRaise(own)).as("CAP_SYS_NICE or RLIMIT_NICE").isTrue();
        try (Database db = Database.openWithWriterNice(null, dir.resolve("nice.db").toString(), 3)) {
            SpendLedger ledger = new SpendLedger(db, 100);
            Thread.sleep(3_200); // the start's lowering counts as a change: the first return waits the hold out
            ledger.holdWriterForTest(() -> {
                for (int i = 0; i < 3 * SpendLedger.BEHIND_AT; i++) ledger.record(row("req_" + i, 0, "chat", 1));
            });
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(ledger::niceRaisedForTest);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !ledger.niceRaisedForTest());
            assertThat(ledger.written()).isEqualTo(3 * SpendLedger.BEHIND_AT);
            ledger.close();
        }
    }

    /**
     * The writer's renice (a child process: milliseconds, up to its 5 s time-out) runs outside the ledger's lock: a
     * worker's flush() meanwhile does not wait for it (second review of the thirty-third session's writer nice).
     */
    @Test
    void aFlushDoesNotWaitOnTheWritersRenice() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        var nice = dev.switchboard.store.WriterNices.of("switchboard-ledger",
                () -> clock.addAndGet(dev.switchboard.store.WriterNices.HOLD_NANOS), v -> {
                    entered.countDown();
                    try {
                        release.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new dev.switchboard.store.WriterNice.Change(v, "nice " + v);
                });
        try (Database db = Database.open(null, dir.resolve("renice.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 60_000, nice);
            try {
                ledger.holdWriterForTest(() -> {
                    for (int i = 0; i < 3 * SpendLedger.BEHIND_AT; i++) ledger.record(row("req_" + i, 0, "chat", 1));
                });
                assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the writer raises").isTrue();
                var flushed = java.util.concurrent.CompletableFuture.supplyAsync(ledger::flush);
                assertThat(flushed.get(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThat(ledger.written()).isEqualTo(3 * SpendLedger.BEHIND_AT);
            } finally {
                release.countDown();
                ledger.close();
            }
        }
    }

    /**
     * Raised at a behind batch's start; lowered only after a round that had no behind batch, not after the round that
     * caught up with a catch-up batch nor at the next round's first batch: a writer needing a catch-up batch every round
     * does not flip (second review of the thirty-third session's writer nice).
     */
    @Test
    void theWriterLowersOnlyAfterARoundThatWasNotBehind() throws Exception {
        List<Integer> sets = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        var nice = dev.switchboard.store.WriterNices.of("switchboard-ledger",
                () -> clock.addAndGet(dev.switchboard.store.WriterNices.HOLD_NANOS), v -> {
                    sets.add(v);
                    return new dev.switchboard.store.WriterNice.Change(v, "nice " + v);
                });
        Integer processNice = dev.switchboard.store.BackgroundNice.processNice();
        int own = processNice == null ? 0 : processNice;
        int low = Math.min(19, own + 5);
        org.assertj.core.api.Assumptions.assumeThat(own).as("room below this JVM's nice").isLessThan(19);
        try (Database db = Database.open(null, dir.resolve("flip.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 60_000, nice); // no timer round: woken by WAKE_AT rows only
            try {
                ledger.holdWriterForTest(() -> {
                    for (int i = 0; i < 3 * SpendLedger.BEHIND_AT; i++) ledger.record(row("a_" + i, 0, "chat", 1));
                });
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> ledger.written() == 3 * SpendLedger.BEHIND_AT);
                Thread.sleep(300); // past the writer's check after that round
                assertThat(sets).containsExactly(own);
                assertThat(ledger.niceRaisedForTest()).isTrue();
                // a round that is not behind (WAKE_AT rows: one batch, no long queue): lowered after it
                for (int i = 0; i < SpendLedger.WAKE_AT; i++) ledger.record(row("b_" + i, 0, "chat", 1));
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> sets.size() == 2);
                assertThat(sets).containsExactly(own, low);
                assertThat(ledger.niceRaisedForTest()).isFalse();
            } finally {
                ledger.close();
            }
        }
    }

    private static boolean mayRaise(int nice) throws Exception {
        var m = Class.forName("dev.switchboard.store.WriterNice").getDeclaredMethod("mayRaiseTo", int.class);
        m.setAccessible(true);
        return (boolean) m.invoke(null, nice);
    }
}
