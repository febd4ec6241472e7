package dev.switchboard.edge.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.model.ContentPart;
import org.junit.jupiter.api.Test;

/**
 * Review (2026-12-07): a Responses {@code input_file} of PDF data without a {@code filename} becomes a chat {@code file}
 * part named {@code document.pdf}, as OpenAI's chat refuses {@code file_data} without one (its 400 names file_id).
 */
class ResponseItemsFileNameTest {
    @Test
    void anUnnamedPdfInputFileIsNamedAndANamedOneKeepsItsName() throws Exception {
        ArrayNode items = (ArrayNode) new ObjectMapper().readTree("""
                [{"role":"user","content":[{"type":"input_file","file_data":"data:application/pdf;base64,JVBERi0="},
                 {"type":"input_file","filename":"q3.pdf","file_data":"data:application/pdf;base64,JVBERi0="},
                 {"type":"input_file","file_id":"file-abc"}]}]""");
        var parts = ResponseItems.toMessages(items, "input").get(0).content();
        ContentPart.File unnamed = (ContentPart.File) parts.get(0);
        assertThat(unnamed.filename()).isEqualTo("document.pdf");
        assertThat(unnamed.raw().path("file").path("filename").asText()).isEqualTo("document.pdf");
        assertThat(((ContentPart.File) parts.get(1)).filename()).isEqualTo("q3.pdf");
        assertThat(((ContentPart.File) parts.get(2)).raw().path("file").has("filename")).as("no data, no name made up").isFalse();
    }
}
