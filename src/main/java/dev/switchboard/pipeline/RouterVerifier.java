package dev.switchboard.pipeline;

import dev.switchboard.cache.semantic.Verifier;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.route.ModelRouter;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The semantic cache's grey-zone check: one short call to a cheap model (the alias {@code cache_params.verify} names)
 * asking whether two questions ask the same thing. It goes through the router like any call and is metered: a ledger
 * row with call type {@code cache_verify}, caller {@value #CALLER}, at its real cost.
 */
final class RouterVerifier implements Verifier {
    static final String CALLER = "semantic-cache";
    private static final String SYSTEM = "You compare two user questions. Answer with one word: yes if they ask for the same "
            + "information and one answer would serve both, no otherwise (different numbers, names, direction, negation or scope mean no).";

    private final String alias;
    private final ModelRouter router;
    private final Metering metering;

    RouterVerifier(String alias, ModelRouter router, Metering metering) {
        this.alias = alias;
        this.router = router;
        this.metering = metering;
    }

    @Override
    public Future<Boolean> sameQuestion(String cached, String asked) {
        ChatRequest r = new ChatRequest(alias, List.of(Message.text(Role.SYSTEM, SYSTEM),
                Message.text(Role.USER, "Question 1: " + cached + "\nQuestion 2: " + asked + "\nSame question? yes or no.")),
                null, null, null, null, 0.0, null, 3, null, null, null, null, null, false, true, Map.of());
        CallContext ctx = new CallContext("verify-" + UUID.randomUUID(), new Caller(CALLER, true, null, List.of(), null, null),
                System.nanoTime(), Map.of());
        return MeteredCall.around(() -> metering.begin(ctx, r, "cache_verify"), () -> router.chat(ctx, r), MeteredCall.Served::new)
                .map(a -> {
                    var choices = a.body().choices();
                    String text = choices.isEmpty() || choices.get(0).message() == null ? "" : choices.get(0).message().textContent();
                    return text.strip().toLowerCase(Locale.ROOT).startsWith("yes");
                });
    }
}
