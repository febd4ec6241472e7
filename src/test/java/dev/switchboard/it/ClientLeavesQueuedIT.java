package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.RawPost;
import dev.switchboard.support.TestGateway;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * QA hardening F5: a client that leaves while its upstream request waits in the pool's queue (one connection per host
 * here, held by a long stream). When the connection came, the request was reset as its cancel listener was added,
 * before it had an exception handler, and Vert.x logged "ERROR HttpClientRequestImpl - Stream reset: 0" for what is
 * a client's ordinary leaving.
 */
class ClientLeavesQueuedIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  upstream_max_connections_per_host: 1
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    static final String STREAM = "{\"model\":\"gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String CHAT = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aClientThatLeavesWhileItsRequestIsQueuedLogsNoError() throws Exception {
        try (LogCapture logs = LogCapture.root()) {
            for (int round = 0; round < 3; round++) {
                gw.simulator.reset();
                gw.simulator.enqueue(SimBehaviour.longSlowStream(100, 50)); // holds the one connection for seconds
                try (Socket holder = RawPost.open(gw, "/v1/chat/completions", STREAM)) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> gw.simulator.arrivals() == 1);
                    try (Socket queued = RawPost.open(gw, "/v1/chat/completions", round == 1 ? CHAT : STREAM)) {
                        Thread.sleep(300); // its request waits for the connection the stream holds
                    } // leaves while queued
                    Thread.sleep(200);
                } // the stream's client leaves too: its connection is closed, and the queued request gets one
                Thread.sleep(1000); // the queued request's connection comes, and it is reset
                assertThat(gw.simulator.arrivals()).as("the queued request never reached the upstream").isEqualTo(1);
            }
            assertThat(logs.lines()).as("a client's leaving is no error").noneMatch(l -> l.startsWith("ERROR") || l.startsWith("WARN"));
        }
    }
}
