package dev.switchboard.support;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How long this JVM was kept off the CPU while a test timed something: a daemon thread parks 1 ms at a time and adds up
 * how much longer than {@link #SLACK_NANOS} each park took. It does no work of its own, so what it adds up is the
 * machine's (other processes on a loaded box, or this one's threads at idle priority), not the gateway's: a test may
 * allow a wall-clock bound this much more and still fail when the gateway itself is slow.
 */
public final class SchedulerStalls implements AutoCloseable {
    private static final long PARK_NANOS = 1_000_000;
    /** A park that overran by less is timer granularity, not a stall. */
    private static final long SLACK_NANOS = 2_000_000;

    private final AtomicLong stalledNanos = new AtomicLong();
    /** Each stall as {its end, its length}, both ns, for {@link #millisBetween}. */
    private final java.util.Queue<long[]> stalls = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Thread sleeper;
    private volatile boolean stopped;

    private SchedulerStalls() {
        sleeper = new Thread(this::measure, "scheduler-stalls");
        sleeper.setDaemon(true);
    }

    /** Starts measuring now. */
    public static SchedulerStalls start() {
        SchedulerStalls s = new SchedulerStalls();
        s.sleeper.start();
        return s;
    }

    private void measure() {
        while (!stopped) {
            long before = System.nanoTime();
            LockSupport.parkNanos(PARK_NANOS);
            long after = System.nanoTime();
            long over = after - before - PARK_NANOS;
            if (over > SLACK_NANOS) {
                stalledNanos.addAndGet(over);
                stalls.add(new long[] {after, over});
            }
        }
    }

    /** The time this JVM's sleeper thread was denied the CPU since {@link #start()}, in ms. */
    public long millis() { return stalledNanos.get() / 1_000_000; }

    /** The part of the stalls since {@link #start()} that fell between two {@link System#nanoTime()} readings, in ms. */
    public long millisBetween(long fromNanos, long toNanos) {
        long sum = 0;
        for (long[] s : stalls) {
            long from = Math.max(fromNanos, s[0] - s[1]), to = Math.min(toNanos, s[0]);
            if (to > from) sum += to - from;
        }
        return sum / 1_000_000;
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(sleeper);
    }
}
