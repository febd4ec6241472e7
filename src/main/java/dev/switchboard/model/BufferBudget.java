package dev.switchboard.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The one bound on bytes the gateway holds in buffers across all requests at once: request bodies being read and
 * whole (non-streamed) upstream answers. Each buffer is capped on its own (the request limit, 64 MiB an answer),
 * but ninety capped answers at once still took the process to 6.5 GB; with this bound the ninety-first is refused
 * with a 503 that names the cause instead of the JVM running out of memory. Bytes are reserved as they arrive and
 * released when the buffer is no longer needed, so the bound is on what is really held, not on declared sizes.
 * Lock-free: one atomic add per chunk on the event loops.
 */
public final class BufferBudget {
    /** The error code of a refusal; routing neither retries it nor holds it against the deployment. */
    public static final String EXHAUSTED_CODE = "gateway_memory_bound";

    private final long limit;
    private final AtomicLong held = new AtomicLong();

    public BufferBudget(long limitBytes) {
        if (limitBytes <= 0) throw new IllegalArgumentException("the buffer bound must be positive: " + limitBytes);
        this.limit = limitBytes;
    }

    /** No bound at all (unit tests and tools that buffer nothing of consequence). */
    public static BufferBudget unbounded() { return new BufferBudget(Long.MAX_VALUE); }

    public long limit() { return limit; }

    public long held() { return held.get(); }

    /** Takes {@code bytes} when they fit under the bound; false (and nothing taken) when they do not. */
    public boolean tryReserve(long bytes) {
        if (bytes <= 0) return true;
        while (true) {
            long now = held.get();
            if (now + bytes > limit || now + bytes < 0) return false;
            if (held.compareAndSet(now, now + bytes)) return true;
        }
    }

    public void release(long bytes) {
        if (bytes > 0) held.addAndGet(-bytes);
    }

    /** The 503 for a buffer that did not fit; {@code what} says whose bytes they were. */
    public GatewayException exhausted(String what) {
        return new GatewayException(ErrorKind.UNAVAILABLE, 503, "The gateway is holding its limit of "
                + (limit >> 20) + " MiB of buffered request and answer bytes (general_settings.max_buffered_mb) and "
                + "refused " + what + "; retry shortly, or raise the bound together with the heap (SWITCHBOARD_HEAP).",
                null, EXHAUSTED_CODE, null, null);
    }

    /** A reservation that grows chunk by chunk and is released once, however many times {@link #close()} runs. */
    public Lease lease() { return new Lease(); }

    public final class Lease implements AutoCloseable {
        private long taken;
        private boolean closed;

        /** The bound this lease draws on. */
        public BufferBudget budget() { return BufferBudget.this; }

        /** Adds {@code bytes} to this lease; false when the bound refused them (the lease keeps what it had). */
        public synchronized boolean grow(long bytes) {
            if (closed || !tryReserve(bytes)) return false;
            taken += bytes;
            return true;
        }

        /** Gives back {@code bytes} of this lease (at most what it holds): a buffer copied into a larger one and dropped. */
        public synchronized void shrink(long bytes) {
            long back = Math.min(bytes, taken);
            if (closed || back <= 0) return;
            taken -= back;
            release(back);
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            release(taken);
            taken = 0;
        }
    }
}
