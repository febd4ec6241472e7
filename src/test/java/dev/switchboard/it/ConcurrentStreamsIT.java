package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 2,000 slow streams at once (the upstream sends one event every 250 ms, about 9.5 s a stream) through one gateway, with
 * its default settings: each stream takes no longer than the upstream made it wait, plus what the same load sent
 * straight to the simulator takes beyond it (the shared machine's own share), plus {@link #MARGIN_MS} for the gateway's
 * own work with client, gateway and simulator on two shared cores in one JVM. The gateway used to keep 512 connections
 * per host and queue the rest unseen, which made the later streams wait for whole earlier streams (about 9.5 s each
 * time). The 2,000 timed streams start within 5 s (all open together by then) after 2,000 untimed ones warmed the JVM.
 * Once over HTTP/1.1 (one connection per stream), once over HTTP/2 to an HTTPS provider (a few connections for all).
 */
class ConcurrentStreamsIT {
    static final int STREAMS = 2000;
    static final long EVENT_EVERY_MS = 250;
    /** The answer text six times over: about 38 events, so each stream lasts about 9.5 s upstream. */
    static final int REPEAT = 6;
    /** The timed streams start over this long (400 a second), all 2,000 still open at once at the end of it. */
    static final long RAMP_MS = 5000;
    /**
     * What a stream may take beyond its upstream's own waits, more than the same load sent directly to the simulator
     * takes: the gateway's own work under 2,000 streams on two shared cores. A stream queued behind a connection limit
     * waits for a whole other stream to end first (about 9.5 s).
     */
    static final long MARGIN_MS = 6000;

    @Test
    void twoThousandSlowStreamsOverHttp1NoneWaitsLongerThanItsUpstream() throws Exception {
        try (TestGateway gw = TestGateway.startUnrecorded(config())) {
            gw.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.longSlowStream(EVENT_EVERY_MS, REPEAT));
            int connections = runAndCheck(gw);
            assertThat(connections).as("one HTTP/1.1 connection per concurrent stream").isGreaterThanOrEqualTo(STREAMS);
        }
    }

    @Test
    void twoThousandSlowStreamsOverHttp2NoneWaitsLongerThanItsUpstream() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        try (TestGateway gw = TestGateway.startTls(config().replace("general_settings:",
                "general_settings:\n  upstream_ca_file: " + cert.certificatePath()), cert.keyCertOptions(), false)) {
            gw.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.longSlowStream(EVENT_EVERY_MS, REPEAT));
            int connections = runAndCheck(gw);
            assertThat(gw.simulator.versions()).contains(io.vertx.core.http.HttpVersion.HTTP_2);
            // The simulator allows 100 streams per connection (as Google's API does): 2,000 streams need 20 connections,
            // within the default 32 per host, and far fewer than HTTP/1.1's one per stream.
            assertThat(connections).as("2,000 streams multiplexed on a few HTTP/2 connections open at once")
                    .isLessThanOrEqualTo(32);
        } finally {
            cert.delete();
        }
    }

    private static String config() {
        return """
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, stream_timeout: 30 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """;
    }

    /** One stream's outcome: its duration (from sending the request to the end of the body), its events, its end. */
    private record Outcome(long millis, long headersMillis, int events, boolean done) {}

    /** @return the most connections the simulator had open at once while only the gateway called it */
    private static int runAndCheck(TestGateway gw) throws Exception {
        Vertx clientVertx = Vertx.vertx();
        try {
            HttpClientAgent client = clientVertx.httpClientBuilder()
                    .with(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(60))
                    .with(new PoolOptions().setHttp1MaxSize(STREAMS + 10).setMaxWaitQueueSize(-1))
                    .build();
            // Straight to an HTTPS simulator the way the gateway goes: HTTP/2 by ALPN, a few connections
            HttpClientAgent tlsClient = clientVertx.httpClientBuilder()
                    .with(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(60).setTrustAll(true).setVerifyHost(false)
                            .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setUseAlpn(true))
                    .with(new PoolOptions().setHttp1MaxSize(STREAMS + 10).setHttp2MaxSize(32).setMaxWaitQueueSize(-1))
                    .build();
            Target gateway = new Target("127.0.0.1", gw.server.port(), false, "/v1/chat/completions", "gpt", "Bearer " + TestGateway.MASTER_KEY);
            java.net.URI sim = java.net.URI.create(gw.simulator.baseUrl());
            Target direct = new Target(sim.getHost(), sim.getPort(), "https".equals(sim.getScheme()), "/v1/chat/completions",
                    "gpt-4o-mini", "Bearer " + TestGateway.PROVIDER_KEY);
            // Warm-up: 2,000 streams each way, untimed, so class loading, the JIT and the first connections are not measured.
            round(client, gateway, false);
            long gatewayWorst = round(client, gateway, true);
            int connections = gw.simulator.mostOpenConnections(); // idle ones close after 4 s and new ones open later
            long directWorst = round(direct.ssl() ? tlsClient : client, direct, true); // the simulator is warm by now
            System.out.printf("ConcurrentStreamsIT: worst excess over the upstream's waits: direct %d ms, through the gateway %d ms%n",
                    directWorst, gatewayWorst);
            assertThat(gatewayWorst).as("the longest a stream through the gateway took beyond the upstream's own waits (ms),"
                    + " against the same load sent directly (%d ms)", directWorst).isLessThanOrEqualTo(directWorst + MARGIN_MS);
            client.close();
            tlsClient.close();
            return connections;
        } finally {
            clientVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Where a round of streams goes: the gateway (alias, master key) or the simulator itself (its model, the provider key). */
    private record Target(String host, int port, boolean ssl, String path, String model, String authorization) {}

    /**
     * 2,000 streams started over {@link #RAMP_MS}; returns the worst excess of a stream's duration over what its upstream
     * made it wait, in ms, after checking every stream ended with [DONE].
     */
    private static long round(HttpClientAgent client, Target target, boolean timed) throws Exception {
        List<Future<Outcome>> all = new ArrayList<>(STREAMS);
        long t0 = System.nanoTime();
        for (int i = 0; i < STREAMS; i++) {
            long due = t0 + i * RAMP_MS * 1_000_000 / STREAMS;
            while (timed && System.nanoTime() < due) java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            all.add(stream(client, target));
        }
        Future.all(all).toCompletionStage().toCompletableFuture().get(180, TimeUnit.SECONDS);
        List<Long> excess = new ArrayList<>();
        List<Long> heads = new ArrayList<>();
        for (Future<Outcome> f : all) {
            Outcome o = f.result();
            assertThat(o.done()).as("every stream ends with [DONE]").isTrue();
            // The upstream waits 250 ms between its events: that is what it made this stream wait. Every request asks
            // for usage, so the client sees every upstream event: N events, N - 1 waits.
            long upstreamWaitMs = (o.events() - 1) * EVENT_EVERY_MS;
            assertThat(upstreamWaitMs).as("a slow stream of many events").isGreaterThanOrEqualTo(30 * EVENT_EVERY_MS);
            excess.add(o.millis() - upstreamWaitMs);
            heads.add(o.headersMillis());
        }
        java.util.Collections.sort(excess);
        java.util.Collections.sort(heads);
        if (timed) {
            System.out.printf("ConcurrentStreamsIT %s: excess over the upstream p50 %d p90 %d p99 %d max %d ms; response head p50 %d p90 %d max %d ms%n",
                    target.model(), excess.get(STREAMS / 2), excess.get(STREAMS * 9 / 10), excess.get(STREAMS * 99 / 100),
                    excess.get(STREAMS - 1), heads.get(STREAMS / 2), heads.get(STREAMS * 9 / 10), heads.get(STREAMS - 1));
        }
        return excess.get(STREAMS - 1);
    }

    /** A stream through the gateway; the clock starts when the request goes out on its own connection. */
    private static Future<Outcome> stream(HttpClientAgent client, Target t) {
        String body = "{\"model\":\"" + t.model() + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(t.host()).setPort(t.port()).setSsl(t.ssl())
                        .setURI(t.path()).putHeader("authorization", t.authorization())
                        .putHeader("content-type", "application/json"))
                .compose(req -> {
                    long start = System.nanoTime();
                    return req.send(body).compose(resp -> {
                        long headers = (System.nanoTime() - start) / 1_000_000;
                        if (resp.statusCode() != 200) return resp.body().map(b -> new Outcome(0, 0, 0, false));
                        return resp.body().map(b -> {
                            long ms = (System.nanoTime() - start) / 1_000_000;
                            String s = b.toString();
                            int events = s.split("\n\n").length;
                            return new Outcome(ms, headers, events, s.endsWith("data: [DONE]\n\n"));
                        });
                    });
                });
    }
}
