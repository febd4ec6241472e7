package dev.switchboard.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.account.PromptTokens;
import dev.switchboard.account.SpendLedger;
import dev.switchboard.account.ToolTokens;
import dev.switchboard.govern.Admission;
import dev.switchboard.govern.Governor;
import dev.switchboard.govern.WorstCase;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.route.ModelRouter;
import dev.switchboard.route.Target;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the spend stage needs to govern a call before it and account for it after: the governor, the deployments'
 * prices, the tokenizer, the router's view of where a request may go, and the ledger. {@link #begin} admits a chat
 * request (or throws the refusal) and returns the {@link MeteredCall} that settles it.
 */
final class Metering {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Governor governor;
    final DeploymentPrices prices;
    final PromptTokens tokens;
    final ModelRouter router;
    final SpendLedger ledger;
    /** Told of every row after the ledger (the observer: metrics, request log, trace). */
    private final RowObserver observer;
    /** Keys out of the row's client-named columns (end user, tags), as out of the request log and traces. */
    final dev.switchboard.observe.SecretScrubber scrubber;

    /**
     * Whether a pre_call guardrail may rewrite a request before the router (guard.Guardrails#preCallRuns): then its worst
     * case keeps the fallbacks that would refuse it as it arrives. Set once at assembly; none by default.
     */
    private java.util.function.BiPredicate<CallContext, ChatRequest> rewrittenBeforeRouting = (ctx, r) -> false;

    void rewrittenBeforeRouting(java.util.function.BiPredicate<CallContext, ChatRequest> p) { this.rewrittenBeforeRouting = p; }

    /** Told of each ledger row once it is queued. */
    interface RowObserver {
        /** @param queued the queued row, which the request log's part of the same request may join */
        void observe(CallContext ctx, dev.switchboard.account.SpendRecord r, dev.switchboard.store.JoinableRow queued);
    }

    Metering(Governor governor, DeploymentPrices prices, PromptTokens tokens, ModelRouter router, SpendLedger ledger) {
        this(governor, prices, tokens, router, ledger, (ctx, r, queued) -> {}, dev.switchboard.observe.SecretScrubber.NONE);
    }

    Metering(Governor governor, DeploymentPrices prices, PromptTokens tokens, ModelRouter router, SpendLedger ledger,
             RowObserver observer, dev.switchboard.observe.SecretScrubber scrubber) {
        this.scrubber = scrubber;
        this.governor = governor;
        this.prices = prices;
        this.tokens = tokens;
        this.router = router;
        this.ledger = ledger;
        this.observer = observer;
    }

    /** A row to the ledger (queued), then to the observer (which finds its call through the context). */
    void record(CallContext ctx, dev.switchboard.account.SpendRecord r) {
        dev.switchboard.store.JoinableRow queued = ledger.record(r);
        if (router != null) router.spendCaps().spent(r.deployment(), r.costNanos(), r.endedAt()); // budget routing (nothing when none is set)
        try {
            observer.observe(ctx, r, queued);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger("switchboard.observe").error("request {}: the observer failed", r.requestId(), e);
        }
    }

    /**
     * A client's call to a model no deployment here serves: the router's 404 model_not_found, asked before {@link #begin}
     * (whose allowlist would say 403 "may not use"). Not asked by health checks, which call configured entries by name.
     */
    void requireServed(CallContext ctx, String model) {
        router.requireServed(ctx, model);
    }

    /** @throws dev.switchboard.model.GatewayException the refusal, in the caller's dialect */
    MeteredCall begin(CallContext ctx, ChatRequest request, String callType) {
        RequestWorstCase worst = new RequestWorstCase(request, router, ctx, prices, tokens, rewrittenBeforeRouting);
        // the worst case is also the tpm estimate and the prompt estimate: no lambda of its own for either a request
        String endUser = dev.switchboard.model.EndUserOf.resolve(ctx, request.user(), request.metadata(), request.extra());
        Admission admission = governor.admit(ctx.caller(), endUser, requestedAliases(request.model(), request.extra()), worst, worst,
                request.stream() || "stream".equals(callType));
        try {
            if (admission.team() != null) ctx.attach(dev.switchboard.model.CallContext.TEAM, admission.team());
            return new MeteredCall(this, ctx, request.model(), endUser, tags(ctx, request), callType, admission,
                    worst, worst.offered);
        } catch (RuntimeException | Error e) {
            admission.release(); // admitted but never made: its place, reservations and permits back
            throw e;
        }
    }

    /** Embeddings: the worst case is the input (bounded by its UTF-8 bytes, or its token count) at the input price. */
    MeteredCall beginEmbedding(CallContext ctx, dev.switchboard.model.EmbeddingRequest request) {
        return beginEmbedding(ctx, request, "embedding");
    }

    /** @param callType the ledger's call_type ({@code embedding}; {@code health_check} for a health check's) */
    MeteredCall beginEmbedding(CallContext ctx, dev.switchboard.model.EmbeddingRequest request, String callType) {
        int inputBound = embeddingInputBound(request.input());
        // the targets are found only if a budget asks (a regex per wildcard allowlist entry per fallback otherwise)
        WorstCase worst = new EmbeddingWorstCase(() -> router.reachable(ctx, request.model(), request.extra(), true), prices, inputBound);
        String endUser = dev.switchboard.model.EndUserOf.resolve(ctx, request.user(), request.metadata(), request.extra());
        Admission admission = governor.admit(ctx.caller(), endUser, requestedAliases(request.model(), request.extra()), worst, () -> inputBound);
        try {
            if (admission.team() != null) ctx.attach(dev.switchboard.model.CallContext.TEAM, admission.team());
            // an answer without usage (Gemini's embeddings report no count) is priced at the input's o200k count, the
            // gateway's estimate for a prompt, not at the byte bound above (up to four times the tokens)
            return new MeteredCall(this, ctx, request.model(), endUser, dev.switchboard.model.CallTags.of(ctx, request.metadata(), request.extra()), callType, admission,
                    provider -> embeddingEstimate(request.input()));
        } catch (RuntimeException | Error e) {
            admission.release(); // admitted but never made: its place, reservations and permits back
            throw e;
        }
    }

    /** The input's tokens as the gateway estimates a prompt (o200k), token arrays by their length; counted on demand. */
    private int embeddingEstimate(JsonNode input) {
        long n = 0;
        if (input == null) return 0;
        if (input.isTextual()) n = tokens.count(input.textValue());
        else if (input.isArray()) {
            for (JsonNode e : input) n += e.isTextual() ? tokens.count(e.textValue()) : e.isArray() ? e.size() : 1;
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** Tokens an embeddings input can be at most: UTF-8 bytes of its text, or the length of its token arrays. */
    static int embeddingInputBound(JsonNode input) {
        long n = 0;
        if (input == null) return 0;
        if (input.isTextual()) n = utf8Length(input.textValue());
        else if (input.isArray()) {
            for (JsonNode e : input) {
                if (e.isTextual()) n += utf8Length(e.textValue());
                else if (e.isArray()) n += e.size();
                else n += 1;
            }
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c)) { n += 4; i++; }
            else n += 3;
        }
        return n;
    }

    /** The request's {@code model} and its {@code models} array: every alias the caller asked for by name. */
    static List<String> requestedAliases(String model, Map<String, JsonNode> extra) {
        JsonNode models = extra.get("models");
        JsonNode fallbacks = extra.get("fallbacks");
        boolean more = models != null && models.isArray() || fallbacks != null && fallbacks.isArray();
        if (!more) return List.of(model);
        List<String> out = new ArrayList<>();
        out.add(model);
        if (models != null && models.isArray()) models.forEach(m -> { if (m.isTextual()) out.add(m.textValue()); });
        // the request's own fallbacks are the caller's choice, as its models array is: the same 403 when one is not
        // allowed (LiteLLM's "1a. If token can call fallback models"); configured fallbacks are still passed over. Both
        // forms of an entry: LiteLLM's {"model": …} got past the 403 when only names were read (review, 2026-12-07)
        if (fallbacks != null && fallbacks.isArray()) fallbacks.forEach(m -> {
            String name = ChatRequest.fallbackName(m);
            if (name != null && !out.contains(name)) out.add(name);
        });
        return out;
    }

    /**
     * What a chat request reserves of a tpm limit up front, settled to the real usage afterwards: its prompt ({@link
     * #roughTokens}) plus, when it sets an output limit ({@code max_tokens}, {@code max_completion_tokens}, the Responses
     * API's {@code max_output_tokens}, Anthropic's {@code max_tokens}), that limit for each of its {@code n} answers, the
     * same output the budget's worst case reserves ({@link RequestWorstCase#choices}). Without one, the prompt only: the
     * model's largest output (tens of thousands of tokens) would refuse agents, which often send no limit, under any
     * ordinary tpm; their output is counted when they settle.
     */
    static long tpmReservation(ChatRequest r) {
        Integer output = r.outputTokenLimit();
        long prompt = roughTokens(r);
        return output == null ? prompt : prompt + (long) output * RequestWorstCase.choices(r);
    }

    /**
     * A quick token estimate of the prompt, for the tpm limit: its text at four characters a token plus the framing the
     * chat format adds whatever the text ({@link PromptTokens#PER_MESSAGE} a message, {@link PromptTokens#REPLY_PRIMING}),
     * plus the tool definitions by OpenAI's formula ({@link ToolTokens}: name, description, each parameter's name, type,
     * description and enum values, with their framing) at four characters a token. Without the framing a burst of short
     * prompts ("hi": 1 token by its text, ~10 by OpenAI's count) reserved a tenth of what it used: QA saw 40 calls on a
     * 300 tpm key use 319 tokens. With tools counted by name and description only, the cookbook's weather tool and two
     * messages reserved 63 of the 101 tokens OpenAI counts (now 119), and an agent's tens of tools with rich schemas,
     * thousands of tokens a call, let the tpm limit overshoot. No tokenizer, and the tool count is arithmetic on lengths
     * (nothing built, nothing allocated once warm): a limit is checked on every call of its key.
     */
    static long roughTokens(ChatRequest r) {
        long chars = 0;
        long framing = PromptTokens.REPLY_PRIMING;
        for (var m : r.messages()) {
            framing += PromptTokens.PER_MESSAGE;
            for (var p : m.content()) if (p instanceof dev.switchboard.model.ContentPart.Text t) chars += t.text().length();
            for (var call : m.toolCalls()) chars += length(call.name()) + length(call.arguments());
        }
        return chars / 4 + framing + ToolTokens.estimate(r.tools());
    }

    private static int length(String s) { return s == null ? 0 : s.length(); }

    /** The call's tags ({@link dev.switchboard.model.CallTags}). */
    static List<String> tags(CallContext ctx, ChatRequest request) {
        return dev.switchboard.model.CallTags.of(ctx, request.metadata(), request.extra());
    }

    /** USD for a header or body: plain decimal, no exponent, at most 9 decimals. */
    static String usd(long nanos) {
        return dev.switchboard.model.PlainDecimal.ofNanos(nanos);
    }
}
