package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.UpstreamHttp;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.RawUpstream;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What an upstream can do to the gateway's pooled keep-alive connections: close one just as a request goes out on
 * it, reset one while it is idle, write garbage on one. The client's request succeeds (a request that failed on a
 * reused connection before any byte of answer is sent again, once, on a fresh one), and nothing is logged at ERROR.
 * The gateway has no retries configured, so a success is the transparent re-send, not the router's retry.
 */
class UpstreamConnectionsIT {
    private static final String CHAT = "{\"model\":\"raw\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static TestGateway gatewayFor(RawUpstream upstream) {
        return TestGateway.start("""
                model_list:
                  - model_name: raw
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "%s", api_key: os.environ/PROVIDER_KEY, timeout: 5 }
                router_settings:
                  num_retries: 0
                """.formatted(upstream.baseUrl()));
    }

    private static HttpResponse<String> chat(TestGateway gw) {
        return Http.post(gw.v1() + "/chat/completions", null, CHAT);
    }

    @Test
    void aRequestOnAConnectionTheUpstreamClosedAsItWentOutIsSentAgainOnAFreshOne() throws Exception {
        try (RawUpstream upstream = new RawUpstream(RawUpstream.Mode.STALE_ON_REUSE);
             TestGateway gw = gatewayFor(upstream);
             LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = chat(gw);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).contains("\"content\":\"hi\"");
            }
            // the second and third calls each met a connection reset on reuse, and went out again on a new one
            assertThat(upstream.answered()).isEqualTo(3);
            assertThat(upstream.requests()).isEqualTo(5);
            assertThat(upstream.connections()).isEqualTo(3);
            assertThat(logs.lines()).as("nothing at ERROR").noneMatch(l -> l.startsWith("ERROR"));
        }
    }

    @Test
    void anIdleConnectionResetOrFedGarbageByTheUpstreamLogsNoError() throws Exception {
        for (RawUpstream.Mode mode : new RawUpstream.Mode[] {RawUpstream.Mode.RESET_WHEN_IDLE, RawUpstream.Mode.GARBAGE_WHEN_IDLE}) {
            try (RawUpstream upstream = new RawUpstream(mode);
                 TestGateway gw = gatewayFor(upstream);
                 LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
                assertThat(chat(gw).statusCode()).as(mode.name()).isEqualTo(200);
                Thread.sleep(1_000); // the upstream resets the idle connection, or writes garbage on it
                HttpResponse<String> again = chat(gw);
                assertThat(again.statusCode()).as(mode + ": " + again.body()).isEqualTo(200);
                assertThat(logs.lines()).as(mode + ": nothing at ERROR").noneMatch(l -> l.startsWith("ERROR"));
            }
        }
    }

    @Test
    void pooledConnectionsAreKeptLessTimeThanCommonServersKeepThem() {
        // Node's http server closes an idle keep-alive connection after 5 s: the gateway gives it up first
        assertThat(UpstreamHttp.KEEP_ALIVE).isLessThan(Duration.ofSeconds(5));
    }
}
