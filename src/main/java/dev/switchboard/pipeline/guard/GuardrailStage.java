package dev.switchboard.pipeline.guard;

import dev.switchboard.cache.StreamReplay;
import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.GuardrailBlock;
import dev.switchboard.pipeline.ChatHandler;
import dev.switchboard.pipeline.Stage;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * LiteLLM's guardrails as one pipeline stage, inside the spend stage (a blocked call is admitted first, as LiteLLM
 * authenticates before its hooks, and goes in the ledger as blocked) and outside the cache (a pre_call block never
 * reaches it; a cached answer is checked like a fresh one). Per request it runs the guardrails that are
 * {@code default_on} or asked for ({@link Requested}), in config order:
 * <ul>
 *   <li>pre_call, one after another, before anything else: a block answers at once and no provider is called;</li>
 *   <li>during_call beside the provider call; the answer waits for them (LiteLLM's asyncio.gather), and a block
 *       discards it (the call is still paid for and recorded: a held-back stream is read for what it cost first,
 *       {@link BlockedStream});</li>
 *   <li>post_call on the answer. A stream is read whole first, checked, then replayed (what LiteLLM's streaming
 *       iterator hooks do), so a streamed block is a clean error before the first byte, not a broken stream.</li>
 * </ul>
 * The guardrails that ran are named in {@code x-litellm-applied-guardrails}, as LiteLLM names them.
 */
public final class GuardrailStage implements Stage {
    public static final String APPLIED_HEADER = "x-litellm-applied-guardrails";

    private final List<Guardrail> guardrails;
    private final Set<String> names;
    /** For the timers of a blocked stream's reading. */
    private final io.vertx.core.Vertx vertx;

    GuardrailStage(List<Guardrail> guardrails, io.vertx.core.Vertx vertx) {
        this.vertx = vertx;
        this.guardrails = List.copyOf(guardrails);
        this.names = new java.util.LinkedHashSet<>(guardrails.stream().map(Guardrail::name).toList());
    }

    /** The plan of one request: which guardrails run at which moment. */
    private record Plan(List<Guardrail> pre, List<Guardrail> during, List<Guardrail> post) {
        boolean empty() { return pre.isEmpty() && during.isEmpty() && post.isEmpty(); }

        String applied() {
            Set<String> out = new java.util.LinkedHashSet<>();
            for (List<Guardrail> l : List.of(pre, during, post)) for (Guardrail g : l) out.add(g.name());
            return String.join(",", out);
        }
    }

    private static final Plan NONE = new Plan(List.of(), List.of(), List.of());

    /** LiteLLM's should_run_guardrail: default_on runs on its modes; otherwise only when the request asks for it. */
    private Plan plan(CallContext ctx, ChatRequest r) {
        Set<String> asked = Requested.of(ctx, r, names); // parsed once per request: the spend stage may have read it already
        if (guardrails.isEmpty()) return NONE; // the stage without guardrails: the 400 above for a request that names one
        List<Guardrail> pre = new ArrayList<>(), during = new ArrayList<>(), post = new ArrayList<>();
        for (Guardrail g : guardrails) {
            GuardrailConfig c = g.config();
            if (!c.defaultOn() && !asked.contains(c.name())) continue;
            if (c.runsOn(GuardrailConfig.PRE_CALL)) pre.add(g);
            if (c.runsOn(GuardrailConfig.DURING_CALL)) during.add(g);
            if (c.runsOn(GuardrailConfig.POST_CALL)) post.add(g);
        }
        return new Plan(pre, during, post);
    }

    @Override
    public ChatHandler wrap(ChatHandler next) {
        return new ChatHandler() {
            @Override
            public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest original) {
                ChatRequest request = original;
                Plan p;
                try {
                    p = plan(ctx, request);
                } catch (GatewayException e) {
                    return Future.failedFuture(e);
                }
                request = Requested.stripped(request);
                if (p.empty()) return next.chat(ctx, request);
                Map<String, String> header = Map.of(APPLIED_HEADER, p.applied());
                return pre(ctx, request, p.pre)
                        .compose(req -> during(ctx, req, p.during, next.chat(ctx, req), a -> Future.succeededFuture(Billed.of(a.body())))
                                .compose(a -> post(ctx, req, p.post, a.body(), called(a))
                                        .map(checked -> new Answer<>(checked, a.deployment(), a.route(), a.cache(), a.tier(), a.headers()))))
                        .map(a -> a.withHeaders(header))
                        .recover(t -> Future.failedFuture(withHeader(t, header)));
            }

            @Override
            public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest original) {
                ChatRequest request = original;
                Plan p;
                try {
                    p = plan(ctx, request);
                } catch (GatewayException e) {
                    return Future.failedFuture(e);
                }
                request = Requested.stripped(request);
                if (p.empty()) return next.stream(ctx, request);
                Map<String, String> header = Map.of(APPLIED_HEADER, p.applied());
                return pre(ctx, request, p.pre)
                        .compose(req -> during(ctx, req, p.during, next.stream(ctx, req), a -> BlockedStream.drain(vertx, a.body()))
                                .compose(a -> p.post.isEmpty() ? Future.succeededFuture(a) : StreamCollector.collect(a.body())
                                        .compose(whole -> post(ctx, req, p.post, whole, called(a)))
                                        .map(checked -> new Answer<ChatStream>(new StreamReplay(checked), a.deployment(), a.route(),
                                                a.cache(), a.tier(), a.headers()))))
                        .map(a -> a.withHeaders(header))
                        .recover(t -> Future.failedFuture(withHeader(t, header)));
            }
        };
    }

    private static Throwable withHeader(Throwable t, Map<String, String> header) {
        if (!(t instanceof GatewayException g) || g.block() == null) return t;
        Map<String, String> h = new java.util.LinkedHashMap<>(g.headers());
        h.putAll(header);
        return g.withHeaders(h);
    }

    /** pre_call guardrails in order, each seeing the request the one before let through. */
    private static Future<ChatRequest> pre(CallContext ctx, ChatRequest request, List<Guardrail> pre) {
        Future<ChatRequest> f = Future.succeededFuture(request);
        for (Guardrail g : pre) {
            f = f.compose(r -> g.input(ctx, r, GuardrailConfig.PRE_CALL)
                    .recover(t -> Future.failedFuture(marked(t, g, GuardrailConfig.PRE_CALL, null, Billed.UNKNOWN))));
        }
        return f;
    }

    /**
     * The provider call with the during_call guardrails beside it: both finish before anything goes on. A guardrail's
     * block wins over the call's answer, which is discarded once {@code billed} has said what it cost (a stream is read
     * and cancelled); a failed call fails as it would have.
     */
    private static <T> Future<Answer<T>> during(CallContext ctx, ChatRequest request, List<Guardrail> during,
                                                Future<Answer<T>> call, Function<Answer<T>, Future<Billed>> billed) {
        if (during.isEmpty()) return call;
        List<Future<ChatRequest>> checks = new ArrayList<>();
        for (Guardrail g : during) checks.add(g.input(ctx, request, GuardrailConfig.DURING_CALL));
        List<Future<?>> all = new ArrayList<>(checks);
        all.add(call);
        return Future.join(all).transform(ignored -> {
            for (int i = 0; i < checks.size(); i++) {
                Future<ChatRequest> c = checks.get(i);
                if (c.failed()) {
                    Throwable cause = c.cause();
                    Guardrail g = during.get(i);
                    if (call.failed()) return Future.failedFuture(marked(cause, g, GuardrailConfig.DURING_CALL, null, Billed.UNKNOWN));
                    Answer<T> a = call.result();
                    return billed.apply(a).transform(b -> Future.failedFuture(marked(cause, g, GuardrailConfig.DURING_CALL,
                            called(a), b.succeeded() ? b.result() : Billed.UNKNOWN)));
                }
            }
            return call;
        });
    }

    /**
     * The deployment a block's call paid, or null when none was paid: an answer the response cache served (its
     * usage is the stored call's, which the provider billed once, then) is recorded at 0, as a pre_call block is.
     */
    private static String called(Answer<?> a) {
        return a.cache() != null && a.cache().startsWith("hit") ? null : a.deployment();
    }

    /**
     * post_call guardrails in order on the answer, each seeing the answer the one before let through.
     *
     * @param deployment the deployment paid for the answer ({@link #called}), or null
     */
    private static Future<ChatResponse> post(CallContext ctx, ChatRequest request, List<Guardrail> post, ChatResponse answer,
                                             String deployment) {
        Future<ChatResponse> f = Future.succeededFuture(answer);
        for (Guardrail g : post) {
            f = f.compose(a -> g.output(ctx, request, a)
                    .recover(t -> Future.failedFuture(marked(t, g, GuardrailConfig.POST_CALL, deployment, Billed.of(answer)))));
        }
        return f;
    }

    /** A block gets its mode and the call that was made, with what it cost (for the ledger); other failures pass unchanged. */
    private static Throwable marked(Throwable t, Guardrail g, String mode, String deployment, Billed billed) {
        if (t instanceof GatewayException e && e.block() != null) {
            return e.blockedBy(new GuardrailBlock(g.name(), mode, deployment, billed.usage(), billed.outputChars()));
        }
        return t;
    }
}
