package dev.switchboard.route;

import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import io.vertx.core.Future;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cost routing: the {@code auto} alias picks a tier per request, cheap unless something says the request is
 * hard. Rules first, in this order: the client's {@code x-switchboard-tier} header; the estimated prompt size
 * above {@code max_cheap_tokens}; tools on offer ({@code tools_tier}); a smart keyword in the last user
 * message; then, when enabled, the classifier; else {@code default_tier}. This is a choice, never a fallback:
 * the decision travels in its own header ({@code x-switchboard-tier}) while {@code x-switchboard-route} still
 * says whether the tier's model served or a fallback did.
 */
final class AutoTier {
    private static final Logger log = LoggerFactory.getLogger(AutoTier.class);

    private final AutoRouterSettings settings;
    private final Pattern keywords;
    private final TierClassifier classifier;
    private final RouterMetrics metrics;

    /** @param classifier null when {@code classifier: false} */
    AutoTier(AutoRouterSettings settings, TierClassifier classifier, RouterMetrics metrics) {
        this.settings = settings;
        this.classifier = classifier;
        this.metrics = metrics;
        List<String> words = settings.smartKeywords();
        this.keywords = words.isEmpty() ? null : Pattern.compile("\\b(?:" + words.stream().map(Pattern::quote)
                .collect(Collectors.joining("|")) + ")\\b", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    String alias() { return settings.alias(); }

    Future<TierDecision> decide(CallContext ctx, ChatRequest request, RequestControls controls, RequestFacts facts) {
        Future<TierDecision> d = rules(ctx, request, controls, facts);
        return d.onSuccess(decision -> {
            metrics.tier(decision.tier(), decision.reasonKind());
            log.info("request {}: {} → tier {} ('{}'), reason {}", ctx.requestId(), settings.alias(), decision.tier(),
                    decision.alias(), decision.reason());
        });
    }

    private Future<TierDecision> rules(CallContext ctx, ChatRequest request, RequestControls controls, RequestFacts facts) {
        if (controls.tier() != null) return decided(controls.tier(), "header");
        if (facts.estimatedTokens() > settings.maxCheapTokens()) {
            return decided(AutoRouterSettings.SMART, "tokens>" + settings.maxCheapTokens());
        }
        if (!request.tools().isEmpty()) return decided(settings.toolsTier(), "tools");
        String question = lastUserText(request);
        if (keywords != null) {
            Matcher m = keywords.matcher(question);
            if (m.find()) return decided(AutoRouterSettings.SMART, "keyword:" + m.group().toLowerCase(java.util.Locale.ROOT).replace(' ', '_'));
        }
        String fallbackTier = defaultTier(ctx);
        if (classifier == null || question.isBlank()) {
            return decided(fallbackTier, fallbackTier.equals(ctx.caller().autoTier()) ? "key-default" : "default");
        }
        return classifier.classify(ctx, question)
                .map(r -> r.tier() == null ? decision(fallbackTier, "classifier-unclear")
                        : decision(r.tier(), r.cached() ? "classifier-cached" : "classifier"))
                .recover(e -> {
                    log.warn("request {}: {} classifier failed, using the default tier: {}", ctx.requestId(), settings.alias(),
                            dev.switchboard.model.LogSafe.message(e));
                    return decided(fallbackTier, "classifier-failed");
                });
    }

    /** The tier when no rule decides: the calling key's own ({@code auto_tier}), else {@code default_tier}. */
    private String defaultTier(CallContext ctx) {
        String keyTier = ctx.caller().autoTier();
        return keyTier != null ? keyTier : settings.defaultTier();
    }

    private Future<TierDecision> decided(String tier, String reason) {
        return Future.succeededFuture(decision(tier, reason));
    }

    private TierDecision decision(String tier, String reason) {
        return new TierDecision(tier, settings.aliasOf(tier), reason);
    }

    private static String lastUserText(ChatRequest request) {
        List<Message> ms = request.messages();
        for (int i = ms.size() - 1; i >= 0; i--) if (ms.get(i).role() == Role.USER) return ms.get(i).textContent();
        return "";
    }
}
