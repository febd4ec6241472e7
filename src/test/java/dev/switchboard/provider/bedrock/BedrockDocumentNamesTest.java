package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Document names as Converse takes them: its characters only, and unique across the whole request. */
class BedrockDocumentNamesTest {
    @Test
    void namedAfterTheFileInConversesCharacters() {
        BedrockDocumentNames names = new BedrockDocumentNames();
        assertThat(names.next("report_2024 (final).pdf")).isEqualTo("report 2024 (final)");
        assertThat(names.next("!!!.pdf")).isEqualTo("document 1");
        assertThat(names.next(null)).isEqualTo("document 2");
        assertThat(names.next("x".repeat(300) + ".pdf")).hasSize(190);
    }

    @Test
    void uniqueAcrossTheRequest() {
        BedrockDocumentNames names = new BedrockDocumentNames();
        assertThat(names.next("report.pdf")).isEqualTo("report");
        assertThat(names.next("report.docx")).isEqualTo("report (2)");
        assertThat(names.next("Report.txt")).isEqualTo("Report (3)");
        assertThat(names.next(null)).isEqualTo("document 1");
        assertThat(names.next("document 1.pdf")).isEqualTo("document 1 (2)");
        assertThat(names.next(null)).isEqualTo("document 2");
    }
}
