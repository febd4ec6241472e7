package dev.switchboard.route;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Tool;
import java.util.List;

/**
 * What routing needs to know about one request, computed at most once and only when asked: the hash of its
 * cacheable prefix (affinity), an estimate of its prompt tokens (tpm limits, the auto tier), and, with the pre-call
 * checks on, which deployments' context windows take it ({@link ContextCheck}).
 */
final class RequestFacts {
    private final ChatRequest chat;
    private final EmbeddingRequest embedding;
    private long prefix = -1;
    private long tokens = -1;
    /** Tag routing and the request's tags, or null when it is off. */
    private TagRouting tagRouting;
    private List<String> tags = List.of();
    /** The client's User-Agent, when tag routing has patterns to match it with (else null). */
    private String userAgent;
    /** The group whose eligible members are cached below (a request meets one group, or a few along its fallbacks). */
    private ModelGroup taggedGroup;
    private List<DeploymentState> eligible;

    /** The pre-call context check, or null when it is off (and always for embeddings). */
    private ContextCheck context;
    private long promptTokens = -1;

    private RequestFacts(ChatRequest chat, EmbeddingRequest embedding) {
        this.chat = chat;
        this.embedding = embedding;
    }

    static RequestFacts of(ChatRequest r) { return new RequestFacts(r, null); }

    static RequestFacts of(EmbeddingRequest r) { return new RequestFacts(null, r); }

    /** Turns the pre-call context check on for this request (a chat request; null leaves it off). */
    RequestFacts checkingContext(ContextCheck check) {
        if (chat != null) this.context = check;
        return this;
    }

    /** Turns tag routing on for this request, with the call's tags and its client's User-Agent (null routing leaves it off). */
    RequestFacts tagged(TagRouting routing, List<String> callTags, String userAgent) {
        this.tagRouting = routing;
        this.tags = callTags;
        this.userAgent = userAgent;
        return this;
    }

    /**
     * Whether member {@code m} of {@code group} may serve this request at all: its tags (tag routing) and its context
     * window (the pre-call check). Every place that looks at a group's members for this request asks this one.
     */
    boolean mayServe(ModelGroup group, DeploymentState m) {
        return fitsContext(m) && fitsTags(group, m);
    }

    /** Whether member {@code m} of {@code group} may serve the request's tags (always, with tag routing off). */
    boolean fitsTags(ModelGroup group, DeploymentState m) {
        return tagRouting == null || eligible(group).contains(m);
    }

    /** Tag routing's failure for a group none of whose deployments may serve the request's tags; null otherwise. */
    GatewayException tagRefusal(ModelGroup group) {
        if (tagRouting == null || !eligible(group).isEmpty()) return null;
        return TagRouting.noneTagged(group, tags, userAgent);
    }

    private List<DeploymentState> eligible(ModelGroup group) {
        if (taggedGroup != group) {
            eligible = tagRouting.eligible(group, tags, userAgent);
            taggedGroup = group;
        }
        return eligible;
    }

    /** Whether deployment {@code m} may be called: its context window takes the prompt, or it is unknown, or no check. */
    boolean fitsContext(DeploymentState m) {
        if (context == null) return true;
        int window = context.window(m);
        if (window <= 0) return true;
        if (bound < 0) bound = context.upperBound(chat); // linear, no tokenizer: nearly every prompt fits by it
        return bound <= window || promptTokens() <= window;
    }

    /**
     * The check's failure for a group none of whose deployments (those the request's tags allow) takes the prompt; null
     * when one may be called.
     */
    GatewayException contextRefusal(ModelGroup group) {
        if (context == null) return null;
        int largest = 0;
        for (DeploymentState m : group.members) {
            if (!fitsTags(group, m)) continue;
            if (fitsContext(m)) return null;
            largest = Math.max(largest, context.window(m));
        }
        return ContextCheck.tooLong(group.alias, promptTokens(), largest);
    }

    /** The prompt's tokens as the check counts them (once a request, and only when the bound does not settle it). */
    private long promptTokens() {
        if (promptTokens < 0) promptTokens = context.tokens(chat);
        return promptTokens;
    }

    private long bound = -1;

    /** {@link PrefixHash#NONE} when the request has no cacheable prefix (embeddings never have one). */
    long prefixHash() {
        if (prefix < 0) prefix = chat == null ? PrefixHash.NONE : Math.abs(PrefixHash.of(chat));
        return prefix;
    }

    /**
     * Prompt tokens, estimated at four characters a token (the average of OpenAI's and Anthropic's tokenizers
     * on English text; code and other languages differ, and a tokenizer per provider is not worth its cost here).
     */
    long estimatedTokens() {
        if (tokens < 0) tokens = chat != null ? estimate(chat) : (embedding.input().toString().length() + 3) / 4;
        return tokens;
    }

    private static long estimate(ChatRequest r) {
        long chars = 0;
        for (Message m : r.messages()) {
            chars += 16; // role and framing
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Text t) chars += t.text().length();
                else chars += 340; // an image at low detail is ~85 tokens
            }
            for (var c : m.toolCalls()) chars += c.name().length() + (c.arguments() == null ? 0 : c.arguments().length());
        }
        for (Tool t : r.tools()) {
            chars += t.name().length() + (t.description() == null ? 0 : t.description().length())
                    + (t.parameters() == null ? 0 : t.parameters().toString().length());
        }
        return (chars + 3) / 4;
    }
}
