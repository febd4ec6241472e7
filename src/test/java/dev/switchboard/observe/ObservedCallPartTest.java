package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.store.LogColumns;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The part a served call queues with its ledger row ({@link ObservedCall#part}, sixteen arguments, five texts side by
 * side) gives the columns of the log row the same call makes ({@link ObservedCall#row}): a real call, traced (so it has a
 * span id), placed by its client (trace id, session, generation name), with tags and an error message, each value
 * distinct, so two arguments swapped in {@code part} fail it.
 */
class ObservedCallPartTest {
    @Test
    void aCallsPartHasTheColumnsOfItsRow() {
        SecretScrubber scrubber = new SecretScrubber(List.of("s3cr3t-value"));
        try (Tracing tracing = Tracing.to(InMemorySpanExporter.create(),
                new TraceSettings("memory", Map.of(), "switchboard-test", 2048, 512, 50, 1000, true))) {
            for (String policy : List.of("full", "truncated:200", "off")) {
                RequestObserver observer = new RequestObserver(tracing, null, RequestLogSettings.from(Map.of("policy", policy)),
                        new GatewayMetrics(new SimpleMeterRegistry(), new MetricLabels(List.of(), List.of())), scrubber, () -> false);
                CallContext ctx = new CallContext("req-1", new Caller("key-1", false, "alias-1", List.of(), null, null),
                        System.nanoTime(), Map.of());
                ChatRequest request = new ChatRequest("m", List.of(Message.text(Role.USER, "hello, s3cr3t-value")), null, null,
                        null, null, null, null, null, null, null, null, null,
                        Map.of("trace_id", "0af7651916cd43dd8448eb211c80319c", "session_id", "session-7",
                                "generation_name", "gen-7"), false, false, Map.of());
                ObservedCall call = observer.begin(ctx, request, "chat", List.of("team-a", "tag-b"));

                for (boolean withStatus : new boolean[] {true, false}) {
                    LogColumns part = call.part(499, "client_closed", "the client left", withStatus).get();
                    LogColumns row = RequestLogStore.columns(call.row(499, "client_closed", "the client left",
                            System.nanoTime()).get(), withStatus);
                    assertThat(part).as(policy + " " + withStatus).isEqualTo(row);
                    // each value is there, and where it belongs
                    assertThat(part.errorMessage()).isEqualTo("the client left");
                    assertThat(part.traceId()).isEqualTo(call.traceId()).isNotNull();
                    assertThat(part.spanId()).isNotNull().hasSize(16);
                    assertThat(part.sessionId()).isEqualTo("session-7");
                    assertThat(part.generationName()).isEqualTo("gen-7");
                    assertThat(part.tagsJson()).isEqualTo("[\"team-a\",\"tag-b\"]");
                    assertThat(part.logPolicy()).isEqualTo(LogPolicy.parse(policy, List.of()).label());
                    assertThat(part.status()).isEqualTo(withStatus ? 499 : null);
                    assertThat(part.errorType()).isEqualTo(withStatus ? "client_closed" : null);
                    if (!policy.equals("off")) assertThat(part.prompt()).contains("hello").doesNotContain("s3cr3t-value");
                }
            }
        }
    }
}
