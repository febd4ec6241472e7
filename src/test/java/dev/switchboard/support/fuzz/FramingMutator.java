package dev.switchboard.support.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Raw HTTP/1.1 requests with broken framing for the fuzz test: bad or conflicting Content-Length, broken chunked
 * encoding, odd request lines, malformed or oversized headers, pipelining, byte flips in the head, garbage. Built
 * from one {@link Random}, so a seed repeats a run.
 */
public final class FramingMutator {
    private static final String[] BAD_LENGTHS = {"-1", "abc", "99999999999999999999", "", " 5", "0x10", "1,2", "+5", "1e3"};
    private static final String[] BAD_CHUNK_SIZES = {"zz", "-1", "FFFFFFFFFFFFFFFFF", "1;ext=\"", "", " 5", "0x5", "g"};
    private static final String[] METHODS = {"GET", "PUT", "DELETE", "PATCH", "FOO", "post", "OPTIONS", "HEAD", "TRACE", "CONNECT"};
    private static final String[] VERSIONS = {"HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "HTTP/1.1 x", "", "http/1.1", "HTTP/1.10"};
    private static final String[] TARGETS = {"%zz", "/v1//chat/completions", "*", "http://evil.example/v1/chat/completions",
            "/v1/chat/completions?x=%00", "/v1/messages/../chat/completions", "/v1/v1/messages", "/v1/messages%2f..",
            "/v1/chat/completions#frag", "/\u00e9", "/v1/embeddings;x"};

    private final Random random;
    private final String authHeader;

    /** @param authHeader a full header line that authenticates, without CRLF */
    public FramingMutator(Random random, String authHeader) {
        this.random = random;
        this.authHeader = authHeader;
    }

    public record Case(String label, byte[] bytes) {}

    /** One mutated request for {@code path} carrying {@code body}. */
    public Case next(String path, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authHeader + "\r\nContent-Type: application/json\r\n";
        int op = random.nextInt(20);
        return switch (op) {
            case 0 -> c("bad content-length", head + "Content-Length: " + pick(BAD_LENGTHS) + "\r\n\r\n", b);
            case 1 -> c("content-length short", head + "Content-Length: " + b.length / 2 + "\r\n\r\n", b);
            case 2 -> c("content-length long", head + "Content-Length: " + (b.length + 1 + random.nextInt(1000)) + "\r\n\r\n", b);
            case 3 -> c("two content-lengths", head + "Content-Length: " + b.length + "\r\nContent-Length: " + (b.length + 3) + "\r\n\r\n", b);
            case 4 -> c("bad chunk size", head + "Transfer-Encoding: chunked\r\n\r\n" + pick(BAD_CHUNK_SIZES) + "\r\n", concat(b,
                    "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            case 5 -> c("chunked and content-length", head + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                    + Integer.toHexString(b.length) + "\r\n", concat(b, "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            case 6 -> c("chunked without last chunk", head + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(b.length) + "\r\n",
                    concat(b, "\r\n".getBytes(StandardCharsets.US_ASCII)));
            case 7 -> c("method", head.replaceFirst("POST", pick(METHODS)) + "Content-Length: " + b.length + "\r\n\r\n", b);
            case 8 -> c("version", head.replaceFirst("HTTP/1.1", pick(VERSIONS)) + "Content-Length: " + b.length + "\r\n\r\n", b);
            case 9 -> c("target", head.replaceFirst(java.util.regex.Pattern.quote(path), random.nextInt(4) == 0
                    ? "/v1/" + "a".repeat(70_000 + random.nextInt(40_000)) : pick(TARGETS)) + "Content-Length: " + b.length + "\r\n\r\n", b);
            case 10 -> c("header", head + badHeader() + "\r\nContent-Length: " + b.length + "\r\n\r\n", b);
            case 11 -> {
                byte[] whole = concat((head + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), b);
                int headLength = head.length();
                for (int i = 1 + random.nextInt(4); i > 0; i--) whole[random.nextInt(headLength)] = (byte) random.nextInt(256);
                yield new Case("byte flips in the head", whole);
            }
            case 12 -> {
                byte[] first = concat((head + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), b);
                yield new Case("pipelined", concat(first, next(path, body).bytes()));
            }
            case 13 -> c("expect 100-continue", head + "Expect: 100-continue\r\nContent-Length: " + b.length + "\r\n\r\n", b);
            case 14 -> c("host", head.replace("Host: 127.0.0.1\r\n", random.nextBoolean() ? "" : "Host: a\r\nHost: b\r\n")
                    + "Content-Length: " + b.length + "\r\n\r\n", b);
            case 15 -> c("head cut", head.substring(0, random.nextInt(head.length())), new byte[0]);
            case 16 -> {
                byte[] junk = new byte[1 + random.nextInt(2000)];
                random.nextBytes(junk);
                yield new Case("garbage", junk);
            }
            case 17 -> c("h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", new byte[0]);
            case 18 -> c("gzip claimed", head + "Content-Encoding: gzip\r\nContent-Length: " + b.length + "\r\n\r\n", b);
            default -> c("content type", head.replace("application/json", random.nextBoolean() ? "text/plain" : "multipart/form-data; boundary=x")
                    + "Content-Length: " + b.length + "\r\n\r\n", b);
        };
    }

    private String badHeader() {
        return switch (random.nextInt(6)) {
            case 0 -> "NoColonHere";
            case 1 -> "Bad Name: x";
            case 2 -> "X-Fold: a\r\n  folded";
            case 3 -> "X-Nul: a\u0000b";
            case 4 -> "X-Big: " + "b".repeat(70_000 + random.nextInt(30_000));
            default -> "X-Many: 1\r\n".repeat(200 + random.nextInt(800)) + "X-Last: 1";
        };
    }

    private String pick(String[] from) { return from[random.nextInt(from.length)]; }

    private static Case c(String label, String head, byte[] body) {
        return new Case(label, concat(head.getBytes(StandardCharsets.UTF_8), body));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
