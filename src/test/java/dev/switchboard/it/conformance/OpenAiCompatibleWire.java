package dev.switchboard.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What an OpenAI-compatible server writes, for a canned upstream to play (with or without an {@code id} and a usage, as
 * the long tail's servers do), and the JSON events of the stream the gateway then answers with.
 */
final class OpenAiCompatibleWire {
    private OpenAiCompatibleWire() {}

    /** A whole answer, "Hello there"; a null {@code id} leaves out the id, object and created, a null {@code usage} the usage. */
    static String answer(String id, String model, String usage) {
        return "{" + (id == null ? "" : "\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"created\":1700000000,")
                + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello there\"},"
                + "\"finish_reason\":\"stop\"}]" + (usage == null ? "" : ",\"usage\":" + usage) + "}";
    }

    /** One stream event of choice 0; {@code more} is extra top-level fields ({@code "usage":{...}}, say) or null. */
    static String chunk(String id, String model, String delta, String finish, String more) {
        return "data: {" + (id == null ? "" : "\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,")
                + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]" + (more == null ? "" : "," + more) + "}\n\n";
    }

    /** The JSON events of an SSE body, in order ({@code [DONE]} left out). */
    static List<JsonObject> chunks(String sse) {
        return Http.sseData(sse).stream().filter(d -> d.startsWith("{")).map(JsonObject::new).toList();
    }

    /** The usage of the one event that carries one; fails the test unless exactly one does. */
    static JsonObject usageChunk(String sse) {
        List<JsonObject> withUsage = chunks(sse).stream().filter(c -> c.getJsonObject("usage") != null).toList();
        assertThat(withUsage).as(sse).hasSize(1);
        return withUsage.get(0).getJsonObject("usage");
    }
}
