package dev.switchboard.edge.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tool_result's own {@code cache_control} (Claude Code marks each turn's last block) goes on its last part whatever
 * that part is: a search result or a document kept as written get it on a copy of their block (cross-merge review,
 * fortieth session); before, only a text or image last part did, and the breakpoint was lost on a rebuilt request.
 */
class ToolResultMarkerTest {
    private static Message toolResult(String lastBlock) {
        ChatRequest r = new AnthropicRequestDecoder().messages(Buffer.buffer("""
                {"model":"m","max_tokens":10,"messages":[
                 {"role":"user","content":"Look it up."},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"search","input":{"q":"x"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","cache_control":{"type":"ephemeral","ttl":"1h"},
                  "content":[{"type":"text","text":"One result."},%s]}]}]}""".formatted(lastBlock)), Map.of());
        return r.messages().stream().filter(m -> m.toolCallId() != null).findFirst().orElseThrow();
    }

    @Test
    void aSearchResultLastPartGetsTheToolResultsMarker() {
        String block = """
                {"type":"search_result","source":"https://example.com/a","title":"A","content":[{"type":"text","text":"Green."}]}""";
        Message m = toolResult(block);
        ContentPart last = m.content().get(m.content().size() - 1);
        assertThat(last).isInstanceOf(ContentPart.Other.class);
        assertThat(last.cacheControl()).isNotNull();
        assertThat(last.cacheControl().path("ttl").asText()).isEqualTo("1h");
        assertThat(((ContentPart.Other) last).raw().path("title").asText()).isEqualTo("A");
        assertThat(m.content().get(0).cacheControl()).isNull(); // one breakpoint, on the last part only
    }

    @Test
    void aDocumentLastPartGetsTheToolResultsMarkerAndAMarkedOneKeepsItsOwn() {
        Message m = toolResult("""
                {"type":"document","source":{"type":"text","media_type":"text/plain","data":"Green."}}""");
        ContentPart last = m.content().get(m.content().size() - 1);
        assertThat(last).isInstanceOf(ContentPart.File.class);
        assertThat(last.cacheControl().path("ttl").asText()).isEqualTo("1h");

        Message own = toolResult("""
                {"type":"search_result","source":"s","title":"A","content":[{"type":"text","text":"Green."}],"cache_control":{"type":"ephemeral"}}""");
        assertThat(own.content().get(own.content().size() - 1).cacheControl().has("ttl")).isFalse();
    }
}
