package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import dev.switchboard.support.LogCapture;
import org.junit.jupiter.api.Test;

/** {@link BackgroundNice}: the thread id, the nice field, the bounds, and a real lowering of a thread of its own. */
class BackgroundNiceTest {
    private static boolean linux() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && Files.exists(Path.of("/proc/thread-self"));
    }

    @Test
    void theTidIsTheLastPartOfThreadSelfsTarget() {
        assertThat(BackgroundNice.tidOf("1234/task/5678")).isEqualTo(5678);
        assertThat(BackgroundNice.tidOf("1/task/1")).isEqualTo(1);
        for (String bad : new String[] {null, "", "1234", "1234/task", "1234/tasks/5678", "x/task/5678", "1234/task/x",
                "1234/task/0", "1234/task/-3", "/proc/1234/task/5678", "1234/task/5678/"}) {
            assertThat(BackgroundNice.tidOf(bad)).as(String.valueOf(bad)).isEqualTo(-1);
        }
    }

    @Test
    void theNiceIsTheNineteenthFieldCountedAfterTheCommandsLastParenthesis() {
        String stat = "4242 (switchboard-led) S 1 4200 4200 0 -1 4194368 150 0 0 0 12 3 0 0 25 5 40 0 1234 0 0 "
                + "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 -1 0 0 0 0 0 0";
        assertThat(BackgroundNice.niceField(stat)).isEqualTo(5);
        // a command with spaces and parentheses of its own
        assertThat(BackgroundNice.niceField("7 (a) b (c)) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 -3 1 0 0")).isEqualTo(-3);
        assertThat(BackgroundNice.niceField("7 (short) R 1 1")).isNull();
        assertThat(BackgroundNice.niceField("no parenthesis")).isNull();
        assertThat(BackgroundNice.niceField(null)).isNull();
    }

    @Test
    void theSettingTakesZeroToNineteen() {
        assertThat(BackgroundNice.valid(0)).isTrue();
        assertThat(BackgroundNice.valid(19)).isTrue();
        assertThat(BackgroundNice.valid(-1)).isFalse();
        assertThat(BackgroundNice.valid(20)).isFalse();
        assertThat(BackgroundNice.lower(0, "renice", "Linux")).isEqualTo(
                new BackgroundNice.Outcome(false, "runs at the gateway's priority (background_thread_nice 0: off)"));
        assertThat(BackgroundNice.lower(20, "renice", "Linux").words()).isEqualTo("not lowered: nice 20 is outside 0-19");
        assertThat(BackgroundNice.lower(-2, "renice", "Linux").applied()).isFalse();
    }

    @Test
    void elsewhereThanLinuxNothingIsTriedAndTheWordsSayWhy() {
        BackgroundNice.Outcome o = BackgroundNice.lower(5, "renice", "Mac OS X");
        assertThat(o.applied()).isFalse();
        assertThat(o.words()).isEqualTo("not lowered: a thread's own priority is set on Linux only (this is Mac OS X)");
    }

    @Test
    void theCurrentTidIsOneOfThisProcesssThreads() {
        assumeThat(linux()).isTrue();
        long tid = BackgroundNice.currentTid();
        assertThat(tid).isPositive();
        assertThat(Path.of("/proc/self/task/" + tid)).exists();
        assertThat(BackgroundNice.niceOf(tid)).isNotNull();
    }

    @Test
    void aThreadIsLoweredToTheProcesssOwnNicePlusTheValueAndOnlyThatThread() throws Exception {
        assumeThat(linux()).isTrue();
        Integer own = BackgroundNice.processNice();
        assumeThat(own).isNotNull();
        assumeThat(own + 3).as("room below this JVM's own priority").isLessThanOrEqualTo(BackgroundNice.MAX);
        long mine = BackgroundNice.currentTid();
        Integer mineBefore = BackgroundNice.niceOf(mine);
        AtomicReference<BackgroundNice.Outcome> outcome = new AtomicReference<>();
        AtomicReference<Integer> read = new AtomicReference<>();
        AtomicReference<BackgroundNice.Outcome> again = new AtomicReference<>();
        int target = own + 3; // a gateway started under nice keeps the gap: a niced build's JVM (5) goes to 8, not 3
        Thread t = new Thread(() -> {
            outcome.set(BackgroundNice.lowerCurrentThread(3));
            read.set(BackgroundNice.niceOf(BackgroundNice.currentTid()));
            again.set(BackgroundNice.lowerCurrentThread(3)); // once is enough: a second call leaves it
        }, "nice-test");
        t.start();
        t.join(10_000);
        assumeThat(outcome.get().words()).as("renice on this machine").doesNotContain("cannot run");
        assertThat(outcome.get().applied()).as(outcome.get().words()).isTrue();
        assertThat(outcome.get().words()).startsWith("runs at nice " + target + " (the gateway's " + own + " + 3, tid ");
        assertThat(read.get()).isEqualTo(target);
        assertThat(again.get().applied()).isFalse();
        assertThat(again.get().words()).startsWith("already runs at nice " + target);
        assertThat(BackgroundNice.niceOf(mine)).as("the calling thread's own").isEqualTo(mineBefore);
    }

    @Test
    void theTargetIsTheProcesssNicePlusTheValueAtMostNineteen() {
        assertThat(BackgroundNice.target(0, 5)).isEqualTo(5);
        assertThat(BackgroundNice.target(5, 5)).isEqualTo(10);
        assertThat(BackgroundNice.target(17, 5)).isEqualTo(19);
        assertThat(BackgroundNice.target(-4, 5)).isEqualTo(1);
        assertThat(BackgroundNice.target(null, 5)).isEqualTo(5);
    }

    @Test
    void anErrorWhileLoweringIsCaughtLoggedAndTheWriterGoesOn() {
        // OutOfMemoryError "unable to create native thread" from ProcessBuilder.start's reaper thread near a pids limit:
        // called before a writer's loop, it must not end the writer
        try (LogCapture logs = LogCapture.of(BackgroundNice.class.getName())) {
            BackgroundNice.Outcome o = BackgroundNice.lowerCurrentThread(() -> {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
            });
            assertThat(o.applied()).isFalse();
            assertThat(o.words()).startsWith("not lowered: java.lang.OutOfMemoryError: unable to create native thread");
            assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARN store: thread ") && l.contains("OutOfMemoryError"));
        }
    }

    @Test
    void everyOutcomeThatIsNotALoweringIsAWarning() {
        try (LogCapture logs = LogCapture.of(BackgroundNice.class.getName())) {
            for (int i = 0; i < 3; i++) {
                BackgroundNice.lowerCurrentThread(() -> new BackgroundNice.Outcome(false, "not lowered: refused"));
            }
            assertThat(logs.lines()).filteredOn(l -> l.contains("not lowered: refused")).hasSize(3)
                    .allMatch(l -> l.startsWith("WARN "));
        }
    }

    @Test
    void theCommandGivesThePriorityAsAnOperandAbsoluteEverywhereAndDropsPosixlyCorrect() {
        ProcessBuilder pb = BackgroundNice.reniceProcess("/usr/bin/renice", 8, 4321);
        assertThat(pb.command()).containsExactly("/usr/bin/renice", "8", "-p", "4321");
        assertThat(pb.environment()).doesNotContainKey("POSIXLY_CORRECT");
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("POSIXLY_CORRECT", "1", "PATH", "/bin"));
        BackgroundNice.scrub(env);
        assertThat(env).containsOnlyKeys("PATH");
        if (Files.isExecutable(Path.of("/usr/bin/renice"))) assertThat(BackgroundNice.reniceCommand()).isEqualTo("/usr/bin/renice");
        else if (Files.isExecutable(Path.of("/bin/renice"))) assertThat(BackgroundNice.reniceCommand()).isEqualTo("/bin/renice");
        else assertThat(BackgroundNice.reniceCommand()).isEqualTo("renice");
    }

    @Test
    void theReniceRunGetsThePriorityAsAnOperand(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assumeThat(linux()).isTrue();
        String real = BackgroundNice.reniceCommand();
        assumeThat(real).startsWith("/");
        Integer own = BackgroundNice.processNice();
        assumeThat(own != null && own + 3 <= BackgroundNice.MAX).isTrue();
        Path args = dir.resolve("args");
        Path script = dir.resolve("renice");
        // records what it was given, then does it with the real renice
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$*\" > " + args + "\nexec " + real + " \"$@\"\n");
        script.toFile().setExecutable(true);
        AtomicReference<BackgroundNice.Outcome> outcome = new AtomicReference<>();
        AtomicReference<Long> tid = new AtomicReference<>();
        Thread t = new Thread(() -> {
            tid.set(BackgroundNice.currentTid());
            outcome.set(BackgroundNice.lower(3, script.toString(), "Linux"));
        }, "nice-test-args");
        t.start();
        t.join(10_000);
        assertThat(Files.readString(args).trim()).isEqualTo((own + 3) + " -p " + tid.get());
        assertThat(outcome.get().applied()).as(outcome.get().words()).isTrue();
    }

    @Test
    void withoutTheReniceCommandTheThreadGoesOnAndTheWordsSayWhy() throws Exception {
        assumeThat(linux()).isTrue();
        AtomicReference<BackgroundNice.Outcome> outcome = new AtomicReference<>();
        AtomicReference<Integer> read = new AtomicReference<>();
        Thread t = new Thread(() -> {
            outcome.set(BackgroundNice.lower(19, "/nonexistent/renice", "Linux"));
            read.set(BackgroundNice.niceOf(BackgroundNice.currentTid()));
        }, "nice-test-missing");
        Integer before = BackgroundNice.niceOf(BackgroundNice.currentTid());
        t.start();
        t.join(10_000);
        assertThat(outcome.get().applied()).isFalse();
        assertThat(outcome.get().words()).startsWith("not lowered: cannot run /nonexistent/renice (util-linux): ");
        assertThat(read.get()).isEqualTo(before);
    }

    @Test
    void aRefusingCommandIsReportedWithItsExitAndTheNiceLeft() throws Exception {
        assumeThat(linux()).isTrue();
        assumeThat(Path.of("/bin/false")).exists();
        AtomicReference<BackgroundNice.Outcome> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> outcome.set(BackgroundNice.lower(19, "/bin/false", "Linux")), "nice-test-refused");
        t.start();
        t.join(10_000);
        assertThat(outcome.get().applied()).isFalse();
        assertThat(outcome.get().words()).startsWith("not lowered: /bin/false exited 1, nice is ");
    }
}
