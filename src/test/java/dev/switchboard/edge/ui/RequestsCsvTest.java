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
    void tabsCarriageReturnsAndSemicolonsAreQuotedAndAFormulaWithANewlineStaysOneInertCell() {
        assertThat(cell("\tx")).isEqualTo("\"'\tx\"");
        assertThat(cell("\rx")).isEqualTo("\"'\rx\"");
        assertThat(cell("a\tb")).isEqualTo("\"a\tb\"");
        assertThat(cell("a\rb")).isEqualTo("\"a\rb\"");
        // a semicolon locale splits on ';': quoted, the part after it is not a cell of its own (=cmd would run)
        assertThat(cell("a;=cmd|' /C calc'!A0")).isEqualTo("\"a;=cmd|' /C calc'!A0\"");
        // a key alias or model the caller chose
        assertThat(cell("=1+1\n=2")).isEqualTo("\"'=1+1\n=2\"");
        assertThat(cell("-2")).isEqualTo("\"'-2\"");
    }

    @Test
    void rowsNameTheirCellsAndSpendIsWrittenInDigits() {
        RequestsCsv csv = new RequestsCsv(10);
        ObjectNode r = DashboardFigures.JSON.createObjectNode().put("request_id", "r1").put("key_alias", "=evil\nline")
                .put("model", "m;x").put("spend", new java.math.BigDecimal("1E+1"));
        csv.row(r);
        csv.row(DashboardFigures.JSON.createObjectNode().put("request_id", "r2").put("spend", 0.00001));
        String file = csv.finish(false).toString();
        assertThat(file).contains(",r1,,,,\"'=evil\nline\",\"m;x\",").contains(",10,").contains(",0.000010,")
                .doesNotContain("E+").doesNotContain("E-");
        assertThat(csv.written()).isEqualTo(2);
    }

    @Test
    void aFileCutAtTheCapSaysSoInOneQuotedField() {
        RequestsCsv csv = new RequestsCsv(3);
        for (int i = 0; i < 3; i++) csv.row(DashboardFigures.JSON.createObjectNode().put("request_id", "r" + i).put("status", 429));
        String[] lines = csv.finish(true).toString().split("\r\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[1]).startsWith(",,r0,");
        // one field: its comma does not split it into two cells
        assertThat(lines[4]).startsWith("\"# the file stops at 3 rows").endsWith("for the rest\"");
        assertThat(new RequestsCsv(3).finish(false).toString().split("\r\n")).hasSize(1);
    }
}
