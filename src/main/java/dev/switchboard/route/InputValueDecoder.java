package dev.switchboard.route;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a custom tool's input out of its function's arguments while they stream: the arguments arrive as pieces of
 * {@code {"input": "…"}}, and each piece yields the text of the string it adds to, unescaped, so the client gets the
 * input as it is written rather than once the call is over. Anything but that shape (another member first, a value that
 * is not a string) before the value begins makes it {@link #failed}: the caller then keeps the whole arguments and reads
 * them at the end ({@link CustomToolsAsFunctions#input}). A broken escape inside the value (the model wrote invalid
 * JSON) passes the rest as written: what was sent cannot be taken back, and nothing the model wrote is lost. One per
 * streamed call.
 */
final class InputValueDecoder {
    /** What may come before the value's first character: the object's start, the key, the colon, the opening quote. */
    private static final Pattern PREFIX = Pattern.compile("\\s*\\{\\s*\"" + CustomToolsAsFunctions.INPUT + "\"\\s*:\\s*\"");

    private enum State { PREFIX, VALUE, ESCAPE, UNICODE, DONE, FAILED, RAW }

    private State state = State.PREFIX;
    private final StringBuilder prefix = new StringBuilder();
    private final StringBuilder hex = new StringBuilder(4);
    /** The escape being read ({@code \\}, {@code \\u} and its digits so far): written as it was if it turns out broken. */
    private final StringBuilder escape = new StringBuilder(6);
    /** A high surrogate held back until its low half arrives, so no piece ends inside a character. */
    private char pendingHigh;

    boolean failed() { return state == State.FAILED; }

    /** Whether the value has begun: from then on the pieces are the input's text. */
    boolean started() { return state != State.PREFIX && state != State.FAILED; }

    /** The input text {@code piece} adds (possibly empty), or null once {@link #failed}. */
    String feed(String piece) {
        if (piece == null || piece.isEmpty()) return state == State.FAILED ? null : "";
        if (state == State.PREFIX) {
            prefix.append(piece);
            Matcher m = PREFIX.matcher(prefix);
            if (!m.lookingAt()) {
                if (!m.hitEnd()) state = State.FAILED;
                return state == State.FAILED ? null : "";
            }
            state = State.VALUE;
            // the rest of this piece, after the opening quote, is the value's
            String rest = prefix.substring(m.end());
            prefix.setLength(0);
            piece = rest;
        }
        if (state == State.FAILED) return null;
        if (state == State.RAW) return piece;
        StringBuilder out = new StringBuilder(piece.length());
        if (pendingHigh != 0) {
            out.append(pendingHigh);
            pendingHigh = 0;
        }
        int i = 0;
        for (; i < piece.length() && state != State.DONE && state != State.FAILED; i++) {
            char c = piece.charAt(i);
            switch (state) {
                case VALUE -> {
                    if (c == '\\') {
                        state = State.ESCAPE;
                        escape.setLength(0);
                        escape.append(c);
                    }
                    else if (c == '"') state = State.DONE;
                    else out.append(c);
                }
                case ESCAPE -> {
                    state = State.VALUE;
                    switch (c) {
                        case '"', '\\', '/' -> out.append(c);
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            state = State.UNICODE;
                            hex.setLength(0);
                            escape.append(c);
                        }
                        default -> state = State.FAILED;
                    }
                }
                case UNICODE -> {
                    if (Character.digit(c, 16) < 0) {
                        state = State.FAILED;
                        break;
                    }
                    hex.append(c);
                    escape.append(c);
                    if (hex.length() == 4) {
                        out.append((char) Integer.parseInt(hex.toString(), 16));
                        state = State.VALUE;
                    }
                }
                default -> { }
            }
        }
        if (state == State.FAILED) { // inside the value: the rest goes as the model wrote it
            state = State.RAW;
            // the broken escape as written, then the piece from the character it could not read
            return out.append(escape).append(piece, i - 1, piece.length()).toString();
        }
        int n = out.length();
        if (n > 0 && Character.isHighSurrogate(out.charAt(n - 1)) && state != State.DONE) {
            pendingHigh = out.charAt(n - 1);
            out.setLength(n - 1);
        }
        return out.toString();
    }
}
