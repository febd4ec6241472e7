package dev.switchboard.edge.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** A read's view of a stored Response: the tree just parsed for the read is shown in place, not copied again. */
class RetrieveIncludesTest {
    private static final ObjectMapper M = new ObjectMapper();

    @Test
    void theParsedBodyIsShownInPlace() throws Exception {
        ObjectNode body = (ObjectNode) M.readTree("""
                {"output":[{"id":"rs_1","type":"reasoning","summary":[],"encrypted_content":"old"},
                 {"type":"message","content":[{"type":"output_text","text":"hi","logprobs":[{"token":"hi"}]}]}]}""");
        JsonNode conversation = M.readTree("""
                [{"role":"user","content":"hi"},{"id":"rs_1","type":"reasoning","encrypted_content":"switchboard.x"}]""");

        ObjectNode shown = RetrieveIncludes.shown(body, conversation, new RetrieveIncludes.Wanted(true, false));
        assertThat(shown).as("no second copy of a tree parsed for this read alone").isSameAs(body);
        assertThat(shown.at("/output/0/encrypted_content").asText()).isEqualTo("switchboard.x");
        assertThat(shown.at("/output/1/content/0/logprobs")).isEmpty();

        ObjectNode plain = (ObjectNode) M.readTree("""
                {"output":[{"id":"rs_1","type":"reasoning","summary":[],"encrypted_content":"old"}]}""");
        assertThat(RetrieveIncludes.shown(plain, null, new RetrieveIncludes.Wanted(false, false)).at("/output/0").has("encrypted_content"))
                .isFalse();
    }
}
