package dev.switchboard.route;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * LiteLLM's {@code enable_pre_call_checks}: a deployment whose context window (its {@code max_input_tokens}: the
 * model_info's, else the price catalog's) is smaller than the request's prompt is not called. The group's other
 * deployments serve it; when none is large enough the group fails as a provider's context-window refusal would, so
 * {@code context_window_fallbacks} take over without a call being spent on a certain refusal.
 *
 * <p>The prompt is counted as LiteLLM's {@code token_counter} counts it, with OpenAI's tokenizer for every provider
 * (here o200k_base). A provider whose tokenizer counts more (Claude's, by 10-30 % on English) may still refuse a prompt
 * near its window; that refusal then goes to the same fallbacks, as without the check. A deployment whose window is
 * unknown is always called.
 */
final class ContextCheck {
    private final ToIntFunction<dev.switchboard.config.Deployment> windows;
    private final ToLongFunction<ChatRequest> upperBound;
    private final ToLongFunction<ChatRequest> tokens;

    /**
     * @param windows    a deployment entry → its context window in tokens; 0 when unknown
     * @param upperBound a bound of a request's prompt tokens without a tokenizer (one a UTF-8 byte): what fits by it fits
     * @param tokens     a request's prompt tokens, counted
     */
    ContextCheck(ToIntFunction<dev.switchboard.config.Deployment> windows, ToLongFunction<ChatRequest> upperBound,
                 ToLongFunction<ChatRequest> tokens) {
        this.windows = windows;
        this.upperBound = upperBound;
        this.tokens = tokens;
    }

    /** The member's window (looked up once per member, then kept on it). */
    int window(DeploymentState m) {
        int w = m.contextWindow;
        if (w < 0) m.contextWindow = w = Math.max(0, windows.applyAsInt(m.target.deployment()));
        return w;
    }

    long upperBound(ChatRequest r) { return upperBound.applyAsLong(r); }

    long tokens(ChatRequest r) { return tokens.applyAsLong(r); }

    /** The failure of a group none of whose deployments can take the prompt: a context-window refusal. */
    static GatewayException tooLong(String alias, long prompt, int largest) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 400, "This request's prompt (about " + prompt + " tokens) is longer "
                + "than the context window of every deployment of '" + alias + "' (the largest takes " + largest
                + " tokens); no deployment was called (router_settings.enable_pre_call_checks).", "messages",
                "context_length_exceeded", null, null);
    }
}
