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
            long over = System.nanoTime() - before - PARK_NANOS;
            if (over > SLACK_NANOS) stalledNanos.addAndGet(over);
        }
    }

    /** The time this JVM's sleeper thread was denied the CPU since {@link #start()}, in ms. */
    public long millis() { return stalledNanos.get() / 1_000_000; }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(sleeper);
    }
}
