package dev.switchboard.edge.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class RequestsCsvTest {
    private static String cell(String s) {
        StringBuilder b = new StringBuilder();
        RequestsCsv.cell(b, s);
        return b.toString();
    }

    @Test
    void cellsAreQuotedAsRfc4180AndNoCellReadsAsAFormula() {
        assertThat(cell("cron")).isEqualTo("cron");
        assertThat(cell("a, b")).isEqualTo("\"a, b\"");
        assertThat(cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(cell("two\nlines")).isEqualTo("\"two\nlines\"");
        // an alias or an error message is the caller's text: a spreadsheet must not run it
        assertThat(cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(cell("+1")).isEqualTo("\"'+1\"");
        assertThat(cell("@SUM(A1)")).isEqualTo("\"'@SUM(A1)\"");
    }

    @Test
    void aFileCutAtTheCapSaysSo() {
        ObjectNode page = DashboardFigures.JSON.createObjectNode().put("total", 5);
        for (int i = 0; i < 5; i++) page.withArray("data").addObject().put("request_id", "r" + i).put("status", 429);
        String csv = RequestsCsv.write(n -> page, 3).toString();
        String[] lines = csv.split("\r\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[1]).startsWith(",,r0,");
        assertThat(lines[4]).startsWith("# the file stops at 3 rows");
        // all of them: no such line
        assertThat(RequestsCsv.write(n -> page, 10).toString().split("\r\n")).hasSize(6).noneMatch(l -> l.startsWith("#"));
    }
}
