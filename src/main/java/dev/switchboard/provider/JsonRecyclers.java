package dev.switchboard.provider;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.ref.SoftReference;

/**
 * Jackson's per-thread buffers (the recycler every parser and generator takes its byte and char buffers from) held in
 * Netty's {@link FastThreadLocal} instead of a {@code ThreadLocal}: on an event loop the lookup is an array index,
 * where Jackson's default pool (a {@code ThreadLocal} lookup for each parser and generator, several a request) was
 * 1.1 % of a non-stream request's event loop. The same rule otherwise: one recycler a thread, softly held, so the
 * collector may still take a thread's buffers back under memory pressure; off an event loop Netty falls back to a
 * {@code ThreadLocal}, which is what Jackson's pool does anyway. Used by the provider codecs' {@link Json#MAPPER}
 * (the edge's codecs cannot use this package, and {@code model} may not use Netty: they keep Jackson's pool).
 */
final class JsonRecyclers extends RecyclerPool.ThreadLocalPoolBase<BufferRecycler> {
    private static final long serialVersionUID = 1L;
    static final JsonRecyclers POOL = new JsonRecyclers();
    private static final FastThreadLocal<SoftReference<BufferRecycler>> RECYCLERS = new FastThreadLocal<>();

    private JsonRecyclers() {}

    @Override
    public BufferRecycler acquirePooled() {
        SoftReference<BufferRecycler> ref = RECYCLERS.get();
        BufferRecycler r = ref == null ? null : ref.get();
        if (r == null) {
            r = new BufferRecycler();
            RECYCLERS.set(new SoftReference<>(r));
        }
        return r;
    }

    /** A factory on this pool, for the codecs of every request. */
    static JsonFactory factory() {
        return JsonFactory.builder().recyclerPool(POOL).build();
    }
}
