package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import org.junit.jupiter.api.Test;

class AttachmentsTest {
    @Test
    void dataUrlsSplitIntoMediaTypeAndPayload() {
        Attachments.DataUrl d = Attachments.DataUrl.parse("data:Application/PDF;name=a.pdf;base64,JVBERi0=");
        assertThat(d.mediaType()).isEqualTo("application/pdf");
        assertThat(d.base64()).isEqualTo("JVBERi0=");
        assertThat(new String(d.bytes())).isEqualTo("%PDF-");
        assertThat(Attachments.DataUrl.parse("data:text/plain,hello")).as("not base64").isNull();
        assertThat(Attachments.DataUrl.parse("JVBERi0=")).as("bare base64").isNull();
        assertThat(Attachments.DataUrl.parse("data:;base64,AA==")).as("no media type").isNull();
    }

    @Test
    void aFileWithoutInlineDataIsRefusedNamingThePart() {
        ContentPart.File byId = new ContentPart.File(null, null, "file-1", "messages[3].content[0]", null);
        assertThatThrownBy(() -> Attachments.inline(byId, "Gemini")).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.param()).isEqualTo("messages[3].content[0]");
            assertThat(e.getMessage()).startsWith("messages[3].content[0] refers to a file by file_id ('file-1')").contains("Gemini");
        });
        ContentPart.File bare = new ContentPart.File(null, "JVBERi0=", null, "messages[0].content[1]", null);
        assertThatThrownBy(() -> Attachments.inline(bare, "Gemini")).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.param()).isEqualTo("messages[0].content[1].file.file_data"));
    }
}
