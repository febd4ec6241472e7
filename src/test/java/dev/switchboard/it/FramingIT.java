package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.edge.EdgeServer;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.RawHttp;
import dev.switchboard.support.RawHttp.Exchange;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP framing abuse over raw sockets: every case the server can still answer gets a status line and the error
 * JSON of the path's dialect, and a connection whose request was refused early is closed at once instead of being
 * read for another minute. Forwarded headers are checked before anything is sent on.
 */
class FramingIT {
    static TestGateway gw;
    static final String JSON_HOST = "Host: 127.0.0.1\r\nContent-Type: application/json\r\n";

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: mock
                    litellm_params: { model: mock/m }
                general_settings:
                  max_request_size_mb: 0.01
                """, new EdgeServer.ClientTimeouts(60_000, 800));
    }

    @AfterAll
    static void stop() { gw.close(); }

    static Exchange send(String request) { return RawHttp.exchange(gw.server.port(), request, 5000); }

    static JsonObject openAiError(Exchange r) { return new JsonObject(r.body()).getJsonObject("error"); }

    static void assertAnthropicError(Exchange r) {
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("type")).isEqualTo("error");
        assertThat(body.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
    }

    @Test
    void aBrokenChunkSizeGetsA400NotABareFin() {
        try (LogCapture log = LogCapture.of("dev.switchboard")) {
            Exchange r = send("POST /v1/chat/completions HTTP/1.1\r\n" + JSON_HOST + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
            assertThat(r.status()).isEqualTo(400);
            assertThat(openAiError(r).getString("message")).contains("chunk");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(r.closed()).isTrue();
            Exchange a = send("POST /v1/messages HTTP/1.1\r\n" + JSON_HOST + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
            assertThat(a.status()).isEqualTo(400);
            assertAnthropicError(a);
            assertThat(a.header("request-id")).startsWith("req_");
            assertThat(log.lines()).noneMatch(l -> l.startsWith("ERROR"));
        }
    }

    @Test
    void parserErrorsCarryTheDialectsErrorBody() {
        Exchange badLength = send("POST /v1/chat/completions HTTP/1.1\r\n" + JSON_HOST + "Content-Length: abc\r\n\r\n{}");
        assertThat(badLength.status()).isEqualTo(400);
        assertThat(openAiError(badLength).getString("message")).contains("Content-Length");
        assertThat(badLength.closed()).isTrue();

        Exchange twoLengths = send("POST /v1/messages HTTP/1.1\r\n" + JSON_HOST + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
        assertThat(twoLengths.status()).isEqualTo(400);
        assertAnthropicError(twoLengths);

        Exchange longLine = send("GET /v1/models/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(longLine.status()).isEqualTo(414);
        assertThat(openAiError(longLine).getString("code")).isEqualTo("uri_too_long");

        Exchange bigHeaders = send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n");
        assertThat(bigHeaders.status()).isEqualTo(431);
        assertThat(openAiError(bigHeaders).getString("code")).isEqualTo("headers_too_large");

        Exchange version = send("GET /v1/models HTTP/1.7\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(version.status()).isEqualTo(501);
        assertThat(openAiError(version).getString("message")).contains("HTTP/1.7");
        assertThat(version.closed()).isTrue();
    }

    @Test
    void anOverLongRequestLineIsAnsweredInThePathsDialectWhateverTheVersion() {
        // QA hardening F4: the line fails before Netty has a request, and its stand-in named the path /bad-request, so a
        // 414 under /v1/messages came in OpenAI's shape
        for (String version : new String[] {"HTTP/1.0", "HTTP/1.1"}) {
            Exchange anthropic = send("POST /v1/messages?x=" + "a".repeat(20_000) + " " + version + "\r\n" + JSON_HOST
                    + "Content-Length: 2\r\n\r\n{}");
            assertThat(anthropic.status()).as(version).isEqualTo(414);
            JsonObject body = new JsonObject(anthropic.body());
            assertThat(body.getString("type")).as(version).isEqualTo("error");
            assertThat(body.getJsonObject("error").getString("message")).contains("16 KiB");
            assertThat(anthropic.header("request-id")).startsWith("req_");
            assertThat(anthropic.closed()).isTrue();
            Exchange longPath = send("GET /v1/messages/" + "b".repeat(20_000) + " " + version + "\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(longPath.status()).isEqualTo(414);
            assertThat(new JsonObject(longPath.body()).getString("type")).isEqualTo("error");
            Exchange openAi = send("POST /v1/chat/completions?x=" + "a".repeat(20_000) + " " + version + "\r\n" + JSON_HOST
                    + "Content-Length: 2\r\n\r\n{}");
            assertThat(openAi.status()).isEqualTo(414);
            assertThat(openAiError(openAi).getString("code")).isEqualTo("uri_too_long");
        }
        // a path that only begins like Anthropic's is not Anthropic's
        Exchange near = send("GET /v1/messagesx" + "c".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(near.status()).isEqualTo(414);
        assertThat(openAiError(near).getString("code")).isEqualTo("uri_too_long");
    }

    @Test
    void anAbsoluteFormRequestLineIsAnsweredInItsPathsDialectToo() {
        // RFC 9112 3.2.2: a server must accept the absolute form (scheme and authority before the path). Its over-long
        // line's stand-in kept no path (it looked for " /" after the method), so the 414 came in OpenAI's shape
        String host = "http://127.0.0.1:" + gw.server.port();
        for (String version : new String[] {"HTTP/1.0", "HTTP/1.1"}) {
            Exchange anthropic = send("POST " + host + "/v1/messages?x=" + "a".repeat(20_000) + " " + version + "\r\n" + JSON_HOST
                    + "Content-Length: 2\r\n\r\n{}");
            assertThat(anthropic.status()).as(version).isEqualTo(414);
            assertAnthropicError(anthropic);
            assertThat(anthropic.header("request-id")).startsWith("req_");
            assertThat(anthropic.closed()).isTrue();
            Exchange https = send("GET HTTPS://example.com/v1/messages/" + "b".repeat(20_000) + " " + version + "\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(https.status()).isEqualTo(414);
            assertAnthropicError(https);
            Exchange openAi = send("POST " + host + "/v1/chat/completions?x=" + "a".repeat(20_000) + " " + version + "\r\n" + JSON_HOST
                    + "Content-Length: 2\r\n\r\n{}");
            assertThat(openAi.status()).isEqualTo(414);
            assertThat(openAiError(openAi).getString("code")).isEqualTo("uri_too_long");
        }
        // a broken chunked body under an absolute-form Anthropic path: the 400 in Anthropic's shape too
        Exchange chunk = send("POST " + host + "/v1/messages HTTP/1.1\r\n" + JSON_HOST + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
        assertThat(chunk.status()).isEqualTo(400);
        assertAnthropicError(chunk);
        // and the absolute form of an ordinary request is served as its path
        String body = "{\"model\":\"mock\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Exchange fine = send(RawHttp.post(host + "/v1/messages", JSON_HOST, body));
        assertThat(fine.status()).as(fine.text()).isEqualTo(200);
        assertThat(new JsonObject(fine.body()).getString("type")).isEqualTo("message");
    }

    @Test
    void aControlCharacterInAnyHeaderIsA400InThePathsDialectAndTheConnectionCloses() {
        // QA hardening F6 (RFC 9110 5.5): with header validation off, a NUL in an ordinary header reached the routes
        String body = "{\"model\":\"mock\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (String value : new String[] {"a\u0000b", "a\u0001b", "a\rb", "\u001fab", "ab\u007f", "a-longer-value-\u0000-past-eight-bytes"}) {
            String shown = value.replace("\u0000", "NUL").replace("\r", "CR");
            Exchange anthropic = send(RawHttp.post("/v1/messages", JSON_HOST + "X-Note: " + value + "\r\n", body));
            assertThat(anthropic.status()).as(shown).isEqualTo(400);
            assertAnthropicError(anthropic);
            assertThat(new JsonObject(anthropic.body()).getJsonObject("error").getString("message")).as(shown).contains("control character");
            assertThat(anthropic.header("connection")).isEqualTo("close");
            assertThat(anthropic.closed()).isTrue();
            assertThat(responses(anthropic)).as("nothing after it is read as a request").isEqualTo(1);
            Exchange openAi = send(RawHttp.post("/v1/chat/completions", JSON_HOST + "X-Note: " + value + "\r\n", chatBody()));
            assertThat(openAi.status()).as(shown).isEqualTo(400);
            assertThat(openAiError(openAi).getString("code")).isEqualTo("malformed_request");
        }
        // in a name too, and the value is never quoted back (it may hold a key)
        Exchange name = send(RawHttp.post("/v1/chat/completions", JSON_HOST + "X-No\u0000te: sk-secret-value\r\n", chatBody()));
        assertThat(name.status()).isEqualTo(400);
        assertThat(name.body()).doesNotContain("sk-secret-value");
        // a tab, and bytes from 0x80 up (obs-text), are allowed in a value
        Exchange fine = send(RawHttp.post("/v1/chat/completions", JSON_HOST + "X-Note: a\tb \u00e9\u00ff c\r\n", chatBody()));
        assertThat(fine.status()).isEqualTo(200);
    }

    @Test
    void aFoldedHeaderLineIsA400AndTheConnectionCloses() {
        // RFC 9112 5.2 (obs-fold): Netty joined a continuation line to the value before it without the control check,
        // so a NUL or a bare CR in it reached the routes
        String body = "{\"model\":\"mock\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (String fold : new String[] {" x\u0000b", " x\rb", "\tplain words"}) {
            String shown = fold.replace("\u0000", "NUL").replace("\r", "CR").replace("\t", "TAB");
            Exchange anthropic = send(RawHttp.post("/v1/messages", JSON_HOST + "X-Note: a\r\n" + fold + "\r\n", body));
            assertThat(anthropic.status()).as(shown).isEqualTo(400);
            assertAnthropicError(anthropic);
            assertThat(new JsonObject(anthropic.body()).getJsonObject("error").getString("message")).as(shown).contains("obs-fold");
            assertThat(anthropic.header("connection")).isEqualTo("close");
            assertThat(anthropic.closed()).isTrue();
            assertThat(responses(anthropic)).as("nothing after it is read as a request").isEqualTo(1);
            Exchange openAi = send(RawHttp.post("/v1/chat/completions", "X-Note: a\r\n" + fold + "\r\n" + JSON_HOST, chatBody()));
            assertThat(openAi.status()).as(shown).isEqualTo(400);
            assertThat(openAiError(openAi).getString("code")).isEqualTo("malformed_request");
            assertThat(openAi.closed()).isTrue();
        }
        // a value with spaces after its colon is no fold
        Exchange fine = send(RawHttp.post("/v1/chat/completions", JSON_HOST + "X-Note:    spaced\r\nX-Tab:\tv\r\n", chatBody()));
        assertThat(fine.status()).isEqualTo(200);
    }

    /** Writes {@code parts} one flush after the other, a pause between them (each its own read), then reads until closed. */
    static Exchange sendInReads(String... parts) throws IOException, InterruptedException {
        try (Socket s = new Socket("127.0.0.1", gw.server.port())) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(3000);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) Thread.sleep(150);
                s.getOutputStream().write(parts[i].getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
            }
            return RawHttp.readUntilClosed(s, System.nanoTime());
        }
    }

    @Test
    void aFoldedTrailerLineThatBeginsARead() throws Exception {
        // A trailer line ending exactly where a read ends, and a fold beginning the next: the fold was seen, but nothing
        // refused the trailer (no header line followed it), so the flag refused the next request on the connection
        String head = "POST /v1/chat/completions HTTP/1.1\r\n" + JSON_HOST + "Transfer-Encoding: chunked\r\n\r\n";
        byte[] body = chatBody().getBytes(StandardCharsets.UTF_8);
        String chunked = head + Integer.toHexString(body.length) + "\r\n" + chatBody() + "\r\n0\r\nX-Trailer: a\r\n";
        String next = "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        Exchange folded = sendInReads(chunked, " folded\r\n\r\n" + next);
        assertThat(folded.status()).as(folded.text()).isEqualTo(400);
        assertThat(openAiError(folded).getString("message")).contains("obs-fold");
        assertThat(folded.closed()).isTrue();
        assertThat(responses(folded)).as("the request after it is not read").isEqualTo(1);
        // the same with the blank line in a read of its own
        Exchange apart = sendInReads(chunked, " folded\r\n", "\r\n" + next);
        assertThat(apart.status()).as(apart.text()).isEqualTo(400);
        assertThat(responses(apart)).isEqualTo(1);
        // a new connection is served
        assertThat(send(RawHttp.post("/v1/chat/completions", JSON_HOST, chatBody())).status()).isEqualTo(200);
        // an unfolded trailer cut at the same place: both requests of the connection are served
        Exchange clean = sendInReads(chunked, "\r\n" + next);
        assertThat(clean.status()).as(clean.text()).isEqualTo(200);
        assertThat(responses(clean)).as(clean.text()).isEqualTo(2);
        assertThat(clean.text()).contains("\"object\":\"list\"");
    }

    @Test
    void anEarly413ClosesTheConnectionAtOnce() throws IOException {
        try (Socket s = new Socket("127.0.0.1", gw.server.port())) {
            s.setSoTimeout(4000);
            // declares 1 MiB (over the 10 KiB limit), sends a little, and keeps the connection open as if more followed
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\n" + JSON_HOST + "Content-Length: 1048576\r\n\r\n{\"model\":")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Exchange r = RawHttp.readUntilClosed(s, System.nanoTime());
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(r.closed()).as("closed, not read for another minute").isTrue();
            assertThat(r.closedAfterMillis()).isLessThan(2000);
        }
    }

    @Test
    void aClientStillSendingItsBodyGetsThe413NotAReset() throws Exception {
        // A client that writes its whole body before it reads (as most do): closing with its bytes unread made the
        // kernel answer with a reset, which could beat the 413 to the client (broken pipe instead of the answer).
        // LingeringClose reads the rest away, so every write goes through and the answer is read whole.
        for (int round = 0; round < 3; round++) {
            try (Socket s = new Socket("127.0.0.1", gw.server.port())) {
                s.setSoTimeout(10_000);
                byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                int chunks = 256; // 16 MiB against the 10 KiB limit: more than both sockets' buffers hold
                var out = s.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\n" + JSON_HOST + "Content-Length: " + (chunks * chunk.length)
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < chunks; i++) out.write(chunk); // throws on a reset
                out.flush();
                Exchange r = RawHttp.readUntilClosed(s, System.nanoTime());
                assertThat(r.status()).isEqualTo(413);
                assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains("limit is");
                assertThat(r.closed()).isTrue();
            }
        }
    }

    @Test
    void a408ClosesTheConnectionRightAfterTheAnswer() throws IOException {
        try (Socket s = new Socket("127.0.0.1", gw.server.port())) {
            s.setSoTimeout(4000);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\n" + JSON_HOST + "Content-Length: 500\r\n\r\n{\"model\":")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Exchange r = RawHttp.readUntilClosed(s, System.nanoTime());
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.closed()).isTrue();
            assertThat(r.closedAfterMillis()).isBetween(500L, 2500L);
        }
    }

    @Test
    void forwardedHeadersAreCheckedBeforeAnythingIsSent() {
        String body = "{\"model\":\"mock\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Exchange huge = send(RawHttp.post("/v1/messages", JSON_HOST + "anthropic-beta: " + "x".repeat(9000) + "\r\n", body));
        assertThat(huge.status()).isEqualTo(400);
        assertAnthropicError(huge);
        assertThat(new JsonObject(huge.body()).getJsonObject("error").getString("message")).contains("anthropic-beta").contains("8192");

        Exchange org = send(RawHttp.post("/v1/chat/completions", JSON_HOST + "OpenAI-Organization: " + "o".repeat(9000) + "\r\n",
                FramingIT.chatBody()));
        assertThat(org.status()).isEqualTo(400);
        assertThat(openAiError(org).getString("message")).contains("openai-organization");

        // a control character never reaches a route (the HTTP decoder refuses it), and the answer is the dialect's 400
        Exchange control = send(RawHttp.post("/v1/messages", JSON_HOST + "anthropic-beta: a\u0001b\r\n", body));
        assertThat(control.status()).isEqualTo(400);
        assertAnthropicError(control);
        Exchange del = send(RawHttp.post("/v1/messages", JSON_HOST + "anthropic-version: 2023\u007f-06-01\r\n", body));
        assertThat(del.status()).isEqualTo(400);
        assertAnthropicError(del);

        Exchange fine = send(RawHttp.post("/v1/messages", JSON_HOST + "anthropic-beta: prompt-caching-2024-07-31, tools-2024-04-04\r\n", body));
        assertThat(fine.status()).isEqualTo(200);
    }

    /** A second request hidden in the first one's body: answered on its own only if the framing was misread. */
    static final String SMUGGLED = "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

    static int responses(Exchange r) { return r.text().split("HTTP/1\\.1 \\d{3} ", -1).length - 1; }

    @Test
    void whitespaceBeforeAHeadersColonIsA400AndNothingIsSmuggled() {
        // RFC 9112 5.1. The gateway runs with Vert.x's header validation off (as VertxRuntime sets it, and the pom for
        // tests), which is what let "Transfer-Encoding : chunked" through as an unknown header and the body run as a
        // second request on the connection (security QA, finding 5).
        String chunk = Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n";
        for (String shape : new String[] {
                "Transfer-Encoding : chunked\r\n\r\n" + chunk,
                "Transfer-Encoding\t: chunked\r\n\r\n" + chunk,
                "Content-Length : " + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED}) {
            Exchange r = send("POST /v1/chat/completions HTTP/1.1\r\n" + JSON_HOST + shape);
            assertThat(responses(r)).as(shape).isEqualTo(1);
            assertThat(r.status()).as(shape).isEqualTo(400);
            assertThat(openAiError(r).getString("message")).as(shape).contains("colon");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(r.closed()).isTrue();
        }
        Exchange anthropic = send("POST /v1/messages HTTP/1.1\r\n" + JSON_HOST + "Content-Length : 2\r\n\r\n{}");
        assertThat(anthropic.status()).isEqualTo(400);
        assertAnthropicError(anthropic);
        // whitespace after the colon, and inside a value, is ordinary
        Exchange fine = send(RawHttp.post("/v1/chat/completions", "Host: 127.0.0.1\r\nContent-Type:   application/json\r\n"
                + "X-Note: a b\t c\r\n", chatBody()));
        assertThat(fine.status()).isEqualTo(200);
    }

    @Test
    void theOtherSmugglingShapesStayRefused() {
        // the shapes the security QA run found held: each is refused or read as one request, never as two
        String chunk = Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n";
        String[] shapes = {
                "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk,
                "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n" + chunk,
                "Content-Length: 2\r\nContent-Length: " + SMUGGLED.length() + "\r\n\r\n{}" + SMUGGLED,
                "Content-Length: +2\r\n\r\n{}" + SMUGGLED,
                "Transfer-Encoding: xchunked\r\n\r\n" + chunk,
                "Transfer-Encoding: chunked, identity\r\n\r\n" + chunk,
        };
        for (String shape : shapes) {
            Exchange r = send("POST /v1/chat/completions HTTP/1.1\r\n" + JSON_HOST + shape);
            assertThat(responses(r)).as(shape).isEqualTo(1);
            assertThat(r.status()).as(shape).isBetween(400, 499);
            assertThat(r.text()).as(shape).doesNotContain("\"object\":\"list\"");
        }
        Exchange bareLf = send("POST /v1/chat/completions HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n"
                + "Content-Length: 2\n\n{}" + SMUGGLED);
        assertThat(responses(bareLf)).isLessThanOrEqualTo(1);
        assertThat(bareLf.text()).doesNotContain("\"object\":\"list\"");
    }

    static byte[] gzip(byte[] b) {
        var out = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] b, boolean raw) {
        var d = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, raw);
        d.setInput(b);
        d.finish();
        byte[] out = new byte[b.length + 64];
        int n = d.deflate(out);
        d.end();
        return java.util.Arrays.copyOf(out, n);
    }

    /** A POST whose body is {@code body}'s bytes as they are, declared with {@code coding}. */
    static Exchange encoded(String path, String coding, byte[] body) {
        return send("POST " + path + " HTTP/1.1\r\n" + JSON_HOST + "Content-Encoding: " + coding + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1));
    }

    @Test
    void gzipAndDeflateBodiesAreInflatedWithinTheLimitAndOtherCodingsAre415() {
        // security QA, finding 7: Content-Encoding was ignored (a gzip body got a JSON syntax error, br was served as plain)
        byte[] chat = chatBody().getBytes(StandardCharsets.UTF_8);
        assertThat(encoded("/v1/chat/completions", "gzip", gzip(chat)).status()).isEqualTo(200);
        assertThat(encoded("/v1/chat/completions", "deflate", deflate(chat, false)).status()).isEqualTo(200);
        assertThat(encoded("/v1/chat/completions", "deflate", deflate(chat, true)).status()).as("raw deflate").isEqualTo(200);
        assertThat(encoded("/v1/chat/completions", "identity", chat).status()).isEqualTo(200);

        Exchange br = encoded("/v1/chat/completions", "br", chat);
        assertThat(br.status()).isEqualTo(415);
        assertThat(openAiError(br).getString("message")).contains("'br'").contains("gzip");
        assertThat(openAiError(br).getString("code")).isEqualTo("unsupported_media_type");
        assertThat(br.header("accept-encoding")).isEqualTo("gzip, deflate, identity");
        Exchange twice = encoded("/v1/chat/completions", "gzip, gzip", gzip(gzip(chat)));
        assertThat(twice.status()).isEqualTo(415);
        Exchange anthropic = encoded("/v1/messages", "zstd", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(anthropic.status()).isEqualTo(415);
        assertAnthropicError(anthropic);

        // a bomb: 1 KiB on the wire, 4 MiB inflated, against the 10 KiB limit
        Exchange bomb = encoded("/v1/chat/completions", "gzip", gzip(new byte[4 << 20]));
        assertThat(bomb.status()).isEqualTo(413);
        assertThat(openAiError(bomb).getString("message")).contains("inflated");
        Exchange broken = encoded("/v1/chat/completions", "gzip", chat);
        assertThat(broken.status()).isEqualTo(400);
        assertThat(openAiError(broken).getString("message")).contains("gzip").doesNotContain("JSON");
    }

    static String chatBody() { return "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"; }
}
