package dev.switchboard.edge;

/**
 * How much heap a JSON request body takes once decoded, beyond its own bytes: what the process-wide buffer bound
 * ({@link dev.switchboard.model.BufferBudget}) counts for a call from the moment its body is read until its answer is
 * written. Counting the raw bytes alone let 40 concurrent 8 MB bodies run a 1 GB heap out (QA hardening F1), since
 * Jackson's tree, the canonical request and the provider's body are several times the bytes.
 *
 * <p>Measured (docs/architecture.md, "The buffer bound counts what a call holds"), JDK 25, compact strings:
 * <ul>
 *   <li>one 8 MB string: parsing allocates 32 MB (Jackson's {@code char[]} text buffer is two bytes a character, then
 *       the {@code String}); the body, that buffer and the string are live together at the peak: 4x the bytes;</li>
 *   <li>160,000 small messages in 6 MB: the tree holds 61 MB (about 380 bytes an object), the canonical request 30 MB
 *       more (about 190 bytes a message); body, tree and request are live together: 16x the bytes;</li>
 *   <li>an array of numbers: some 20-40 bytes of tree a value, for 2 bytes of body.</li>
 * </ul>
 * So the estimate is {@link #PER_BYTE} times the bytes (text is held as text twice over while it is decoded), plus
 * {@link #PER_OBJECT} an object and {@link #PER_VALUE} a further value, counted from the structure outside strings
 * in one pass; it errs high (a 4x string is reserved at 4x, the 16x messages at about 23x), never low.
 *
 * <p>A body under {@link #SCAN_FROM} is not scanned (it is the common case and must cost nothing): it is reserved at
 * {@link #SMALL_FACTOR} times its size, at most 128 KiB.
 */
public final class DecodedBodySize {
    /** Extra heap a body byte takes while decoded: the text buffer (2 bytes a char) and the string (1). */
    static final long PER_BYTE = 3;
    /** A JSON object decoded: the tree's ObjectNode and its map, then the canonical record built from it. */
    static final long PER_OBJECT = 600;
    /** A value after the first in an object or array (a comma), or an array: its node and its slot. */
    static final long PER_VALUE = 64;
    /** Bodies below this are reserved at a flat factor, without a scan. */
    static final int SCAN_FROM = 8 * 1024;
    static final long SMALL_FACTOR = 16;

    private DecodedBodySize() {}

    /** The heap beyond the body's own bytes that its decoded forms take, as the bound counts it. */
    public static long extraBytes(io.vertx.core.buffer.Buffer body) {
        int length = body.length();
        if (length < SCAN_FROM) return (SMALL_FACTOR - 1) * length;
        if (body instanceof io.vertx.core.internal.buffer.BufferInternal b && b.getByteBuf().hasArray()) { // no copy
            io.netty.buffer.ByteBuf buf = b.getByteBuf();
            return extraBytes(buf.array(), buf.arrayOffset() + buf.readerIndex(), length);
        }
        return extraBytes(body.getBytes(), 0, length);
    }

    /** As {@link #extraBytes(io.vertx.core.buffer.Buffer)}, for {@code length} bytes of {@code body} from {@code from}. */
    static long extraBytes(byte[] body, int from, int length) {
        if (length < SCAN_FROM) return (SMALL_FACTOR - 1) * length;
        long objects = 0;
        long values = 0;
        boolean inString = false;
        for (int i = from, end = from + length; i < end; i++) {
            byte b = body[i];
            if (inString) {
                if (b == '\\') i++; // the escaped byte cannot end the string
                else if (b == '"') inString = false;
            } else if (b == '"') {
                inString = true;
            } else if (b == '{') {
                objects++;
            } else if (b == ',' || b == '[') {
                values++;
            }
        }
        return PER_BYTE * length + PER_OBJECT * objects + PER_VALUE * values;
    }
}
