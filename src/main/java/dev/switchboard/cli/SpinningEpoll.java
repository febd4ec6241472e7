package dev.switchboard.cli;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.IntSupplier;
import io.vertx.core.impl.transports.EpollTransport;
import io.vertx.core.impl.transports.TransportInternal;
import io.vertx.core.transport.Transport;
import java.util.function.LongSupplier;

/**
 * Opt-in, off by default: epoll event loops that keep polling (non-blocking {@code epoll_wait}) for up to
 * {@code -Dswitchboard.event_loop_spin_us} microseconds after their last ready event or task before they block, so
 * an answer that comes back within that window (the upstream's, at low load) is picked up without the thread, and on a
 * VM the vCPU, going to sleep and being woken. It costs CPU: the window is spent polling after every burst of work.
 * An experiment knob for bench/latency.sh (docs/architecture.md, "the generator and the added p50 at 1,000 req/s"),
 * not a setting: whether it is worth its CPU is the measurements' call.
 */
final class SpinningEpoll {
    static final String PROPERTY = "switchboard.event_loop_spin_us";

    private SpinningEpoll() {}

    /** The spin window from the system property, in nanoseconds (0: off). */
    static long spinNanos() {
        return Math.max(0, Long.getLong(PROPERTY, 0L)) * 1_000L;
    }

    /** Vert.x's epoll transport whose event loops poll for {@code spinNanos} before blocking. */
    static Transport transport(long spinNanos) {
        return new TransportInternal("epoll", true, null, new SpinningEpollTransport(spinNanos));
    }

    /** Named so that {@link VertxRuntime#transportName} still reads "epoll" in it. */
    static final class SpinningEpollTransport extends EpollTransport {
        private final long spinNanos;

        SpinningEpollTransport(long spinNanos) { this.spinNanos = spinNanos; }

        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory(0, () -> new Strategy(spinNanos, System::nanoTime));
        }
    }

    /** One per event loop: poll while the last activity is younger than the window, else block as Netty does. */
    static final class Strategy implements SelectStrategy {
        private final long spinNanos;
        private final LongSupplier clock;
        private long lastActive;

        Strategy(long spinNanos, LongSupplier clock) {
            this.spinNanos = spinNanos;
            this.clock = clock;
            this.lastActive = clock.getAsLong() - spinNanos; // idle at start
        }

        @Override
        public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
            int ready = selectNow.get();
            long now = clock.getAsLong();
            if (ready > 0 || hasTasks) {
                lastActive = now;
                return ready; // process what is ready (and the tasks), as Netty's default does when tasks wait
            }
            return now - lastActive < spinNanos ? SelectStrategy.CONTINUE : SelectStrategy.SELECT;
        }
    }
}
