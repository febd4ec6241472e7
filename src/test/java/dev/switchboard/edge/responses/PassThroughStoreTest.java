package dev.switchboard.edge.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.RawJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's own Responses stream relayed: its answer is handed to the store by the time the encoder hands out the
 * {@code response.completed} event it relays (before any byte of it reaches the client), not at the stream's end,
 * and only once — nothing after it (the stream's end, a late break, the client leaving) stores it again. Read-after-write
 * then does not depend on the stages behind the encoder ending the stream in the same turn as its last event.
 */
class PassThroughStoreTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ResponsesRequest request() throws Exception {
        return new ResponsesRequestDecoder().decode((ObjectNode) MAPPER.readTree("{\"model\":\"gpt\",\"input\":\"hi\",\"stream\":true}"));
    }

    private static ChatChunk relayed(String event) throws Exception {
        JsonNode e = MAPPER.readTree(event);
        return new ChatChunk("resp_up", 1, "gpt-4o-mini", List.of(), null, null, null, new RawJson(RawJson.OPENAI_RESPONSES, e));
    }

    private static final String RESPONSE = "{\"id\":\"resp_up\",\"object\":\"response\",\"status\":\"%s\",\"model\":\"gpt-4o-mini\","
            + "\"output\":%s}";
    private static final String ITEM = "{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\","
            + "\"content\":[{\"type\":\"output_text\",\"text\":\"hello\",\"annotations\":[]}]}";

    private record Run(ResponsesStreamEncoder encoder, List<ObjectNode> stored) {}

    private static Run relayUpToCompleted(String last) throws Exception {
        List<ObjectNode> stored = new ArrayList<>();
        ResponsesStreamEncoder enc = new ResponsesStreamEncoder("resp_gw", 1, "gpt-4o-mini", request(), stored::add, null);
        enc.chunk(relayed("{\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + RESPONSE.formatted("in_progress", "[]") + "}"));
        enc.chunk(relayed("{\"type\":\"response.output_item.done\",\"sequence_number\":1,\"output_index\":0,\"item\":" + ITEM + "}"));
        assertThat(stored).as("nothing stored before the end").isEmpty();
        var event = enc.chunk(relayed("{\"type\":\"" + last + "\",\"sequence_number\":2,\"response\":"
                + RESPONSE.formatted(last.equals("response.completed") ? "completed" : "incomplete", "[" + ITEM + "]") + "}"));
        assertThat(event.toString()).startsWith("event: " + last + "\n");
        assertThat(stored).as("stored when the encoder hands out %s, before the client has it", last).hasSize(1);
        assertThat(stored.get(0).path("id").asText()).as("under the gateway's id").isEqualTo("resp_gw");
        assertThat(stored.get(0).path("output").get(0).path("id").asText()).isEqualTo("msg_1");
        return new Run(enc, stored);
    }

    @Test
    void theAnswerIsStoredAsResponseCompletedIsRelayedAndOnlyThen() throws Exception {
        Run run = relayUpToCompleted("response.completed");
        assertThat(run.stored().get(0).path("status").asText()).isEqualTo("completed");
        assertThat(run.encoder().end()).as("the end sends nothing more").isNull();
        assertThat(run.stored()).as("no second save at the end").hasSize(1);
    }

    @Test
    void anIncompleteAnswerToo() throws Exception {
        Run run = relayUpToCompleted("response.incomplete");
        assertThat(run.stored().get(0).path("status").asText()).isEqualTo("incomplete");
        run.encoder().end();
        assertThat(run.stored()).hasSize(1);
    }

    @Test
    void nothingAfterTheLastEventStoresItAgain() throws Exception {
        Run left = relayUpToCompleted("response.completed");
        left.encoder().abandoned(); // the client left before the upstream's end
        assertThat(left.stored()).as("not stored again as incomplete").hasSize(1);

        Run broke = relayUpToCompleted("response.completed");
        assertThat(broke.encoder().error(GatewayException.of(dev.switchboard.model.ErrorKind.UPSTREAM, "the upstream broke")))
                .as("no response.failed after response.completed").isNull();
        assertThat(broke.stored()).as("not stored again as failed").hasSize(1);
    }
}
