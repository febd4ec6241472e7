package dev.switchboard.edge;

import io.vertx.core.buffer.Buffer;
import java.io.OutputStream;

/**
 * An {@link OutputStream} that appends to a Vert.x {@link Buffer}: a JSON generator writes an event's bytes straight
 * into the buffer that goes to the socket, instead of into a byte array copied into a buffer afterwards.
 */
public final class BufferOutput extends OutputStream {
    private final Buffer out;

    public BufferOutput(Buffer out) { this.out = out; }

    @Override
    public void write(int b) { out.appendByte((byte) b); }

    @Override
    public void write(byte[] b, int off, int len) { out.appendBytes(b, off, len); }
}
