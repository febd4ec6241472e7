package dev.switchboard.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-style upstream written on raw sockets, to misbehave on the connection itself the way real servers
 * and proxies do to a pooled keep-alive connection — which a well-behaved HTTP server cannot be made to do:
 * <ul>
 *   <li>{@link Mode#STALE_ON_REUSE}: answers a connection's first request, then resets the connection when the
 *       next request arrives on it, without a byte of answer (its keep-alive ran out as the request went out);</li>
 *   <li>{@link Mode#RESET_WHEN_IDLE}: answers, then resets the idle connection ({@code Connection reset by peer});</li>
 *   <li>{@link Mode#GARBAGE_WHEN_IDLE}: answers, then writes bytes that are no HTTP on the idle connection
 *       ({@code invalid version format}).</li>
 * </ul>
 * Each answer is a complete chat completion with {@code connection: keep-alive}.
 */
public final class RawUpstream implements AutoCloseable {
    public enum Mode { STALE_ON_REUSE, RESET_WHEN_IDLE, GARBAGE_WHEN_IDLE }

    private static final String ANSWER = "{\"id\":\"chatcmpl-raw\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\","
            + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}";

    private final ServerSocket server;
    private final Mode mode;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();

    public RawUpstream(Mode mode) throws IOException {
        this.mode = mode;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "raw-upstream");
        t.setDaemon(true);
        t.start();
    }

    public String baseUrl() { return "http://127.0.0.1:" + server.getLocalPort() + "/v1"; }

    /** Connections accepted. */
    public int connections() { return connections.get(); }

    /** Requests whose head arrived, answered or not. */
    public int requests() { return requests.get(); }

    public int answered() { return answered.get(); }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "raw-upstream-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int onThisConnection = 0;
            while (true) {
                int length = readHead(in);
                if (length < 0) return; // the client closed it
                requests.incrementAndGet();
                in.readNBytes(length);
                if (mode == Mode.STALE_ON_REUSE && onThisConnection > 0) {
                    reset(s);
                    return;
                }
                onThisConnection++;
                byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: keep-alive\r\ncontent-length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                answered.incrementAndGet();
                if (mode == Mode.RESET_WHEN_IDLE) {
                    Thread.sleep(200);
                    reset(s);
                    return;
                }
                if (mode == Mode.GARBAGE_WHEN_IDLE) {
                    Thread.sleep(200);
                    out.write("GARBAGE NOT-HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(500);
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the gateway hung up: nothing to do
        }
    }

    /** Closes with a TCP reset rather than a FIN: the peer's next read or write fails with "Connection reset by peer". */
    private static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    /** Reads a request head; returns its content-length (0 without one), or -1 at the end of the stream. */
    private static int readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) { // up to the blank line: CR LF CR LF
            int b = in.read();
            if (b < 0) return -1;
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
        }
        return length;
    }

    @Override
    public void close() throws IOException { server.close(); }
}
