package dev.switchboard.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonBody#read} builds its tree on the parser itself, not through {@code ObjectReader.readTree}: this holds the
 * two equal, node class by node class and key order by key order (a key given twice, every number form), and their
 * failures equal in class and message, so every reader of the tree (the decoders, the relay's shape check, the cache
 * key, unknown fields forwarded) sees what it saw before.
 */
class JsonBodyTreeTest {
    /** What {@code JsonBody.read} was: {@code readTree} on the same factory settings, then nothing after the value. */
    private static final ObjectReader REFERENCE = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(JsonBody.MAX_DEPTH).build())
            .build()).readerFor(JsonNode.class);

    private static JsonNode reference(byte[] body) throws Exception {
        try (JsonParser p = REFERENCE.createParser(body)) {
            JsonNode n = REFERENCE.readTree(p);
            if (n != null && p.nextToken() != null) {
                throw new JsonParseException(p, "Unexpected content after the JSON value: the body must hold exactly one JSON value");
            }
            return n;
        }
    }

    private static void same(String body) {
        same(body.getBytes(StandardCharsets.UTF_8));
    }

    private static void same(byte[] body) {
        JsonNode want = null;
        Exception wantError = null;
        try {
            want = reference(body);
        } catch (Exception e) {
            wantError = e;
        }
        JsonNode got = null;
        Exception gotError = null;
        try {
            got = JsonBody.read(body);
        } catch (Exception e) {
            gotError = e;
        }
        String what = new String(body, StandardCharsets.UTF_8);
        if (wantError != null || gotError != null) {
            assertNotNull(wantError, () -> "read failed where readTree did not: " + what);
            assertNotNull(gotError, () -> "readTree failed where read did not: " + what);
            assertEquals(wantError.getClass(), gotError.getClass(), what);
            assertEquals(wantError.getMessage(), gotError.getMessage(), what);
            return;
        }
        if (want == null || got == null) {
            assertEquals(want, got, what);
            return;
        }
        sameTree(want, got, "$", what);
    }

    /** Equal nodes of the same class, object keys in the same order (ObjectNode.equals does not look at order). */
    private static void sameTree(JsonNode want, JsonNode got, String at, String body) {
        assertEquals(want.getClass(), got.getClass(), () -> at + " in " + body);
        assertEquals(want, got, () -> at + " in " + body);
        if (want.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> w = want.fields();
            Iterator<Map.Entry<String, JsonNode>> g = got.fields();
            while (w.hasNext()) {
                Map.Entry<String, JsonNode> a = w.next();
                Map.Entry<String, JsonNode> b = g.next();
                assertEquals(a.getKey(), b.getKey(), () -> at + " key order in " + body);
                sameTree(a.getValue(), b.getValue(), at + "." + a.getKey(), body);
            }
        } else if (want.isArray()) {
            for (int i = 0; i < want.size(); i++) sameTree(want.get(i), got.get(i), at + "[" + i + "]", body);
        }
    }

    @Test
    void everyNumberFormIsTheNodeReadTreeMakes() {
        for (String n : new String[] {"0", "-0", "1", "-1", "10", "-10", "11", "2147483647", "2147483648", "-2147483648",
                "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                "123456789012345678901234567890", "-123456789012345678901234567890", "0.0", "-0.0", "1.0", "5.0", "1.5",
                "-1.5", "1e2", "1E2", "1e+2", "1e-2", "1e400", "-1e400", "1e-400", "0.1", "3.141592653589793238462643383279",
                "1.7976931348623157e308", "4.9e-324", "00", "01", "-", "1.", ".5", "+1", "1e", "NaN", "Infinity", "-Infinity"}) {
            same(n);
            same("{\"temperature\":" + n + "}");
            same("[" + n + "," + n + "]");
        }
    }

    @Test
    void aKeyGivenTwiceKeepsItsFirstPlaceAndItsLastValue() {
        same("{\"a\":1,\"b\":2,\"a\":3}");
        same("{\"model\":\"x\",\"messages\":[],\"model\":{\"nested\":true}}");
        same("{\"a\":{\"x\":1},\"a\":{\"y\":2},\"b\":null,\"a\":[1]}");
    }

    @Test
    void emptyScalarsAndErrorsAreTheSame() {
        for (String b : new String[] {"", " ", "\n\t ", "null", "true", "false", "\"text\"", "\"\"", "{}", "[]", "[[]]",
                "{\"a\":{}}", "{\"a\":[]}", " {} ", "{", "}", "[", "]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[,1]",
                "{} x", "{}{}", "[] []", "{\"a\":1} // c", "{'a':1}", "{a:1}", "\"\\u00e9\\n\\\"\\\\ \\ud83d\\ude00\"",
                "{\"\":\"\"}", "{\"a\":\"\\x\"}", "\"unterminated", "{\"a\":tru}", "nul", "\uFEFF{}", "[1 2]",
                "{\"a\" 1}", "{\"a\":1 \"b\":2}", "[\"a\",{\"b\":[null,true,false,1,1.5,\"c\"]}]"}) {
            same(b);
        }
        same(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}); // a cut UTF-8 sequence
        same(new byte[] {'"', (byte) 0xFF, '"'});
    }

    @Test
    void nestingUpToTheBoundReadsAndPastItFailsAlike() {
        for (int depth : new int[] {1, 2, 100, JsonBody.MAX_DEPTH - 1, JsonBody.MAX_DEPTH, JsonBody.MAX_DEPTH + 1, 1_500}) {
            same("[".repeat(depth) + "]".repeat(depth));
            same("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
        }
    }

    @Test
    void randomBodiesReadTheSameTree() {
        Random r = new Random(20261207);
        int compared = 0;
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder();
            value(r, sb, 0);
            String body = sb.toString();
            same(body);
            compared++;
            if (i % 5 == 0) { // and a damaged copy: a byte dropped, or one more at the end
                String damaged = r.nextBoolean() && body.length() > 1
                        ? body.substring(0, r.nextInt(body.length())) + body.substring(r.nextInt(body.length()) + 0)
                        : body + (r.nextBoolean() ? "}" : " 1");
                same(damaged);
            }
        }
        assertEquals(5_000, compared);
    }

    private static final String[] KEYS = {"model", "messages", "role", "content", "temperature", "tools", "x", "", "a b",
            "é", "stream", "max_tokens"};

    private static void value(Random r, StringBuilder sb, int depth) {
        int kind = depth > 6 ? 2 + r.nextInt(6) : r.nextInt(8);
        space(r, sb);
        switch (kind) {
            case 0 -> {
                sb.append('{');
                int n = r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    if (i > 0) sb.append(',');
                    space(r, sb);
                    sb.append('"').append(KEYS[r.nextInt(KEYS.length)]).append('"');
                    space(r, sb);
                    sb.append(':');
                    value(r, sb, depth + 1);
                }
                space(r, sb);
                sb.append('}');
            }
            case 1 -> {
                sb.append('[');
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    if (i > 0) sb.append(',');
                    value(r, sb, depth + 1);
                }
                space(r, sb);
                sb.append(']');
            }
            case 2 -> sb.append(r.nextBoolean() ? "true" : r.nextBoolean() ? "false" : "null");
            case 3, 4 -> sb.append(number(r));
            default -> {
                sb.append('"');
                int n = r.nextInt(8);
                for (int i = 0; i < n; i++) {
                    int c = r.nextInt(10);
                    sb.append(c == 0 ? "\\n" : c == 1 ? "\\u00e9" : c == 2 ? "é" : c == 3 ? "\\\"" : String.valueOf((char) ('a' + r.nextInt(26))));
                }
                sb.append('"');
            }
        }
        space(r, sb);
    }

    private static String number(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> Integer.toString(r.nextInt(21) - 10);
            case 1 -> Integer.toString(r.nextInt());
            case 2 -> Long.toString(r.nextLong());
            case 3 -> Long.toString(r.nextLong()) + r.nextInt(1_000_000);
            case 4 -> Double.toString(r.nextDouble() * (r.nextBoolean() ? 1 : -1000));
            case 5 -> r.nextInt(100) + "e" + (r.nextInt(801) - 400);
            case 6 -> (r.nextBoolean() ? "-" : "") + "0" + (r.nextBoolean() ? ".0" : "");
            case 7 -> (r.nextInt(2_000_000) + 2_147_483_000L) * (r.nextBoolean() ? 1 : -1) + "";
            default -> r.nextInt(10) + "." + r.nextInt(1000) + "E" + (r.nextBoolean() ? "+" : "-") + r.nextInt(20);
        };
    }

    private static void space(Random r, StringBuilder sb) {
        if (r.nextInt(4) == 0) sb.append(" \n\t\r".charAt(r.nextInt(4)));
    }

    @Test
    void theWholeChatBodyReadsAsBefore() throws Exception {
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:x\"}}]}],"
                + "\"temperature\":1,\"top_p\":0.5,\"max_tokens\":256,\"seed\":-9223372036854775808,\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\","
                + "\"maximum\":1e308}}}}}],\"unknown_field\":{\"kept\":[1,2.5,\"x\",null,true]},\"stream\":false}";
        same(body);
        List<String> keys = new ArrayList<>();
        JsonBody.read(body.getBytes(StandardCharsets.UTF_8)).fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("model", "messages", "temperature", "top_p", "max_tokens", "seed", "tools", "unknown_field", "stream"), keys);
        if (JsonBody.read("{}".getBytes(StandardCharsets.UTF_8)).size() != 0) fail("{} has members");
    }
}
