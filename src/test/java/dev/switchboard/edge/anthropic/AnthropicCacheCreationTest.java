package dev.switchboard.edge.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's {@code usage.cache_creation} ({@code ephemeral_5m_input_tokens}, {@code ephemeral_1h_input_tokens}) on a
 * translated answer: the canonical usage's 1-hour part where a provider said it (Bedrock's cacheDetails), every other
 * write a 5-minute one.
 */
class AnthropicCacheCreationTest {

    @Test
    void writesWithoutALifetimeSplitAreFiveMinuteOnes() {
        JsonObject u = new JsonObject(AnthropicResponseEncoder.usage(new Usage(4000, 5, 0, 3000, 0, 0)).toString());
        assertThat(u.getInteger("cache_creation_input_tokens")).isEqualTo(3000);
        assertThat(u.getJsonObject("cache_creation")).isEqualTo(new JsonObject()
                .put("ephemeral_5m_input_tokens", 3000).put("ephemeral_1h_input_tokens", 0));
    }

    @Test
    void theOneHourPartIsTheProvidersSplit() {
        JsonObject u = new JsonObject(AnthropicResponseEncoder.usage(new Usage(4000, 5, 0, 3000, 0, 1000)).toString());
        assertThat(u.getJsonObject("cache_creation")).isEqualTo(new JsonObject()
                .put("ephemeral_5m_input_tokens", 2000).put("ephemeral_1h_input_tokens", 1000));
        JsonObject none = new JsonObject(AnthropicResponseEncoder.usage(Usage.ZERO).toString());
        assertThat(none.getJsonObject("cache_creation")).as("no write: zeros, as Anthropic sends them")
                .isEqualTo(new JsonObject().put("ephemeral_5m_input_tokens", 0).put("ephemeral_1h_input_tokens", 0));
    }

    private static List<JsonObject> events(Buffer b) {
        List<JsonObject> out = new ArrayList<>();
        if (b == null) return out;
        for (String block : b.toString().split("\n\n")) out.add(new JsonObject(block.substring(block.indexOf("data: ") + 6)));
        return out;
    }

    private static ChatChunk text(String t, Usage u) {
        return new ChatChunk("chatcmpl-1", 1, "m", List.of(new ChunkChoice(0, new Delta(null, t, null, null, List.of()),
                u == null ? null : FinishReason.STOP, null)), u, null, null);
    }

    /**
     * A live translated stream learns its usage at the end: message_start cannot know the split and leaves it out, as
     * before (the Messages API never sends it null, and the zod {@code .optional()} schemas of Claude Code's stream-json
     * tools reject a null; zeros would contradict the count message_delta brings), message_delta carries it.
     */
    @Test
    void aLiveStreamGivesTheSplitWithItsFinalCounts() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        List<JsonObject> all = new ArrayList<>(events(enc.chunk(text("hi", null))));
        all.addAll(events(enc.chunk(text("", new Usage(4000, 5, 0, 3000, 0, 1000)))));
        all.addAll(events(enc.end()));
        JsonObject start = all.get(0).getJsonObject("message").getJsonObject("usage");
        assertThat(start.containsKey("cache_creation")).as("not known yet: absent, not null").isFalse();
        JsonObject delta = all.stream().filter(e -> e.getString("type").equals("message_delta")).findFirst().orElseThrow()
                .getJsonObject("usage");
        assertThat(delta.getInteger("cache_creation_input_tokens")).isEqualTo(3000);
        assertThat(delta.getJsonObject("cache_creation")).isEqualTo(new JsonObject()
                .put("ephemeral_5m_input_tokens", 2000).put("ephemeral_1h_input_tokens", 1000));
    }

    /** A replay (the response cache) knows its usage before it streams: message_start carries the split, as Anthropic's does. */
    @Test
    void aReplayGivesTheSplitInMessageStart() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder(List.of(), new Usage(4000, 5, 0, 3000, 0, 1000));
        JsonObject start = events(enc.chunk(text("hi", null))).get(0).getJsonObject("message").getJsonObject("usage");
        assertThat(start.getInteger("cache_creation_input_tokens")).isEqualTo(3000);
        assertThat(start.getJsonObject("cache_creation")).isEqualTo(new JsonObject()
                .put("ephemeral_5m_input_tokens", 2000).put("ephemeral_1h_input_tokens", 1000));
    }

    /** A request with a one-hour breakpoint (a system block with {@code cache_control.ttl: "1h"}). */
    private static dev.switchboard.model.ChatRequest hourRequest(String ttl) {
        com.fasterxml.jackson.databind.node.ObjectNode cc = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("type", "ephemeral");
        if (ttl != null) cc.put("ttl", ttl);
        return new AnthropicRequestDecoder().messages(Buffer.buffer(new JsonObject().put("model", "m").put("max_tokens", 10)
                .put("system", new io.vertx.core.json.JsonArray().add(new JsonObject().put("type", "text").put("text", "rules")
                        .put("cache_control", new JsonObject(cc.toString()))))
                .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))
                .encode()), java.util.Map.of());
    }

    /**
     * A one-hour breakpoint served by a provider that counts its writes without their lifetimes (OpenRouter forwards the
     * ttl and reports only cache_write_tokens): the writes may be one-hour ones, so no split is said, in an answer or a
     * stream's message_delta; the provider's own split (Bedrock's cacheDetails) is still said, and a request with
     * 5-minute breakpoints only still gets its writes as 5-minute ones.
     */
    @Test
    void aOneHourBreakpointWithoutTheProvidersSplitSaysNoSplit() {
        Usage unsplit = new Usage(4000, 5, 0, 3000, 0, 0);
        JsonObject u = new JsonObject(AnthropicResponseEncoder.usage(unsplit, true, hourRequest("1h")).toString());
        assertThat(u.getInteger("cache_creation_input_tokens")).isEqualTo(3000);
        assertThat(u.containsKey("cache_creation")).as("the lifetimes are not known").isFalse();
        JsonObject five = new JsonObject(AnthropicResponseEncoder.usage(unsplit, true, hourRequest(null)).toString());
        assertThat(five.getJsonObject("cache_creation")).isEqualTo(new JsonObject()
                .put("ephemeral_5m_input_tokens", 3000).put("ephemeral_1h_input_tokens", 0));
        JsonObject split = new JsonObject(AnthropicResponseEncoder.usage(new Usage(4000, 5, 0, 3000, 0, 1000), true,
                hourRequest("1h")).toString());
        assertThat(split.getJsonObject("cache_creation")).isEqualTo(new JsonObject()
                .put("ephemeral_5m_input_tokens", 2000).put("ephemeral_1h_input_tokens", 1000));
        JsonObject none = new JsonObject(AnthropicResponseEncoder.usage(new Usage(4000, 5, 3000, 0, 0, 0), true,
                hourRequest("1h")).toString());
        assertThat(none.getJsonObject("cache_creation")).as("no write: zeros, known")
                .isEqualTo(new JsonObject().put("ephemeral_5m_input_tokens", 0).put("ephemeral_1h_input_tokens", 0));

        AnthropicStreamEncoder enc = new AnthropicStreamEncoder(List.of(), null, hourRequest("1h"));
        List<JsonObject> all = new ArrayList<>(events(enc.chunk(text("hi", null))));
        all.addAll(events(enc.chunk(text("", unsplit))));
        all.addAll(events(enc.end()));
        JsonObject delta = all.stream().filter(e -> e.getString("type").equals("message_delta")).findFirst().orElseThrow()
                .getJsonObject("usage");
        assertThat(delta.getInteger("cache_creation_input_tokens")).isEqualTo(3000);
        assertThat(delta.containsKey("cache_creation")).isFalse();

        dev.switchboard.model.ChatResponse answer = new dev.switchboard.model.ChatResponse("chatcmpl-2", 1, "m",
                List.of(new dev.switchboard.model.Choice(0, dev.switchboard.model.Message.text(dev.switchboard.model.Role.ASSISTANT,
                        "hi"), FinishReason.STOP, null)), unsplit, null, null, null);
        JsonObject body = new JsonObject(new AnthropicResponseEncoder().response(answer, List.of(), hourRequest("1h")));
        assertThat(body.getJsonObject("usage").getInteger("cache_creation_input_tokens")).isEqualTo(3000);
        assertThat(body.getJsonObject("usage").containsKey("cache_creation")).isFalse();
    }
    /**
     * A one-hour breakpoint whose writes the provider reports as 5-minute ones (Bedrock's cacheDetails listing only
     * {@code "ttl": "5m"}): the lifetimes are said, so the split is too (5-minute writes, no one-hour write), in an
     * answer, a live stream's message_delta and a replay's message_start; the same counts without the provider's word
     * still say none.
     */
    @Test
    void aOneHourBreakpointWhoseWritesTheProviderCallsFiveMinuteOnesGetsTheSplit() {
        Usage said = new Usage(4000, 5, 0, 3000, 0, 0).withWriteLifetimesSaid(true);
        JsonObject fiveMinutes = new JsonObject().put("ephemeral_5m_input_tokens", 3000).put("ephemeral_1h_input_tokens", 0);
        JsonObject u = new JsonObject(AnthropicResponseEncoder.usage(said, true, hourRequest("1h")).toString());
        assertThat(u.getJsonObject("cache_creation")).isEqualTo(fiveMinutes);
        assertThat(AnthropicResponseEncoder.usage(said.withCost(0.01), true, hourRequest("1h")).toString())
                .as("pricing keeps the word").contains("\"cache_creation\"");
        JsonObject unsaid = new JsonObject(AnthropicResponseEncoder.usage(said.withWriteLifetimesSaid(false), true, hourRequest("1h")).toString());
        assertThat(unsaid.containsKey("cache_creation")).isFalse();

        AnthropicStreamEncoder enc = new AnthropicStreamEncoder(List.of(), null, hourRequest("1h"));
        List<JsonObject> all = new ArrayList<>(events(enc.chunk(text("hi", null))));
        all.addAll(events(enc.chunk(text("", said))));
        all.addAll(events(enc.end()));
        assertThat(all.stream().filter(e -> e.getString("type").equals("message_delta")).findFirst().orElseThrow()
                .getJsonObject("usage").getJsonObject("cache_creation")).isEqualTo(fiveMinutes);
        AnthropicStreamEncoder replay = new AnthropicStreamEncoder(List.of(), said, hourRequest("1h"));
        assertThat(events(replay.chunk(text("hi", null))).get(0).getJsonObject("message").getJsonObject("usage")
                .getJsonObject("cache_creation")).isEqualTo(fiveMinutes);

        dev.switchboard.model.ChatResponse answer = new dev.switchboard.model.ChatResponse("chatcmpl-3", 1, "m",
                List.of(new dev.switchboard.model.Choice(0, dev.switchboard.model.Message.text(dev.switchboard.model.Role.ASSISTANT,
                        "hi"), FinishReason.STOP, null)), said, null, null, null);
        JsonObject body = new JsonObject(new AnthropicResponseEncoder().response(answer, List.of(), hourRequest("1h")));
        assertThat(body.getJsonObject("usage").getJsonObject("cache_creation")).isEqualTo(fiveMinutes);
    }
}
