package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.provider.UpstreamAnswers;
import dev.switchboard.provider.UpstreamAuth;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.MultiMap;
import java.util.function.UnaryOperator;

/**
 * Where an Anthropic Messages deployment is reached and what differs there. Anthropic's own API takes
 * {@code POST /v1/messages} for both kinds of call with {@code x-api-key} and {@code anthropic-version} headers;
 * Claude on Vertex AI takes the same body at {@code …/publishers/anthropic/models/{model}:rawPredict} (and
 * {@code :streamRawPredict}) with a bearer token, {@code anthropic_version} in the body and no {@code model}
 * (the URL names it). The encoder, decoder and stream are the same.
 *
 * @param chatPath    the path of a whole answer
 * @param streamPath  the path of a streamed answer
 * @param baseHeaders headers every request carries (content type, a fixed key, version, {@code extra_headers})
 * @param auth        per-request credentials added to those ({@link UpstreamAuth#NONE} when the key is in the headers)
 * @param secret      the fixed key, scrubbed from error messages; null when there is none
 * @param adjust      the last change to each encoded body (identity for Anthropic's API)
 * @param errors      how a non-200 answer is read (Vertex answers its own failures in Google's shape)
 * @param countPath   the path of {@code count_tokens} (Vertex: {@code …/publishers/anthropic/models/count-tokens:rawPredict},
 *                    the model named in the body); null where there is none
 * @param betas       the client's {@code anthropic-beta} header as the target takes it (null in, null out; identity for
 *                    Anthropic's API, Vertex drops the betas it refuses)
 */
public record AnthropicTarget(UpstreamHttp.Endpoint endpoint, String chatPath, String streamPath, MultiMap baseHeaders,
                              UpstreamAuth auth, String secret, UnaryOperator<ObjectNode> adjust,
                              UpstreamAnswers.ErrorDecoder errors, String countPath, UnaryOperator<String> betas) {
    public AnthropicTarget(UpstreamHttp.Endpoint endpoint, String chatPath, String streamPath, MultiMap baseHeaders,
                           UpstreamAuth auth, String secret, UnaryOperator<ObjectNode> adjust, UpstreamAnswers.ErrorDecoder errors,
                           String countPath) {
        this(endpoint, chatPath, streamPath, baseHeaders, auth, secret, adjust, errors, countPath, UnaryOperator.identity());
    }

    public AnthropicTarget(UpstreamHttp.Endpoint endpoint, String chatPath, String streamPath, MultiMap baseHeaders,
                           UpstreamAuth auth, String secret, UnaryOperator<ObjectNode> adjust, UpstreamAnswers.ErrorDecoder errors) {
        this(endpoint, chatPath, streamPath, baseHeaders, auth, secret, adjust, errors, null);
    }
}
