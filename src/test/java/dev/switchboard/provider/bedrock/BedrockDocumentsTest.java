package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The request's Converse documents as the Anthropic client numbered and titled them: worked out only when a document has
 * citations on (this runs for every Bedrock answer), images told by their data URL's prefix.
 */
class BedrockDocumentsTest {
    private static ObjectNode document(String title, boolean cites) {
        ObjectNode raw = JsonNodeFactory.instance.objectNode().put("type", "document");
        if (title != null) raw.put("title", title);
        if (cites) raw.putObject("citations").put("enabled", true);
        return raw;
    }

    private static ContentPart.File file(String data, ObjectNode raw) { return new ContentPart.File(null, data, null, "messages", raw); }

    private static ChatRequest ask(ContentPart... parts) {
        Message user = new Message(Role.USER, List.of(parts), null, null, null, null, null);
        return new ChatRequest("claude", List.of(user), null, null, null, null, null, null, null, null, null, null, null,
                null, false, false, null);
    }

    @Test
    void noDocumentWithCitationsOnIsNoneAtOnce() {
        String big = "data:text/plain;base64," + "QUFB".repeat(100_000);
        assertThat(BedrockDocuments.of(ask(file(big, document("A", false)), file(big, null)))).isSameAs(BedrockDocuments.NONE);
        assertThat(BedrockDocuments.of(ask(ContentPart.Text.of("hi")))).isSameAs(BedrockDocuments.NONE);
    }

    @Test
    void withCitationsOnTheDocumentsAreNumberedSkippingImagesByTheirPrefix() {
        BedrockDocuments docs = BedrockDocuments.of(ask(
                file("data:image/png;base64,iVBORw0KGgo=", null),
                file("DATA:IMAGE/JPEG;base64,/9j/4AAQ", null),
                file("data:text/plain;base64,QUFB", document("A", true)),
                file("data:application/pdf;base64,JVBERi0=", document(null, false)),
                file("data:text/plain;base64,QkJC", null)));
        assertThat(docs).isNotSameAs(BedrockDocuments.NONE);
        assertThat(docs.at(0)).isEqualTo(new BedrockDocuments.Doc(0, "A"));
        assertThat(docs.at(1)).isEqualTo(new BedrockDocuments.Doc(1, null));
        assertThat(docs.at(2)).isNull(); // an OpenAI file part: a Converse document, no Anthropic one
        assertThat(docs.at(3)).isNull();
    }
}
