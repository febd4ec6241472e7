package dev.switchboard.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A POST written by hand on a socket the test holds, so it can walk away at the moment it chooses (before the answer's
 * head, or in the middle of a stream): what no HTTP client library lets a test do on purpose.
 */
public final class RawPost {
    private RawPost() {}

    /** The open socket, the whole request written (JSON body, the master key); the caller closes it to leave. */
    public static Socket open(TestGateway gw, String path, String body) throws IOException {
        return open(gw, path, TestGateway.MASTER_KEY, body);
    }

    /** The same with {@code key} (a virtual key, say) instead of the master key. */
    public static Socket open(TestGateway gw, String path, String key, String body) throws IOException {
        Socket client = new Socket("127.0.0.1", gw.server.port());
        OutputStream out = client.getOutputStream();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("POST " + path + " HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n"
                + "authorization: Bearer " + key + "\r\ncontent-length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return client;
    }
}
