package dev.switchboard.observe;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exporter, counting what it sent and what it failed to send (collector down, refused, timed out): those spans
 * are lost too, and {@code /metrics} shows them as {@code reason="export_failed"}. Runs on the processor's thread.
 */
final class CountingExporter implements SpanExporter {
    private static final Logger log = LoggerFactory.getLogger("switchboard.tracing");

    private final SpanExporter inner;
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    CountingExporter(SpanExporter inner) { this.inner = inner; }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        int n = spans.size();
        CompletableResultCode r = inner.export(spans);
        r.whenComplete(() -> {
            if (r.isSuccess()) {
                exported.addAndGet(n);
            } else if (failed.getAndAdd(n) == 0 || failed.get() % 1_000 < n) {
                log.warn("trace export failed: {} spans lost ({} so far)", n, failed.get());
            }
        });
        return r;
    }

    @Override
    public CompletableResultCode flush() { return inner.flush(); }

    @Override
    public CompletableResultCode shutdown() { return inner.shutdown(); }

    long exported() { return exported.get(); }

    long failed() { return failed.get(); }
}
