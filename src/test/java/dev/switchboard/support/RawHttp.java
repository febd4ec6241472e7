package dev.switchboard.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for what an HTTP client library will not send (a foreign {@code Host}, broken
 * framing) or will not show (whether the server closed the connection, and when).
 */
public final class RawHttp {
    private RawHttp() {}

    /** What the server sent and whether (and after how long) it closed the connection. */
    public record Exchange(String text, boolean closed, long closedAfterMillis) {
        public int status() {
            if (!text.startsWith("HTTP/1.")) return -1;
            return Integer.parseInt(text.substring(9, 12));
        }

        public String body() {
            int i = text.indexOf("\r\n\r\n");
            return i < 0 ? "" : text.substring(i + 4);
        }

        /** A response header's value (first one, case-insensitive), or null. */
        public String header(String name) {
            int end = text.indexOf("\r\n\r\n");
            for (String line : (end < 0 ? text : text.substring(0, end)).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
            }
            return null;
        }
    }

    /** Sends {@code request} as is (ISO-8859-1 bytes) and reads until the server closes or {@code waitMillis} pass. */
    public static Exchange exchange(int port, String request, long waitMillis) { return exchange(null, port, request, waitMillis); }

    /**
     * The same from the local address {@code from} (null: any), for a server that tells its clients apart by their
     * address: the whole of 127/8 is loopback on Linux, so each 127.x.y.z is another client of the same machine.
     */
    public static Exchange exchange(String from, int port, String request, long waitMillis) {
        try (Socket s = new Socket()) {
            if (from != null) s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port));
            s.setSoTimeout((int) waitMillis);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readUntilClosed(s, System.nanoTime());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads what the server sends on {@code s} until it closes the connection or the socket's timeout passes. */
    public static Exchange readUntilClosed(Socket s, long sinceNanos) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder out = new StringBuilder();
        byte[] buf = new byte[8192];
        boolean closed;
        try {
            for (int n; (n = in.read(buf)) >= 0; ) out.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            closed = true;
        } catch (SocketTimeoutException stillOpen) {
            closed = false;
        } catch (SocketException reset) {
            closed = true;
        }
        return new Exchange(out.toString(), closed, (System.nanoTime() - sinceNanos) / 1_000_000);
    }

    /** A GET with the given header lines (each ending in CRLF). */
    public static String get(String path, String headerLines) {
        return "GET " + path + " HTTP/1.1\r\n" + headerLines + "Connection: close\r\n\r\n";
    }

    /** A POST with a JSON body and the given extra header lines (each ending in CRLF). */
    public static String post(String path, String headerLines, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\n" + headerLines + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n"
                + new String(b, StandardCharsets.ISO_8859_1);
    }
}
