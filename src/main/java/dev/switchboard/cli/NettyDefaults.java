package dev.switchboard.cli;

/**
 * Netty settings the gateway needs that Netty reads from system properties, once, when its classes load: so they are
 * set first thing ({@link Main}, and {@link TransportChoice} for code that builds Vert.x without {@code Main}). A value
 * the operator gave with {@code -D} is kept.
 *
 * <p>{@code io.netty.iouring.pollAddMultishotEnabled=false}: with Netty's multishot POLL_ADD (its default), Netty 4.2.18
 * on io_uring loses a peer's reset. A client that sends bytes and then resets (a request cut off with SO_LINGER 0, a
 * proxy giving up) before the channel's first receive completes leaves that channel open for good: the reset's
 * POLLRDHUP and the edge-triggered POLLIN both arrive before that receive; the receive drains the bytes, the kernel's
 * "more to read" flag stays off (TCP sets it after a FIN, not after a reset), so Netty ends the read loop and waits for
 * a POLLIN edge that has already come. The connection holds its descriptor until something else closes it, and a
 * graceful HTTP shutdown waits its whole drain for it (FuzzIT's close on io_uring). A one-shot poll looks at the socket
 * again each time it is armed, so the reset is read at once. Only io_uring reads it; epoll and NIO are untouched. See
 * docs/architecture.md, "io_uring: a reset after the first bytes".
 */
final class NettyDefaults {
    static final String MULTISHOT_POLL = "io.netty.iouring.pollAddMultishotEnabled";
    /**
     * {@code io.netty.iouring.cqSize}: Netty 4.2 sizes io_uring's completion queue at 4,096 entries a ring. One round of
     * 2,000 streams (4,000 sockets, a read and a write completion each) overflows it: the kernel keeps the overflow and
     * Netty drains it, but logs "CompletionQueue overflow detected, consider increasing size: 4096" at WARN, several
     * lines a second under load, and each overflow costs an extra round through the kernel. 16,384 entries of 16 bytes
     * are 256 KiB an event loop (four times Netty's; the kernel takes up to 65,536); a kernel without IORING_SETUP_CQSIZE (before 5.5) ignores it (Netty checks).
     */
    static final String CQ_SIZE = "io.netty.iouring.cqSize";
    static final String CQ_SIZE_DEFAULT = "16384";

    private NettyDefaults() {}

    /** Sets what the operator left unset; safe to call more than once. */
    static void apply() {
        if (System.getProperty(MULTISHOT_POLL) == null) System.setProperty(MULTISHOT_POLL, "false");
        if (System.getProperty(CQ_SIZE) == null) System.setProperty(CQ_SIZE, CQ_SIZE_DEFAULT);
    }
}
