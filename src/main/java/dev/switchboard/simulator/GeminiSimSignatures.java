package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;

/**
 * Gemini 3's thought signatures as the simulator plays them. Models named {@code gemini-3…} sign the first
 * functionCall part of each answer, and a request to them is refused as Google documents it
 * (ai.google.dev, "Thought signatures"): only the current turn is validated (it starts at the last user
 * content with standard content, not a functionResponse), and there the first functionCall part of every
 * model step must carry its signature. A signature that is present must be one the simulator issued, in the
 * standard base64 it issued it in, or one of Google's documented dummies; anything else is "corrupted".
 */
final class GeminiSimSignatures {
    /** Leading bytes that make the base64 start with "+//+": a signature needs the characters ids may not hold. */
    private static final byte[] MAGIC = {(byte) 0xfb, (byte) 0xff, (byte) 0xfe};
    private static final Set<String> DUMMIES = Set.of("context_engineering_is_the_way_to_go", "skip_thought_signature_validator");

    private GeminiSimSignatures() {}

    static boolean signs(String model) { return model.startsWith("gemini-3"); }

    /** A signature for one answer: standard base64 with '+', '/' and '=' padding, as Google writes bytes. */
    static String issue(String responseId) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(MAGIC);
        b.writeBytes(("sim-thought:" + responseId).getBytes(StandardCharsets.US_ASCII));
        while (b.size() % 3 != 1) b.write('.'); // two '=' of padding
        return Base64.getEncoder().encodeToString(b.toByteArray());
    }

    /** @return Google's error message for the request's contents, or null when they pass */
    static String check(JsonArray contents) {
        for (int i = 0; i < contents.size(); i++) {
            for (Object o : contents.getJsonObject(i).getJsonArray("parts", new JsonArray())) {
                String signature = signature((JsonObject) o);
                if (signature != null && !valid(signature)) return "Corrupted thought signature.";
            }
        }
        for (int i = contents.size() - 1; i >= 0 && !startsTurn(contents.getJsonObject(i)); i--) {
            JsonObject c = contents.getJsonObject(i);
            if (!"model".equals(c.getString("role"))) continue;
            for (Object o : c.getJsonArray("parts", new JsonArray())) {
                JsonObject part = (JsonObject) o;
                if (!part.containsKey("functionCall")) continue;
                if (signature(part) == null) {
                    return "Function call is missing a thought_signature in functionCall parts. This is required for tools to work "
                            + "correctly, and missing thought_signature may lead to degraded model performance. Additional data, "
                            + "function call `default_api:" + part.getJsonObject("functionCall").getString("name") + "` , position "
                            + (i + 1) + ". Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.";
                }
                break; // only the first call of a step is signed
            }
        }
        return null;
    }

    private static boolean startsTurn(JsonObject content) {
        if (!"user".equals(content.getString("role", "user"))) return false;
        for (Object o : content.getJsonArray("parts", new JsonArray())) {
            if (!((JsonObject) o).containsKey("functionResponse")) return true;
        }
        return false;
    }

    /** Google's JSON accepts the proto field name too. */
    private static String signature(JsonObject part) {
        String s = part.getString("thoughtSignature");
        return s != null ? s : part.getString("thought_signature");
    }

    private static boolean valid(String signature) {
        if (DUMMIES.contains(signature)) return true;
        try {
            byte[] bytes = Base64.getDecoder().decode(signature);
            return bytes.length > MAGIC.length && Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC);
        } catch (IllegalArgumentException notStandardBase64) {
            return false;
        }
    }
}
