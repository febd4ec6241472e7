package dev.switchboard.route;

import dev.switchboard.model.GatewayException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a failed run tells the client's SDK about retrying it. openai-node, openai-python and the Anthropic SDKs retry
 * 408, 409, 429 and 5xx answers (twice by default) unless the answer says {@code x-should-retry: false}, which they
 * obey before looking at the status. A run that called upstream more than once (it retried, or fell back) has used
 * the retries the operator configured: an SDK replaying it repeats the whole chain, multiplying upstream calls and the
 * client's wait by its retries plus one. So such a failure says {@code false}. A failure after a single attempt (the
 * request's or the alias's num_retries is 0, a 429 whose retry-after was too long to wait out, a refusal the gateway
 * never retries, a group with nothing available) leaves the SDK its own judgement, as the provider's answer would.
 */
final class RetryAdvice {
    /** The header both SDK families read first when deciding to retry. */
    static final String SHOULD_RETRY = "x-should-retry";

    private RetryAdvice() {}

    /** The run's final failure, marked {@code x-should-retry: false} when it made more than one attempt. */
    static Throwable afterAttempts(Throwable error, int attempts) {
        if (attempts <= 1 || !(error instanceof GatewayException g)) return error;
        Map<String, String> headers = new LinkedHashMap<>(g.headers());
        headers.put(SHOULD_RETRY, "false");
        return g.withHeaders(headers);
    }
}
