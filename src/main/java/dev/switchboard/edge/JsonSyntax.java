package dev.switchboard.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Pattern;

/** A client's JSON syntax error told in words: Jackson's message without its internal source descriptions. */
public final class JsonSyntax {
    // e.g. "(start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])"
    private static final Pattern SOURCE = Pattern.compile("\\s*\\(?\\s*(start marker )?at \\[Source: [^\\]]*\\]\\)?");

    private JsonSyntax() {}

    /** "Unexpected end-of-input: expected close marker for Object (line 1, column 2)". */
    public static String describe(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException && e.getOriginalMessage() != null
                && e.getOriginalMessage().contains("nesting depth")) {
            return "the JSON is nested more than " + JsonBody.MAX_DEPTH + " levels deep, the most the gateway accepts"
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        String message = e.getOriginalMessage() == null ? "invalid JSON" : SOURCE.matcher(e.getOriginalMessage()).replaceAll("");
        message = message.replaceAll("\\s+", " ").trim();
        if (e.getLocation() == null) return message;
        return message + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
