package dev.switchboard.route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The optional second opinion of the auto alias: one short call to a (cheap) model with a fixed prompt that
 * answers {@code cheap} or {@code smart}, cached per prompt hash so a repeated prompt costs nothing.
 */
final class TierClassifier {
    static final String PROMPT = "You route requests between a small fast model and a large careful model. "
            + "Reply with exactly one word: \"cheap\" if a small model can answer the request well, or \"smart\" "
            + "if it needs multi-step reasoning, non-trivial code, mathematics or expert knowledge.";
    /** The request text shown to the classifier is cut here: the start says enough, and the call stays cheap. */
    static final int MAX_CHARS = 4000;

    /** The classification and whether it came from the cache. */
    record Result(String tier, boolean cached) {}

    private final String alias;
    private final BiFunction<CallContext, ChatRequest, Future<ChatResponse>> ask;
    private final Cache<Long, String> answers;

    /** @param ask calls a model_name through the router (retries, no fallbacks) */
    TierClassifier(String alias, int cacheSize, BiFunction<CallContext, ChatRequest, Future<ChatResponse>> ask) {
        this.alias = alias;
        this.ask = ask;
        this.answers = Caffeine.newBuilder().maximumSize(Math.max(1, cacheSize)).expireAfterWrite(Duration.ofHours(1))
                .executor(Runnable::run).build();
    }

    /** @return the tier, or a null tier when the model's answer was neither word */
    Future<Result> classify(CallContext ctx, String text) {
        String shown = text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text;
        long key = Fnv64.of(shown);
        String known = answers.getIfPresent(key);
        if (known != null) return Future.succeededFuture(new Result(known, true));
        ChatRequest q = new ChatRequest(alias, List.of(Message.text(Role.SYSTEM, PROMPT), Message.text(Role.USER, shown)),
                null, null, null, null, 0.0, null, 5, null, null, null, null, null, false, false, null);
        return ask.apply(ctx, q).map(resp -> {
            String tier = parse(resp);
            if (tier != null) answers.put(key, tier);
            return new Result(tier, false);
        });
    }

    private static String parse(ChatResponse resp) {
        if (resp.choices().isEmpty()) return null;
        String said = resp.choices().get(0).message().textContent().toLowerCase(Locale.ROOT);
        boolean smart = said.contains(AutoRouterSettings.SMART);
        boolean cheap = said.contains(AutoRouterSettings.CHEAP);
        return smart == cheap ? null : smart ? AutoRouterSettings.SMART : AutoRouterSettings.CHEAP;
    }
}
