package dev.switchboard.edge.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.GatewayException;
import org.junit.jupiter.api.Test;

class InputItemsTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static ArrayNode json(String s) throws Exception { return (ArrayNode) M.readTree(s); }

    @Test
    void itemsWithoutAnIdGetOneFirstAndItemsWithOneAreKeptAsTheyAre() throws Exception {
        ArrayNode input = json("""
                [{"role":"user","content":"hi"},{"type":"function_call_output","call_id":"c","output":"x"},
                 {"id":"fc_given","type":"function_call","call_id":"c","name":"f","arguments":"{}"}]""");
        ArrayNode out = InputItems.identified(input);
        assertThat(out.get(0).fieldNames().next()).isEqualTo("id");
        assertThat(out.get(0).path("id").asText()).startsWith("msg_");
        assertThat(out.get(1).path("id").asText()).startsWith("fco_");
        assertThat(out.get(2)).isSameAs(input.get(2));
        assertThat(input.get(0).has("id")).as("the request as written is not changed").isFalse();
    }

    @Test
    void resourcesHaveATypeContentPartsAndAStatus() throws Exception {
        ArrayNode items = json("""
                [{"role":"user","content":"hi"},{"type":"message","role":"assistant","content":"hello"},
                 {"type":"message","role":"assistant","content":[{"type":"output_text","text":"x"}]},
                 {"type":"reasoning","summary":[]}]""");
        ObjectNode user = InputItems.resource(items.get(0), "resp_1", 0);
        assertThat(user.toString()).startsWith("{\"id\":\"msg_").contains("\"type\":\"message\"")
                .contains("\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]").contains("\"status\":\"completed\"");
        assertThat(InputItems.resource(items.get(1), "resp_1", 1).path("content").get(0).toString())
                .isEqualTo("{\"type\":\"output_text\",\"text\":\"hello\",\"annotations\":[]}");
        assertThat(InputItems.resource(items.get(2), "resp_1", 2).path("content").get(0).has("annotations")).isTrue();
        assertThat(InputItems.resource(items.get(3), "resp_1", 3).has("status")).as("reasoning items carry none").isFalse();
        // an item stored without an id (by an older gateway) reads with the same id every time
        assertThat(InputItems.resource(items.get(0), "resp_1", 0).path("id")).isEqualTo(user.path("id"));
        assertThat(InputItems.resource(items.get(0), "resp_2", 0).path("id")).isNotEqualTo(user.path("id"));
    }

    @Test
    void pagesAreCutByItemIdInEitherOrder() throws Exception {
        ArrayNode items = json("""
                [{"id":"a","role":"user","content":"1"},{"id":"b","role":"user","content":"2"},{"id":"c","role":"user","content":"3"}]""");
        ObjectNode first = InputItems.page("resp_1", items, false, 2, null);
        assertThat(first.path("data").findValuesAsText("id")).containsExactly("c", "b");
        assertThat(first.path("first_id").asText()).isEqualTo("c");
        assertThat(first.path("last_id").asText()).isEqualTo("b");
        assertThat(first.path("has_more").asBoolean()).isTrue();
        ObjectNode second = InputItems.page("resp_1", items, false, 2, "b");
        assertThat(second.path("data").findValuesAsText("id")).containsExactly("a");
        assertThat(second.path("has_more").asBoolean()).isFalse();
        assertThat(InputItems.page("resp_1", items, true, 20, "a").path("data").findValuesAsText("id")).containsExactly("b", "c");
        ObjectNode empty = InputItems.page("resp_1", items, true, 20, "c");
        assertThat(empty.path("data").size()).isZero();
        assertThat(empty.path("has_more").asBoolean()).isFalse();
        assertThatThrownBy(() -> InputItems.page("resp_1", items, true, 20, "zz")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("zz");
    }

    @Test
    void theInputIsTheConversationBeforeItsOutput() throws Exception {
        ArrayNode conversation = json("[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"out\"}]");
        assertThat(InputItems.before(conversation, 1).findValuesAsText("id")).containsExactly("a", "b");
        assertThat(InputItems.before(conversation, 0)).hasSize(3);
    }

    /** The output's items the conversation left out (a call cut short, ContinuedOutput) are not taken off the input. */
    @Test
    void theOutputIsFoundInTheConversationByItsIds() throws Exception {
        ArrayNode output = json("[{\"id\":\"msg\",\"type\":\"message\",\"status\":\"incomplete\"},"
                + "{\"id\":\"fc\",\"type\":\"function_call\",\"status\":\"incomplete\"}]");
        assertThat(ContinuedOutput.of(output).findValuesAsText("id")).containsExactly("msg");
        ArrayNode kept = json("[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"msg\"}]");
        assertThat(InputItems.before(kept, output).findValuesAsText("id")).containsExactly("a", "b");
        ArrayNode storedBefore = json("[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"msg\"},{\"id\":\"fc\"}]"); // kept every item
        assertThat(InputItems.before(storedBefore, output).findValuesAsText("id")).containsExactly("a", "b");
        assertThat(InputItems.before(kept, json("[]"))).hasSize(3);
    }
}
