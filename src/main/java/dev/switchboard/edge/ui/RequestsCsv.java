package dev.switchboard.edge.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.util.function.IntFunction;

/**
 * The Requests view's rows as CSV (RFC 4180: comma, CRLF, fields quoted when they hold a comma, quote or line break),
 * one row a ledger row or, in the refused view, a request-log row. A cell that a spreadsheet would read as a formula
 * (starting with {@code = + - @}, a tab or a carriage return: an alias or an error message is the caller's text) is
 * prefixed with a quote mark, OWASP's advice against CSV injection. Blocking: on a worker.
 */
final class RequestsCsv {
    /** Rows read a page at a time (the most a page of the view takes). */
    static final int PAGE = 200;
    static final String[] COLUMNS = {"endTime", "startTime", "request_id", "attempt", "app", "key_id", "key_alias", "model",
            "deployment", "model_id", "route", "cache_status", "status", "error_type", "error_message", "spend",
            "prompt_tokens", "completion_tokens", "latency_ms"};

    private RequestsCsv() {}

    /**
     * @param page the view's page {@code n} (1-based) of {@value #PAGE} rows, as {@code /ui/api/requests} answers it
     * @param cap  the most rows written; when more match, a last line says the file stops there
     */
    static Buffer write(IntFunction<ObjectNode> page, long cap) {
        StringBuilder out = new StringBuilder(8192);
        out.append(String.join(",", COLUMNS)).append("\r\n");
        long written = 0;
        long total = 0;
        boolean capped = false;
        for (int n = 1; written < cap; n++) {
            ObjectNode p = page.apply(n);
            total = p.path("total").asLong();
            capped = p.path("total_capped").asBoolean(); // the refused view's count stops at the cap
            JsonNode rows = p.path("data");
            for (JsonNode r : rows) {
                if (written == cap) break;
                for (int i = 0; i < COLUMNS.length; i++) {
                    if (i > 0) out.append(',');
                    JsonNode v = r.get(COLUMNS[i]);
                    if (v != null && !v.isNull()) cell(out, v.asText());
                }
                out.append("\r\n");
                written++;
            }
            if (rows.size() < PAGE) break;
        }
        if (total > written || capped) {
            out.append("# the file stops at ").append(cap).append(" rows, newest first: narrow the filters (app, model, since) for the rest\r\n");
        }
        return Buffer.buffer(out.toString());
    }

    static void cell(StringBuilder out, String s) {
        boolean formula = !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0;
        boolean quote = formula || s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
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
