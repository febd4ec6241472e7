package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** Error messages to clients name the deployment and the failure, never the upstream's address (the log keeps it). */
class UpstreamAddressTest {
    private static final UpstreamHttp.Endpoint GPU = UpstreamHttp.Endpoint.parse("http://10.0.0.5:8000/v1", "openai/llama");

    @Test
    void theEndpointKeepsTheAddressForTheLogAndTheNameForClients() {
        assertThat(GPU.display()).isEqualTo("openai/llama (http://10.0.0.5:8000)");
        assertThat(GPU.name()).isEqualTo("openai/llama");
    }

    @Test
    void networkFailuresSayWhatWentWrongWithoutWhere() {
        assertThat(UpstreamHttp.networkFailure(new ConnectException("Connection refused: /10.0.0.5:8000"), GPU).getMessage())
                .isEqualTo("Cannot connect to upstream openai/llama: Connection refused.");
        assertThat(UpstreamHttp.networkFailure(new UnknownHostException("gpu-box.internal: Name or service not known"), GPU)
                .getMessage()).isEqualTo("Cannot connect to upstream openai/llama: the upstream's host name does not resolve.");
        assertThat(UpstreamHttp.networkFailure(new java.io.IOException("Connection reset by peer at gpu-box/10.0.0.5:8000"), GPU)
                .getMessage()).isEqualTo("Upstream openai/llama failed: Connection reset by peer at the upstream.");
        assertThat(UpstreamHttp.networkFailure(new java.io.IOException("failed to reach gpu-box.internal:11434/api"), GPU)
                .getMessage()).doesNotContain("gpu-box").doesNotContain("11434");
        assertThat(UpstreamHttp.networkFailure(new ConnectException("io_uring connect(..) failed with error(-111): Connection refused"),
                GPU).getMessage()).as("the native transports' syscall").isEqualTo("Cannot connect to upstream openai/llama: Connection refused.");
        assertThat(UpstreamHttp.networkFailure(new ConnectException("finishConnect(..) failed: Connection refused: /10.0.0.5:8000"),
                GPU).getMessage()).isEqualTo("Cannot connect to upstream openai/llama: Connection refused.");
        assertThat(UpstreamHttp.networkFailure(new java.io.IOException("java.io.IOException in v1.2.3"), GPU).getMessage())
                .as("dotted words that are no address stay").contains("java.io.IOException in v1.2.3");
    }
}
