package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Columns padded to their widest cell, for the admin commands' human output (scripts take {@code --json}), and the
 * cell formats they share. An absent value is {@code -}, so every row has the same number of words.
 */
final class Table {
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final String[] headers;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();
    private final List<Integer> rulesBefore = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers;
        this.right = new boolean[headers.length];
    }

    /** Right-aligns these columns (amounts and counts, so their digits line up). */
    Table alignRight(int... columns) {
        for (int c : columns) right[c] = true;
        return this;
    }

    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]");

    Table row(Object... cells) {
        String[] r = new String[headers.length];
        // control characters (an escape sequence in a key's metadata or alias, a tab, a newline) would recolour the
        // terminal or break the columns: each is shown as '?'
        for (int i = 0; i < r.length; i++) r[i] = i < cells.length && cells[i] != null ? CONTROL.matcher(cells[i].toString()).replaceAll("?") : "-";
        rows.add(r);
        return this;
    }

    /** A dashed line before the next row (a total). */
    Table rule() {
        rulesBefore.add(rows.size());
        return this;
    }

    boolean isEmpty() { return rows.isEmpty(); }

    int size() { return rows.size(); }

    void print(PrintStream out) { print(out, ""); }

    /** @param indent put before every line (check's table sits under its OK line) */
    void print(PrintStream out, String indent) {
        int[] width = new int[headers.length];
        for (int i = 0; i < headers.length; i++) width[i] = headers[i].length();
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        out.println(indent + line(headers, width));
        for (int n = 0; n < rows.size(); n++) {
            if (rulesBefore.contains(n)) {
                int total = 0;
                for (int w : width) total += w + 2;
                out.println(indent + "-".repeat(Math.max(0, total - 2)));
            }
            out.println(indent + line(rows.get(n), width));
        }
    }

    private String line(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) sb.append("  ");
            String pad = " ".repeat(width[i] - cells[i].length());
            sb.append(right[i] ? pad + cells[i] : cells[i] + pad);
        }
        return sb.toString().stripTrailing();
    }

    /** Name / value lines, the names padded to the longest: one key's details. */
    static void vertical(PrintStream out, List<String[]> pairs) {
        int w = pairs.stream().mapToInt(p -> p[0].length()).max().orElse(0);
        for (String[] p : pairs) out.println((p[0] + " ".repeat(w - p[0].length()) + "  " + p[1]).stripTrailing());
    }

    /**
     * US dollars with at least {@code minDecimals} decimals and every further one the gateway sent (it counts in
     * nano-dollars, and a single call often costs less than a cent, so rounding to cents would show $0.00).
     */
    static String usd(JsonNode n, int minDecimals) {
        if (n == null || n.isNull() || n.isMissingNode()) return null;
        BigDecimal v = n.isNumber() ? n.decimalValue() : new BigDecimal(n.asText());
        v = v.stripTrailingZeros();
        return "$" + v.setScale(Math.max(minDecimals, v.scale())).toPlainString();
    }

    /**
     * The decimals that show every one of these amounts exactly, at least {@code min}: one scale for a whole column, so
     * the decimal points line up when it is right-aligned.
     */
    static int decimals(Iterable<JsonNode> amounts, int min) {
        int d = min;
        for (JsonNode n : amounts) {
            if (n != null && n.isNumber()) d = Math.max(d, n.decimalValue().stripTrailingZeros().scale());
        }
        return d;
    }

    /** An ISO-8601 instant to the minute, in UTC; anything else as sent. */
    static String time(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return null;
        try {
            return MINUTES.format(Instant.parse(n.asText()));
        } catch (DateTimeParseException e) {
            return n.asText();
        }
    }

    /** A value as one cell: null (or an empty list) as {@code -}, a list joined with commas, an object as compact JSON. */
    static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return null;
        if (n.isArray()) {
            if (n.isEmpty()) return null;
            List<String> parts = new ArrayList<>();
            n.forEach(e -> parts.add(e.isValueNode() ? e.asText() : e.toString()));
            return String.join(",", parts);
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }
}
