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

    private NettyDefaults() {}

    /** Sets what the operator left unset; safe to call more than once. */
    static void apply() {
        if (System.getProperty(MULTISHOT_POLL) == null) System.setProperty(MULTISHOT_POLL, "false");
    }
}
