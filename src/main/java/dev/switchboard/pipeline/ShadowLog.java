package dev.switchboard.pipeline;

import dev.switchboard.cache.ResponseCache;
import dev.switchboard.cache.semantic.SemanticMatch;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow mode's record ({@code cache_params.mode: shadow}): a semantic match that would have been served, logged at INFO
 * on the logger {@code switchboard.cache.shadow} with its similarity, both questions and both answers, while the fresh
 * answer is what the client got. Users read these lines to count false hits on their own traffic before turning it on.
 */
final class ShadowLog {
    private static final Logger log = LoggerFactory.getLogger("switchboard.cache.shadow");
    private static final int MAX = 500;

    private ShadowLog() {}

    static void wouldHaveServed(CallContext ctx, ResponseCache.Plan plan, SemanticMatch m, ChatResponse fresh) {
        if (!log.isInfoEnabled()) return;
        log.info("shadow hit-semantic request={} entry={} similarity={} verified={} asked=\"{}\" cached_question=\"{}\" "
                        + "cached_answer=\"{}\" fresh_answer=\"{}\"", ctx.requestId(), m.entryId(),
                String.format(java.util.Locale.ROOT, "%.4f", m.similarity()), m.verified(), clip(plan.question()),
                clip(m.cachedQuestion()), clip(text(m.answer().response())), clip(text(fresh)));
    }

    private static String text(ChatResponse r) {
        if (r == null || r.choices().isEmpty()) return "";
        Choice c = r.choices().get(0);
        return c.message() == null ? "" : String.valueOf(c.message().textContent());
    }

    private static String clip(String s) {
        if (s == null) return "";
        String t = s.length() > MAX ? s.substring(0, MAX) + "…" : s;
        return LogSafe.text(t).replace("\"", "'");
    }
}
