package dev.switchboard.edge.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;

/**
 * The Requests view's rows as CSV (RFC 4180: comma, CRLF, fields quoted when they hold a comma, quote or line break),
 * one row a ledger row or, in the refused view, a request-log row, written as the store reads them ({@link #row}). A
 * cell that a spreadsheet would read as a formula (starting with {@code = + - @}, a tab or a carriage return: an alias
 * or an error message is the caller's text) is prefixed with a quote mark, OWASP's advice against CSV injection; a cell
 * holding a semicolon or a tab is quoted too (a spreadsheet of a semicolon locale splits on it, and the part after it
 * would start a cell of its own unprefixed). Sent in chunks as the rows are read ({@link #take}, {@link CsvDownload}).
 * Not thread-safe: one file, one worker.
 */
final class RequestsCsv {
    static final String[] COLUMNS = {"endTime", "startTime", "request_id", "attempt", "app", "key_id", "key_alias", "model",
            "deployment", "model_id", "route", "cache_status", "status", "error_type", "error_message", "spend",
            "prompt_tokens", "completion_tokens", "latency_ms"};

    private final StringBuilder out = new StringBuilder(8192);
    private final long cap;
    private long written;

    /** @param cap the most rows the file holds (the caller reads no more; {@link #finish} says when more matched) */
    RequestsCsv(long cap) {
        this.cap = cap;
        out.append(String.join(",", COLUMNS)).append("\r\n");
    }

    /** One row, its cells named as {@code /ui/api/requests} names them. */
    void row(JsonNode r) {
        for (int i = 0; i < COLUMNS.length; i++) {
            if (i > 0) out.append(',');
            JsonNode v = r.get(COLUMNS[i]);
            if (v == null || v.isNull()) continue;
            // a spend of 10 as a BigDecimal reads "1E+1", a double of 0.00001 "1.0E-5": a spreadsheet wants digits
            cell(out, v.isFloatingPointNumber() ? v.decimalValue().toPlainString() : v.asText());
        }
        out.append("\r\n");
        written++;
    }

    /** Characters written since the last {@link #take} (the file is sent in chunks, {@link CsvDownload}). */
    int pending() { return out.length(); }

    /** What was written since the last take, as bytes; the builder starts again empty. */
    Buffer take() {
        Buffer b = Buffer.buffer(out.toString());
        out.setLength(0);
        return b;
    }

    /**
     * The rest of the file (all of it when nothing was {@linkplain #take taken}); {@code more}: rows past the cap
     * matched, and a last line (one quoted field) says the file stops there.
     */
    Buffer finish(boolean more) {
        if (more) {
            cell(out, "# the file stops at " + cap + " rows, newest first: narrow the filters (app, model, since) for the rest");
            out.append("\r\n");
        }
        return Buffer.buffer(out.toString());
    }

    long written() { return written; }

    static void cell(StringBuilder out, String s) {
        boolean formula = !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0;
        boolean quote = formula;
        for (int i = 0; i < s.length() && !quote; i++) {
            char ch = s.charAt(i);
            quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r' || ch == ';' || ch == '\t';
        }
        if (!quote) {
            out.append(s);
            return;
        }
        out.append('"');
        if (formula) out.append('\'');
        out.append(s.replace("\"", "\"\""));
        out.append('"');
    }
}
