package dev.switchboard.support;

import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.simulator.SimBehaviour;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A request held at its provider: the simulator answers it only after {@code delayMs}, and {@link #start} returns once
 * the request has reached it (its cache lookup is behind it). What a test does meanwhile (a flush) happens while the
 * answer is in flight.
 */
public final class InFlight {
    private InFlight() {}

    public static CompletableFuture<HttpResponse<String>> start(ProviderSimulator sim, long delayMs, Supplier<HttpResponse<String>> call) {
        int before = sim.arrivals();
        sim.enqueue(SimBehaviour.slowFirstByte(delayMs));
        CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(call);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.arrivals() > before || answer.isDone());
        return answer;
    }

    /** {@code DELETE} of an admin path with the master key. */
    public static HttpResponse<String> delete(TestGateway gw, String path) {
        return Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + path))
                .header("authorization", "Bearer " + TestGateway.MASTER_KEY).DELETE().build());
    }
}
