import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency load generator for bench/run.sh. Single file, no dependencies: run with {@code java LoadGen.java ...}
 * (or compile once with javac, which run.sh does).
 *
 * <h2>Why this and not wrk / autocannon / the JDK HttpClient</h2>
 * <ul>
 *   <li>wrk (Debian's, 4.1) is closed-loop: each connection sends its next request only when the previous answer
 *       came back, so a stall slows the sender and hides the stall ("coordinated omission"). It is right for
 *       maximum throughput, wrong for latency at a fixed rate. wrk2 (open-loop wrk) is not packaged in Debian.</li>
 *   <li>autocannon's {@code --overallRate} only throttles its closed-loop connections, and its
 *       {@code --correctCoordinatedOmission} back-fills synthetic samples afterwards instead of sending on a fixed
 *       schedule.</li>
 *   <li>The JDK HttpClient costs tens of microseconds and several thread hand-offs per request, which would be
 *       measured as "latency" and adds noise at exactly the scale (0.1 ms) the gateway target is about.</li>
 * </ul>
 * So this program speaks just enough HTTP/1.1 itself: the request bytes are prepared once, the response is parsed in
 * place (status line, content-length or chunked body), connections are kept alive.
 *
 * <h2>Modes</h2>
 * <b>rate</b>: open-loop constant rate. A scheduler thread fixes the intended send time of request i as
 * {@code start + i / rate} and, at that instant, writes the request on an idle keep-alive connection (or, if all
 * connections are busy, queues it; the first connection to free up sends it). One selector thread reads all the
 * connections (non-blocking) and records {@code now - intended send time}: waiting in the queue, a late send, a slow
 * answer all count, so a stall of the system under test shows up in the percentiles instead of being omitted.
 * Nothing is allocated per request (a reader thread per connection and string parsing cost the shared load core
 * about half again as much at 10,000 req/s, and the generator fell behind: docs/architecture.md). It also prints the
 * send lag (actual send - intended send: the scheduler's own lateness, plus waiting for a free connection when
 * all are busy) and the service time (from the actual send), so you can check that the generator kept its
 * schedule. Checked: a 200 ms SIGSTOP of the simulator during a 5 s run at 1,000 req/s gives p99 166 ms and
 * max 209 ms here (about 200 requests were due during the stall), while the service time p99 stays at 6 ms,
 * which is what a closed-loop tool would have reported. It prints its own CPU while it sent the measured requests.
 * <p>
 * <b>ttfb</b>: sequential streaming requests on one keep-alive blocking connection; for each, the time from writing the
 * request to receiving the bytes that hold the first SSE {@code data:} line (time to first streamed chunk), and to
 * the end of the stream.
 * <p>
 * Output: human-readable lines plus one machine-readable line starting with {@code RESULT} (key=value, microseconds).
 */
public final class LoadGen {

    // ---------------------------------------------------------------- arguments

    private static String arg(String[] args, String name, String dflt) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals("--" + name)) return args[i + 1];
        if (dflt == null) throw new IllegalArgumentException("missing --" + name);
        return dflt;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: LoadGen rate|ttfb --url URL --body JSON [--auth KEY] "
                    + "[rate: --rate 1000 --warmup-s 3 --duration-s 10 --connections 32] [ttfb: --warmup 300 --count 1000]");
            System.exit(2);
        }
        String mode = args[0];
        URI url = URI.create(arg(args, "url", null));
        String body = arg(args, "body", null);
        String auth = arg(args, "auth", "");
        byte[] request = buildRequest(url, body, auth);
        InetSocketAddress addr = new InetSocketAddress(url.getHost(), url.getPort());
        switch (mode) {
            case "rate" -> rate(addr, request, Double.parseDouble(arg(args, "rate", "1000")),
                    Double.parseDouble(arg(args, "warmup-s", "3")), Double.parseDouble(arg(args, "duration-s", "10")),
                    Integer.parseInt(arg(args, "connections", "32")), 1000L * Long.parseLong(arg(args, "spin-us", "0")),
                    arg(args, "trace", ""));
            case "ttfb" -> ttfb(addr, request, Integer.parseInt(arg(args, "warmup", "300")),
                    Integer.parseInt(arg(args, "count", "1000")));
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    private static byte[] buildRequest(URI url, String body, String auth) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + url.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + url.getHost() + ":" + url.getPort() + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Accept: */*\r\n"
                + (auth.isEmpty() ? "" : "Authorization: Bearer " + auth + "\r\n")
                + "Content-Length: " + b.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(h, h.length + b.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    // ---------------------------------------------------------------- a minimal HTTP/1.1 response reader

    /** Buffered reader over a socket that notes when each read from the socket returned. */
    static final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final byte[] buf = new byte[64 * 1024];
        int pos, lim;
        long lastFillNanos;

        Conn(InetSocketAddress addr) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(addr, 5_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void close() {
            try { socket.close(); } catch (IOException ignored) { }
        }

        private void fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) throw new IOException("connection closed by server");
            lastFillNanos = System.nanoTime();
            pos = 0;
            lim = n;
        }

        int read() throws IOException {
            if (pos >= lim) fill();
            return buf[pos++] & 0xff;
        }

        String line() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            for (int c; (c = read()) != '\n'; ) if (c != '\r') sb.append((char) c);
            return sb.toString();
        }

        /** Skips n body bytes, letting sse (if any) look for the first "data:". */
        void skip(long n, Sse sse) throws IOException {
            while (n > 0) {
                if (pos >= lim) fill();
                int take = (int) Math.min(n, lim - pos);
                if (sse != null && sse.firstDataNanos == 0) sse.scan(buf, pos, take, lastFillNanos);
                pos += take;
                n -= take;
            }
        }

        /** Reads one response; returns the status. sse (optional) gets the time of the first "data:". */
        int response(Sse sse) throws IOException {
            String status = line();
            if (!status.startsWith("HTTP/1.")) throw new IOException("bad status line: " + status);
            if (sse != null) sse.headNanos = lastFillNanos;
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false, close = false;
            for (String h; !(h = line()).isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon < 0) continue;
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> close = value.contains("close");
                    default -> { }
                }
            }
            if (chunked) {
                while (true) {
                    String sizeLine = line();
                    int semi = sizeLine.indexOf(';');
                    long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                    if (size == 0) {
                        while (!line().isEmpty()) { } // trailers
                        break;
                    }
                    skip(size, sse);
                    line(); // CRLF after the chunk
                }
            } else if (length >= 0) {
                skip(length, sse);
            } else {
                throw new IOException("response without content-length or chunked encoding");
            }
            if (close) throw new IOException("server closed the connection (connection: close)");
            return code;
        }
    }

    /** Finds the first "data:" across chunk boundaries. */
    static final class Sse {
        long headNanos, firstDataNanos;
        private int matched;
        private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

        void scan(byte[] b, int off, int len, long when) {
            for (int i = off; i < off + len; i++) {
                matched = b[i] == DATA[matched] ? matched + 1 : (b[i] == DATA[0] ? 1 : 0);
                if (matched == DATA.length) {
                    firstDataNanos = when;
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- rate mode (open loop)

    /**
     * One keep-alive connection of rate mode: a non-blocking channel read by the selector thread. Its request is
     * written by whoever dispatches it (the scheduler, or the selector thread taking a queued request), in place from
     * the prepared bytes; its answer is parsed in place by {@link Parser}. Nothing is allocated per request.
     */
    static final class Channel {
        final int id;
        SocketChannel ch;
        SelectionKey key;
        final ByteBuffer out;        // a view of the prepared request (its own position)
        final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        final Parser parser = new Parser();
        volatile long intended, index, sentAt; // of the request in flight (sentAt < 0: its write failed)

        Channel(int id, ByteBuffer request) {
            this.id = id;
            this.out = request.duplicate();
        }

        void open(InetSocketAddress addr, Selector selector) throws IOException {
            ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(addr, 5_000);
            ch.configureBlocking(false);
            key = ch.register(selector, SelectionKey.OP_READ, this);
            in.clear();
            parser.reset();
        }

        void close() {
            try { if (ch != null) ch.close(); } catch (IOException ignored) { }
        }

        /** Writes the whole request (a few hundred bytes into an idle connection's empty send buffer: one write). */
        void send(long intendedNanos, long idx) {
            intended = intendedNanos;
            index = idx;
            sentAt = System.nanoTime(); // before the write: the answer may be read before the write returns
            try {
                out.rewind();
                while (out.hasRemaining()) if (ch.write(out) == 0) Thread.onSpinWait();
            } catch (IOException e) {
                sentAt = -1; // the selector thread sees the connection fail, reconnects and sends again
            }
        }
    }

    /**
     * An HTTP/1.1 response parsed in place, incrementally, from a connection's input buffer: the status code, then
     * content-length or chunked framing. {@link #feed} consumes what it can and says when a response is complete.
     */
    static final class Parser {
        private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CONNECTION = "connection:".getBytes(StandardCharsets.US_ASCII);
        private static final int STATUS = 0, HEADER = 1, BODY = 2, CHUNK_SIZE = 3, CHUNK_DATA = 4, CHUNK_END = 5, TRAILER = 6;
        int state, code;
        long remaining, length;
        boolean chunked, close;

        void reset() {
            state = STATUS;
            code = 0;
            length = -1;
            remaining = 0;
            chunked = close = false;
        }

        /** Consumes bytes of b from its position; true when a whole response has been read (the rest stays in b). */
        boolean feed(ByteBuffer b) throws IOException {
            while (true) {
                switch (state) {
                    case BODY, CHUNK_DATA -> {
                        int take = (int) Math.min(remaining, b.remaining());
                        b.position(b.position() + take);
                        remaining -= take;
                        if (remaining > 0) return false;
                        if (state == BODY) return true;
                        state = CHUNK_END;
                    }
                    default -> {
                        int eol = -1;
                        for (int i = b.position(); i < b.limit(); i++) if (b.get(i) == '\n') { eol = i; break; }
                        if (eol < 0) {
                            if (b.position() == 0 && b.limit() == b.capacity()) throw new IOException("header line too long");
                            return false;
                        }
                        int from = b.position(), to = eol; // the line, without CR LF
                        if (to > from && b.get(to - 1) == '\r') to--;
                        b.position(eol + 1);
                        if (line(b, from, to)) return true;
                    }
                }
            }
        }

        /** One line in the current state; true when it ends the response. */
        private boolean line(ByteBuffer b, int from, int to) throws IOException {
            switch (state) {
                case STATUS -> {
                    if (to - from < 12 || b.get(from) != 'H' || b.get(from + 5) != '1') throw new IOException("bad status line");
                    code = (b.get(from + 9) - '0') * 100 + (b.get(from + 10) - '0') * 10 + (b.get(from + 11) - '0');
                    state = HEADER;
                }
                case HEADER -> {
                    if (to == from) {
                        if (close) throw new IOException("server closed the connection (connection: close)");
                        if (chunked) { state = CHUNK_SIZE; return false; }
                        if (length < 0) throw new IOException("response without content-length or chunked encoding");
                        remaining = length;
                        state = BODY;
                        return remaining == 0;
                    }
                    int v;
                    if ((v = name(b, from, to, CONTENT_LENGTH)) >= 0) length = number(b, v, to, 10);
                    else if ((v = name(b, from, to, TRANSFER_ENCODING)) >= 0) chunked = contains(b, v, to, "chunked");
                    else if ((v = name(b, from, to, CONNECTION)) >= 0) close = contains(b, v, to, "close");
                }
                case CHUNK_SIZE -> {
                    int end = from;
                    while (end < to && b.get(end) != ';') end++;
                    remaining = number(b, from, end, 16);
                    state = remaining == 0 ? TRAILER : CHUNK_DATA;
                }
                case CHUNK_END -> state = CHUNK_SIZE;
                case TRAILER -> { if (to == from) return true; }
                default -> throw new IllegalStateException();
            }
            return false;
        }

        /** The index after "name:" when the line starts with it (case-insensitive), else -1. */
        private static int name(ByteBuffer b, int from, int to, byte[] name) {
            if (to - from < name.length) return -1;
            for (int i = 0; i < name.length; i++) if ((b.get(from + i) | 0x20) != name[i] && name[i] != ':') return -1;
            return b.get(from + name.length - 1) == ':' ? from + name.length : -1;
        }

        private static long number(ByteBuffer b, int from, int to, int radix) throws IOException {
            long n = 0;
            boolean any = false;
            for (int i = from; i < to; i++) {
                int d = Character.digit(b.get(i), radix);
                if (d >= 0) { n = n * radix + d; any = true; }
                else if (b.get(i) != ' ' && b.get(i) != '\t') throw new IOException("bad number in response head");
            }
            if (!any) throw new IOException("empty number in response head");
            return n;
        }

        private static boolean contains(ByteBuffer b, int from, int to, String word) {
            outer:
            for (int i = from; i + word.length() <= to; i++) {
                for (int j = 0; j < word.length(); j++) if ((b.get(i + j) | 0x20) != word.charAt(j)) continue outer;
                return true;
            }
            return false;
        }
    }

    /**
     * Idle connections and queued requests, shared by the scheduler and the selector thread under one lock:
     * a stack of idle connections and a ring of (intended time, index) pairs, so nothing is allocated per request.
     */
    static final class Dispatch {
        final Channel[] idle;
        int idleN;
        long[] ring = new long[2 * 1024];
        int head, size, queuedMax;

        Dispatch(int connections) { idle = new Channel[connections]; }

        /** The scheduler: an idle connection to send on, or null when the request was queued. */
        synchronized Channel take(long intended, long idx) {
            if (idleN > 0) return idle[--idleN];
            if (2 * (size + 1) > ring.length) grow();
            int at = (head + 2 * size) % ring.length;
            ring[at] = intended;
            ring[at + 1] = idx;
            size++;
            queuedMax = Math.max(queuedMax, size);
            return null;
        }

        /** The selector thread, when c's answer is in: true and next[] filled when a queued request takes c. */
        synchronized boolean release(Channel c, long[] next) {
            if (size == 0) { idle[idleN++] = c; return false; }
            next[0] = ring[head];
            next[1] = ring[head + 1];
            head = (head + 2) % ring.length;
            size--;
            return true;
        }

        private void grow() {
            long[] r = new long[ring.length * 2];
            for (int i = 0; i < 2 * size; i++) r[i] = ring[(head + i) % ring.length];
            ring = r;
            head = 0;
        }
    }

    static final class Stats {
        final long measureFrom; // request index from which samples count (after warm-up)
        final long[] latency, service, lag;
        final long[] sentAt; // intended send time (System.nanoTime) of each measured request, for --trace
        int n; // written by the selector thread only
        long errors;
        volatile long completed;
        volatile Exception fatal;

        Stats(long measureFrom, int capacity) {
            this.measureFrom = measureFrom;
            latency = new long[capacity];
            sentAt = new long[capacity];
            service = new long[capacity];
            lag = new long[capacity];
        }

        void record(long idx, long intended, long sent, long done, int code) {
            completed = completed + 1; // one writer
            if (idx < measureFrom) return;
            if (code < 200 || code > 299) { errors++; return; }
            int i = n++;
            if (i >= latency.length) return;
            sentAt[i] = intended;
            latency[i] = done - intended;
            service[i] = done - sent;
            lag[i] = sent - intended;
        }
    }

    /**
     * The selector thread: reads every connection's answers, notes when each one completed, records it and hands the
     * connection to a queued request or back to the idle stack. A failed connection is reopened and its request
     * sent again (its latency keeps counting from the intended time).
     */
    static final class Reader extends Thread {
        final Selector selector;
        final InetSocketAddress addr;
        final Dispatch dispatch;
        final Stats stats;
        final long[] next = new long[2];
        volatile boolean stop;

        Reader(Selector selector, InetSocketAddress addr, Dispatch dispatch, Stats stats) {
            super("selector");
            setDaemon(true);
            this.selector = selector;
            this.addr = addr;
            this.dispatch = dispatch;
            this.stats = stats;
        }

        @Override
        public void run() {
            try {
                while (!stop) selector.select(this::ready, 100);
            } catch (IOException | RuntimeException e) {
                stats.fatal = e instanceof IOException io ? io : new IOException(e);
            }
        }

        private void ready(SelectionKey key) {
            Channel c = (Channel) key.attachment();
            int code;
            try {
                int n = c.ch.read(c.in);
                if (n < 0) throw new IOException("connection closed by server");
                if (c.sentAt == 0 && c.intended == 0) return; // nothing in flight (not expected)
                c.in.flip();
                boolean done = c.parser.feed(c.in);
                c.in.compact();
                if (!done) return;
                code = c.parser.code;
                c.parser.reset();
            } catch (IOException e) {
                code = -1;
                c.key.cancel();
                c.close();
                try {
                    selector.selectNow(); // deregisters the cancelled key
                    c.open(addr, selector);
                } catch (IOException e2) {
                    stats.fatal = e2;
                    return;
                }
            }
            long now = System.nanoTime();
            long intended = c.intended, idx = c.index, sent = c.sentAt;
            if (sent < 0 && code > 0) code = -1;
            stats.record(idx, intended, sent < 0 ? now : sent, now, code);
            c.intended = 0;
            c.sentAt = 0;
            if (dispatch.release(c, next)) c.send(next[0], next[1]);
        }
    }

    private static void rate(InetSocketAddress addr, byte[] request, double rate, double warmupS, double durationS,
                             int connections, long spinNanos, String trace) throws Exception {
        long period = Math.round(1e9 / rate);
        // The spin before each send is capped at a tenth of the period: at 10,000 req/s a 100 us spin would keep this
        // thread busy all the time on the core the simulator shares, and the simulator's answers would wait behind it.
        // Past the cap the sends are as late as parkNanos wakes (tens of microseconds); that lag is in the latency of
        // both columns, and in the send-lag line.
        spinNanos = Math.min(spinNanos, period / 10);
        long warmupN = Math.round(warmupS * rate), measureN = Math.round(durationS * rate), total = warmupN + measureN;
        Stats stats = new Stats(warmupN, (int) measureN);
        ByteBuffer prepared = ByteBuffer.allocateDirect(request.length).put(request).flip();
        Selector selector = Selector.open();
        Dispatch dispatch = new Dispatch(connections);
        Channel[] channels = new Channel[connections];
        for (int i = 0; i < connections; i++) {
            channels[i] = new Channel(i, prepared);
            channels[i].open(addr, selector);
            dispatch.idle[dispatch.idleN++] = channels[i];
        }
        Reader reader = new Reader(selector, addr, dispatch, stats);
        reader.start();
        Thread.currentThread().setPriority(Thread.MAX_PRIORITY);
        long start = System.nanoTime() + 20_000_000L;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = 0, wall0 = 0;
        for (long i = 0; i < total; i++) {
            long t = start + i * period;
            if (i == warmupN) { cpu0 = os.getProcessCpuTime(); wall0 = System.nanoTime(); }
            // Sleep until shortly before the intended time, then spin (parkNanos alone wakes ~50-100 us late).
            for (long d; (d = t - System.nanoTime()) > 0; ) {
                if (d > spinNanos) LockSupport.parkNanos(d - spinNanos);
                else Thread.onSpinWait();
            }
            Channel c = dispatch.take(t, i);
            if (c != null) c.send(t, i);
            if (stats.fatal != null) throw stats.fatal;
        }
        long end = start + total * period;
        // the generator's own CPU (all its threads) while it sent the measured requests, in % of one core
        double genCpu = 100.0 * (os.getProcessCpuTime() - cpu0) / Math.max(1, System.nanoTime() - wall0);
        // bounded drain: every scheduled request gets up to 10 s to finish
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (stats.completed < total && System.nanoTime() < deadline && stats.fatal == null) Thread.sleep(5);
        long incomplete = total - stats.completed;
        reader.stop = true;
        reader.join(1_000);
        for (Channel c : channels) c.close();
        long queuedMax;
        synchronized (dispatch) { queuedMax = dispatch.queuedMax; }

        int n = Math.min(stats.n, stats.latency.length);
        if (!trace.isEmpty()) {
            // --trace FILE: each measured request's intended send time (epoch microseconds) and latency (microseconds),
            // to line up the slow ones with a JFR recording of the gateway (GC pauses, its threads' activity)
            // (Instant.now(): microseconds, so the times line up with a trace of the kernel's monotonic clock, which
            // System.nanoTime reads, to a few microseconds; currentTimeMillis left up to 1 ms of offset)
            java.time.Instant now = java.time.Instant.now();
            long epochOffsetNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
            try (var out = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(java.nio.file.Path.of(trace)))) {
                for (int i = 0; i < n; i++) out.println((stats.sentAt[i] + epochOffsetNanos) / 1000 + " " + stats.latency[i] / 1000);
            }
        }
        long[] lat = Arrays.copyOf(stats.latency, n), svc = Arrays.copyOf(stats.service, n), lag = Arrays.copyOf(stats.lag, n);
        Arrays.sort(lat);
        Arrays.sort(svc);
        Arrays.sort(lag);
        double achieved = measureN / ((end - (start + warmupN * period)) / 1e9);
        System.out.printf(Locale.ROOT, "open-loop %.0f req/s for %.0f s (+%.0f s warm-up), %d connections: %d ok, %d errors, %d incomplete, max queued %d%n",
                rate, durationS, warmupS, connections, n, stats.errors, incomplete, queuedMax);
        System.out.printf(Locale.ROOT, "  latency from intended send: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n",
                us(pct(lat, 50)), us(pct(lat, 90)), us(pct(lat, 99)), us(pct(lat, 99.9)), us(pct(lat, 100)));
        System.out.printf(Locale.ROOT, "  service time (from actual send): p50 %s  p99 %s%n", us(pct(svc, 50)), us(pct(svc, 99)));
        System.out.printf(Locale.ROOT, "  send lag (scheduler lateness + waiting for a free connection): p50 %s  p99 %s  max %s%n", us(pct(lag, 50)), us(pct(lag, 99)), us(pct(lag, 100)));
        System.out.printf(Locale.ROOT, "  generator CPU while sending the measured requests: %.1f %% of a core%n", genCpu);
        System.out.printf(Locale.ROOT, "RESULT mode=rate ok=%d errors=%d incomplete=%d achieved_rps=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f svc_p50_us=%.1f svc_p99_us=%.1f lag_p50_us=%.1f lag_p99_us=%.1f lag_max_us=%.1f queued_max=%d gen_cpu_pct=%.1f%n",
                n, stats.errors, incomplete, achieved, pct(lat, 50) / 1e3, pct(lat, 90) / 1e3, pct(lat, 99) / 1e3,
                pct(lat, 99.9) / 1e3, pct(lat, 100) / 1e3, pct(svc, 50) / 1e3, pct(svc, 99) / 1e3,
                pct(lag, 50) / 1e3, pct(lag, 99) / 1e3, pct(lag, 100) / 1e3, queuedMax, genCpu);
        System.exit(n == 0 ? 1 : 0);
    }

    // ---------------------------------------------------------------- ttfb mode (sequential streams)

    private static void ttfb(InetSocketAddress addr, byte[] request, int warmup, int count) throws Exception {
        long[] first = new long[count], head = new long[count], whole = new long[count];
        int n = 0, errors = 0, missing = 0;
        Conn conn = new Conn(addr);
        long deadline = System.nanoTime() + 60_000_000_000L; // hard bound
        for (int i = 0; i < warmup + count && System.nanoTime() < deadline; i++) {
            Sse sse = new Sse();
            long t0 = System.nanoTime();
            int code;
            try {
                conn.out.write(request);
                conn.out.flush();
                code = conn.response(sse);
            } catch (IOException e) {
                code = -1;
                conn.close();
                conn = new Conn(addr);
            }
            long t1 = System.nanoTime();
            if (i < warmup) continue;
            if (code != 200) { errors++; continue; }
            if (sse.firstDataNanos == 0) { missing++; continue; }
            first[n] = sse.firstDataNanos - t0;
            head[n] = sse.headNanos - t0;
            whole[n] = t1 - t0;
            n++;
        }
        conn.close();
        first = Arrays.copyOf(first, n);
        head = Arrays.copyOf(head, n);
        whole = Arrays.copyOf(whole, n);
        Arrays.sort(first);
        Arrays.sort(head);
        Arrays.sort(whole);
        System.out.printf(Locale.ROOT, "sequential streams: %d ok (+%d warm-up), %d errors, %d without a data: line%n", n, warmup, errors, missing);
        System.out.printf(Locale.ROOT, "  first data: line  p50 %s  p90 %s  p99 %s%n", us(pct(first, 50)), us(pct(first, 90)), us(pct(first, 99)));
        System.out.printf(Locale.ROOT, "  response head     p50 %s%n", us(pct(head, 50)));
        System.out.printf(Locale.ROOT, "  whole stream      p50 %s  p99 %s%n", us(pct(whole, 50)), us(pct(whole, 99)));
        System.out.printf(Locale.ROOT, "RESULT mode=ttfb ok=%d errors=%d missing=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f head_p50_us=%.1f whole_p50_us=%.1f whole_p99_us=%.1f%n",
                n, errors, missing, pct(first, 50) / 1e3, pct(first, 90) / 1e3, pct(first, 99) / 1e3,
                pct(head, 50) / 1e3, pct(whole, 50) / 1e3, pct(whole, 99) / 1e3);
        System.exit(n == 0 ? 1 : 0);
    }

    // ---------------------------------------------------------------- helpers

    /** Nearest-rank percentile of a sorted array, in nanoseconds (NaN when empty). */
    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String us(double nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }
}
