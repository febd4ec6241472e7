package dev.switchboard.pipeline;

import dev.switchboard.cache.PromptCacheLint;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CacheInjectionPoint;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link PromptCacheLint} on requests that carry a cache breakpoint and reports findings in the
 * {@code x-switchboard-cache-lint} header and a log line with the request id, so users learn why their
 * cache hit rate is low. Breakpoints the alias's deployment will inject ({@code cache_control_injection_points})
 * count as the client's own (for translated requests: a raw Anthropic-dialect body is judged by its own
 * breakpoints): the lint looks at the prefix the provider will actually cache.
 */
final class CacheLintStage implements Stage {
    static final String HEADER = "x-switchboard-cache-lint";
    private static final Logger log = LoggerFactory.getLogger("switchboard.cache-lint");
    private static final int MAX_HEADER = 600;

    private final PromptCacheLint lint;
    private final Map<String, List<CacheInjectionPoint>> injectionPoints;

    /** @param injectionPoints per alias, the injection points its deployment applies (aliases without any absent) */
    CacheLintStage(PromptCacheLint lint, Map<String, List<CacheInjectionPoint>> injectionPoints) {
        this.lint = lint;
        this.injectionPoints = Map.copyOf(injectionPoints);
    }

    @Override
    public ChatHandler wrap(ChatHandler next) {
        return new ChatHandler() {
            @Override
            public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request) {
                List<String> findings = check(ctx, request);
                return findings.isEmpty() ? next.chat(ctx, request) : next.chat(ctx, request).map(a -> annotate(a, findings));
            }

            @Override
            public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
                List<String> findings = check(ctx, request);
                return findings.isEmpty() ? next.stream(ctx, request) : next.stream(ctx, request).map(a -> annotate(a, findings));
            }
        };
    }

    private List<String> check(CallContext ctx, ChatRequest request) {
        List<CacheInjectionPoint> points = injectionPoints.get(request.model());
        // A raw Anthropic body gets its injected breakpoints in its own JSON, counted over Anthropic's messages
        // (AnthropicCacheInjector), which the canonical messages do not mirror one to one: the lint judges such a
        // request by the client's own breakpoints only, rather than by ones the provider would not send.
        boolean rawAnthropic = request.raw() != null && request.raw().is(dev.switchboard.model.RawJson.ANTHROPIC);
        ChatRequest cached = points == null || rawAnthropic ? request : CacheInjectionPoint.apply(points, request);
        List<String> findings = lint.lint(ctx.caller().id(), cached);
        if (!findings.isEmpty()) log.info("request {} model {} prompt-cache lint: {}", ctx.requestId(),
                dev.switchboard.model.LogSafe.text(request.model()), dev.switchboard.model.LogSafe.text(findings.toString()));
        return findings;
    }

    private static <T> Answer<T> annotate(Answer<T> a, List<String> findings) {
        if (findings.isEmpty()) return a;
        String value = String.join("; ", findings).replaceAll("[^\\x20-\\x7e]", "?");
        return a.withHeader(HEADER, value.length() > MAX_HEADER ? value.substring(0, MAX_HEADER) + "..." : value);
    }
}
