package dev.switchboard.store;

/**
 * The request log's own columns of a {@code spend_logs} row (migration V11, one row a request): what a served call's
 * ledger row carries besides its money when the request log keeps the call. The ledger's writer ({@code account}) and
 * the request log ({@code observe}) both write them, so they live here, beside the table's other shared helpers.
 *
 * @param tagsJson  the call's tags as a JSON list, or null when it has none
 * @param logPolicy the policy applied ({@code full}, {@code truncated:N}, {@code redacted}, {@code off})
 * @param status    how the request ended for its client, when that is not the ledger row's status (a stream whose client
 *                  left, or that broke, after its usage was recorded), else null: the row's own {@code status} says it
 * @param errorType the error type with {@link #status}; read only when {@code status} is set
 */
public record LogColumns(String errorMessage, String traceId, String spanId, String sessionId, String generationName,
                         String tagsJson, String logPolicy, String prompt, String completion, Integer status,
                         String errorType) {
    /** The columns, in the order {@link #bind} gives their values. */
    public static final String[] NAMES = {"error_message", "trace_id", "span_id", "session_id", "generation_name", "tags",
        "log_policy", "prompt", "completion", "log_status", "log_error_type"};

    /**
     * {@code col = excluded.col, …} for an upsert that sets these columns from the row it tried to insert, and marks the
     * row as in the log.
     */
    public static String updateFromExcluded() {
        StringBuilder sb = new StringBuilder();
        for (String n : NAMES) sb.append(n).append(" = excluded.").append(n).append(", ");
        return sb.append("in_log = TRUE").toString();
    }

    /** Stages this row's values (storable on both databases: column widths, no NUL). */
    public void bind(SparseInsert ps) {
        ps.text(cut(errorMessage, 4000)).text(traceId).text(spanId).text(cut(sessionId, 255)).text(cut(generationName, 255))
                .text(cut(tagsJson, Integer.MAX_VALUE)).text(logPolicy).text(cut(prompt, Integer.MAX_VALUE))
                .text(cut(completion, Integer.MAX_VALUE)).integer(status).text(cut(errorType, 64));
    }

    /**
     * Client text made storable everywhere: column widths are limits on PostgreSQL (SQLite ignores them), and
     * PostgreSQL refuses a NUL character in text.
     */
    public static String cut(String s, int max) {
        if (s == null) return null;
        // cut first (a 10 MB text is not scanned whole), never half a surrogate pair: a lone high surrogate is written
        // as '?' by the UTF-8 encoders (JDBC, OTLP)
        String head = s.length() <= max ? s : s.substring(0, max > 0 && Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max);
        return head.indexOf('\u0000') < 0 ? head : head.replace('\u0000', '\uFFFD');
    }
}
