package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.edge.EdgeServer;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that are slow, or leave, or send broken HTTP, through raw sockets: none can hold a connection or a
 * buffer for ever, none gets the server to log an error, and each that is still there gets a clear answer.
 */
class SlowClientsIT {
    static TestGateway gw;
    static final String HI = "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: mock
                    litellm_params: { model: mock/m, mock_latency_ms: 1200 }
                """, new EdgeServer.ClientTimeouts(500, 500));
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", gw.server.port());
        s.setSoTimeout(5000);
        return s;
    }

    /** Everything the server sends until it closes the connection (or 5 s pass). */
    private static String readUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder out = new StringBuilder();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        } catch (SocketTimeoutException stillOpen) {
            out.append("<still open>");
        }
        return out.toString();
    }

    @Test
    void aRequestHeadThatNeverCompletesIsClosed() throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long t0 = System.nanoTime();
            assertThat(readUntilClosed(s)).doesNotContain("<still open>");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(300L, 3000L);
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedButARequestInFlightIsNot() throws IOException {
        try (Socket s = connect()) {
            // the mock answers after 1.2 s, longer than the 0.5 s idle limit: a request in flight is never cut
            byte[] body = HI.getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            String answer = readUntilClosed(s);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("mock response").doesNotContain("<still open>");
        }
    }

    @Test
    void aStalledBodyIs408AndHoldsNoBufferOfItsDeclaredSize() throws IOException {
        try (Socket s = connect(); LogCapture log = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 10000000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            String answer = readUntilClosed(s);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"").contains("connection: close");
            assertThat(log.lines()).noneMatch(l -> l.startsWith("ERROR"));
        }
    }

    @Test
    void aClientThatLeavesMidBodyOrSendsABadChunkIsNotAnError() throws Exception {
        try (LogCapture log = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            try (Socket s = connect()) {
                s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\"")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                Thread.sleep(100);
            }
            try (Socket s = connect()) {
                s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = readUntilClosed(s);
                assertThat(answer).doesNotContain("<still open>");
                if (!answer.isEmpty()) assertThat(answer).startsWith("HTTP/1.1 400");
            }
            try (Socket s = connect()) {
                s.getOutputStream().write("GET /v1/%ZZ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = readUntilClosed(s);
                assertThat(answer).startsWith("HTTP/1.1 400").contains("\"type\":\"invalid_request_error\"");
            }
            Thread.sleep(200);
            assertThat(log.lines()).as("client mistakes are not server errors").noneMatch(l -> l.startsWith("ERROR"));
        }
        assertThat(Http.post(gw.v1() + "/chat/completions", null, HI).statusCode()).isEqualTo(200);
    }
}
