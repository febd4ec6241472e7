package dev.switchboard.support;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;

/**
 * A test gateway in front of a {@link CannedUpstream}, for the tests of what a server sends byte for byte: both started
 * together, from a config whose {@code %1$s} is the upstream's root URL ({@code ${SIM}} and the rest still name the
 * gateway's simulator), and closed together. With the calls those tests make (the prompt is the tag of the canned
 * answer) and the ledger row each call left, read as a user would ({@link Admin#ledgerRow}).
 */
public record CannedGateway(CannedUpstream up, TestGateway gw) implements AutoCloseable {
    public static CannedGateway start(String configTemplate) {
        CannedUpstream up = CannedUpstream.start();
        try {
            return new CannedGateway(up, TestGateway.start(configTemplate.formatted(up.rootUrl())));
        } catch (RuntimeException | Error e) {
            up.close(); // a config the gateway refused must not leave the upstream's event loops behind
            throw e;
        }
    }

    /** The admin API with the master key. */
    public Admin admin() { return new Admin(gw); }

    /** A chat completion with the master key whose prompt is {@code tag}; a stream asks for its usage chunk. */
    public HttpResponse<String> chat(String alias, String tag, boolean stream) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\",\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
    }

    /** The same call in Anthropic's dialect ({@code /v1/messages}). */
    public HttpResponse<String> messages(String alias, String tag, boolean stream) {
        return Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\",\"max_tokens\":50,"
                + "\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
    }

    /** The ledger row of the call that answered {@code r} (attempt 0). */
    public JsonObject ledgerRow(HttpResponse<String> r) { return admin().ledgerRow(r); }

    @Override
    public void close() {
        try {
            gw.close();
        } finally {
            up.close();
        }
    }
}
