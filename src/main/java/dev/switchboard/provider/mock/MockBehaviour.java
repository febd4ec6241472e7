package dev.switchboard.provider.mock;

import dev.switchboard.config.Deployment;

/**
 * What a mock deployment does, from its {@code litellm_params}:
 * {@code mock_response} (fixed text), {@code mock_latency_ms} (wait before the answer or first chunk),
 * {@code mock_chunk_delay_ms} (wait between chunks), {@code mock_fault} (rate_limit, server_error, timeout,
 * overloaded, context_window, content_policy) and {@code mock_fault_rate} (0..1, default 1 when a fault is set).
 */
record MockBehaviour(String fixedText, long latencyMs, long chunkDelayMs, String fault, double faultRate) {
    static MockBehaviour from(Deployment d) {
        String fault = d.stringParam("mock_fault");
        Number rate = d.numberParam("mock_fault_rate");
        return new MockBehaviour(
                d.stringParam("mock_response"),
                longOf(d.numberParam("mock_latency_ms")),
                longOf(d.numberParam("mock_chunk_delay_ms")),
                fault,
                fault == null ? 0 : rate == null ? 1.0 : rate.doubleValue());
    }

    private static long longOf(Number n) { return n == null ? 0 : n.longValue(); }
}
