package dev.switchboard.observe;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Splits a batch whose OTLP body would be larger than {@code maxBytes} into several exports, so that batches can be
 * large in spans (each post costs the JDK HttpClient and the SDK a fixed amount of CPU, which at 512 spans a post was
 * most of the export's cost) without a post that a hosted collector refuses: a root span carries the prompt and the
 * completion, so a batch's bytes are not bounded by its span count. A span larger than the cap goes alone.
 *
 * <p>The size is an estimate from the spans' own text (names, attribute keys and values, events) plus a fixed
 * overhead per span and per attribute for ids, times and protobuf framing; long strings are counted in UTF-8 bytes,
 * short ones in characters. Taken where each span ends ({@link SizedSpans}), else here on the batch processor's
 * thread, one pass over each span's attributes.
 */
final class ByteCappedExporter implements SpanExporter {
    /** ids, times, kind, status, flags and framing of one span, about what the OTLP marshaler writes */
    static final int SPAN_OVERHEAD = 80;
    /** a key-value's and an any-value's tags and lengths */
    static final int ATTRIBUTE_OVERHEAD = 6;
    private static final int COUNT_UTF8_FROM = 32;

    private final SpanExporter inner;
    private final long maxBytes;

    ByteCappedExporter(SpanExporter inner, long maxBytes) {
        this.inner = inner;
        this.maxBytes = maxBytes;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        long[] sizes = new long[spans.size()];
        long total = 0;
        int i = 0;
        // sized where each span ended (SizedSpans), while its data was in the cache; any other span here
        for (SpanData s : spans) total += sizes[i++] = s instanceof SizedSpans.Sized z ? z.bytes : estimate(s);
        if (total <= maxBytes) return inner.export(spans); // the usual case: one post, no copy
        List<List<SpanData>> parts = new ArrayList<>();
        List<SpanData> part = new ArrayList<>();
        long bytes = 0;
        i = 0;
        for (SpanData s : spans) {
            long size = sizes[i++];
            if (!part.isEmpty() && bytes + size > maxBytes) {
                parts.add(part);
                part = new ArrayList<>();
                bytes = 0;
            }
            part.add(s);
            bytes += size;
        }
        parts.add(part);
        CompletableResultCode done = new CompletableResultCode();
        exportInTurn(parts, 0, true, done);
        return done;
    }

    /**
     * One part after the other, not all at once: the JDK sender runs each post on a pool of at most five threads that
     * refuses a sixth, and a collector that is slow gets one post at a time as before.
     */
    private void exportInTurn(List<List<SpanData>> parts, int i, boolean okSoFar, CompletableResultCode done) {
        CompletableResultCode r = inner.export(parts.get(i));
        r.whenComplete(() -> {
            boolean ok = okSoFar && r.isSuccess();
            if (i + 1 < parts.size()) exportInTurn(parts, i + 1, ok, done);
            else if (ok) done.succeed();
            else done.fail();
        });
    }

    /** About how many bytes {@code s} takes in an OTLP/protobuf body. */
    static long estimate(SpanData s) {
        long[] n = {SPAN_OVERHEAD + text(s.getName()) + attributes(s.getAttributes())};
        for (EventData e : s.getEvents()) n[0] += 24 + text(e.getName()) + attributes(e.getAttributes());
        if (s.getStatus().getDescription() != null) n[0] += text(s.getStatus().getDescription());
        return n[0];
    }

    private static long attributes(Attributes attributes) {
        long[] n = {0};
        attributes.forEach((k, v) -> n[0] += ATTRIBUTE_OVERHEAD + k.getKey().length() + value(v));
        return n[0];
    }

    private static long value(Object v) {
        if (v instanceof String s) return text(s);
        if (v instanceof List<?> l) {
            long n = 2;
            for (Object o : l) n += 2 + value(o);
            return n;
        }
        return 9; // a long, a double or a boolean: at most a tag and eight bytes
    }

    /** UTF-8 bytes of a long string (a prompt, a completion); a short one's characters (an id, a model name). */
    static long text(String s) {
        int len = s.length();
        if (len < COUNT_UTF8_FROM) return len;
        long n = len;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) n += c < 0x800 ? 1 : Character.isSurrogate(c) ? 1 : 2; // a surrogate pair is 4 bytes in all
        }
        return n;
    }

    @Override
    public CompletableResultCode flush() { return inner.flush(); }

    @Override
    public CompletableResultCode shutdown() { return inner.shutdown(); }
}
