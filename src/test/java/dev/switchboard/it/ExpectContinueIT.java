package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.TestGateway;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Expect: 100-continue} (curl sends it for bodies over 1 MB): an acceptable request is told {@code 100 Continue}
 * at once, so the client sends its body without first waiting out its own timeout (curl's 1 s; QA hardening F3); one
 * that is refused anyway (a bad key) gets its final answer at once instead.
 */
class ExpectContinueIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: mock
                    litellm_params: { model: mock/m }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void anAcceptableRequestIsToldToContinueBeforeItSendsItsBody() throws Exception {
        byte[] body = "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket("127.0.0.1", gw.server.port())) {
            s.setSoTimeout(3_000);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + TestGateway.MASTER_KEY + "\r\nExpect: 100-continue\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(readLine(s.getInputStream())).isEqualTo("HTTP/1.1 100 Continue"); // before any body byte
            assertThat(readLine(s.getInputStream())).isEmpty();
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            assertThat(readLine(s.getInputStream())).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    @Test
    void aRequestWithABadKeyGetsItsRefusalNotAContinue() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.server.port())) {
            s.setSoTimeout(3_000);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer sk-wrong\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(readLine(s.getInputStream())).isEqualTo("HTTP/1.1 401 Unauthorized");
        }
    }

    private static String readLine(InputStream in) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) if (c != '\r') b.append((char) c);
        return b.toString();
    }
}
