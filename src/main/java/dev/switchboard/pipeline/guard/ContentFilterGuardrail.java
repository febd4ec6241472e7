package dev.switchboard.pipeline.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.config.ContentFilterPatterns;
import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.CitedText;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.GuardrailBlock;
import dev.switchboard.model.Message;
import dev.switchboard.model.RawJson;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LiteLLM's built-in content filter ({@code guardrail: litellm_content_filter}), in process: its regex patterns (prebuilt
 * or the config's) and blocked keywords over every text of the request (pre_call) or of the answer (post_call), in
 * LiteLLM's order (patterns, then keywords). A BLOCK match refuses the call with LiteLLM's 403 and detail
 * ({@code {"error": "Content blocked: us_ssn pattern detected", "pattern": "us_ssn"}}, or the keyword's with its
 * description); a MASK match replaces every match with its redaction tag ({@code [EMAIL_REDACTED]},
 * {@code [KEYWORD_REDACTED]}) in the canonical messages and in a raw same-dialect body, so no provider receives it.
 * Patterns match case-insensitively, prebuilt or the config's, as LiteLLM compiles them ({@code re.IGNORECASE}).
 * Keywords match case-insensitively anywhere in the text, {@code *} standing for one character or none; the rest of a
 * keyword is literal ({@link Pattern#quote}): a {@code .} or {@code (} in it is that character, never a regex.
 * Every rule together has {@link #TIMEOUT_MILLIS} on one text (the matcher reads it through a deadline check): past it
 * the call is refused with the same 403, naming the pattern and the time-out, so a backtracking regex never holds the
 * event loop and an unchecked text never goes on. In a raw body only the prompt's texts are read, and the body is copied
 * only when one is masked; a tool call's arguments ({@code tool_use.input}, {@code function_call.arguments}) are left.
 */
final class ContentFilterGuardrail implements Guardrail {
    /** Fields of a raw body (Anthropic, Responses) whose text is the prompt: masked there as in the canonical messages. */
    private static final List<String> RAW_ROOTS = List.of("messages", "system", "input", "instructions");
    /**
     * Text fields inside them: a block's {@code text}, a string {@code content} (a message's, a {@code tool_result}'s),
     * a Responses {@code function_call_output}'s {@code output}.
     */
    private static final Set<String> RAW_TEXT = Set.of("text", "content", "output");
    /** Items that are a tool call's arguments, left as written (tool arguments are not checked, as in the messages). */
    private static final Set<String> RAW_SKIP = Set.of("tool_use", "server_tool_use", "function_call", "custom_tool_call", "mcp_call");
    /** The time every rule together may take on one text before the call is refused (a regex that backtracks). */
    static final long TIMEOUT_MILLIS = 50;
    /** A time-out's WARN line: at most one a minute per guardrail, with the count of those not said since. */
    static final long WARN_EVERY_NANOS = 60_000_000_000L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContentFilterGuardrail.class);

    private record Rule(String name, Pattern pattern, boolean block, String tag, String description, boolean keyword, char required) {}

    private final GuardrailConfig config;
    private final List<Rule> rules = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong lastWarned = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE / 2);
    private final java.util.concurrent.atomic.AtomicInteger unsaid = new java.util.concurrent.atomic.AtomicInteger();

    ContentFilterGuardrail(GuardrailConfig config) {
        this.config = config;
        String format = config.params().get("pattern_redaction_format") instanceof String f ? f : "[{pattern_name}_REDACTED]";
        String keywordTag = config.params().get("keyword_redaction_tag") instanceof String t ? t : "[KEYWORD_REDACTED]";
        if (config.params().get("patterns") instanceof List<?> patterns) {
            for (Object o : patterns) {
                Map<?, ?> p = (Map<?, ?>) o;
                boolean prebuilt = "prebuilt".equals(p.get("pattern_type"));
                // LiteLLM names a regex pattern without a name "custom_regex"
                String name = String.valueOf(prebuilt ? p.get("pattern_name") : p.get("name") == null ? "custom_regex" : p.get("name"));
                Pattern re = prebuilt ? ContentFilterPatterns.prebuilt(name)
                        : Pattern.compile(String.valueOf(p.get("pattern")).strip(), ContentFilterPatterns.FLAGS);
                rules.add(new Rule(name, re, isBlock(p), format.replace("{pattern_name}", name.toUpperCase(Locale.ROOT)), null, false,
                        prebuilt ? ContentFilterPatterns.required(name) : 0));
            }
        }
        if (config.params().get("blocked_words") instanceof List<?> words) {
            for (Object o : words) {
                Map<?, ?> b = (Map<?, ?>) o;
                String kw = String.valueOf(b.get("keyword")).toLowerCase(Locale.ROOT);
                StringBuilder re = new StringBuilder();
                String[] parts = kw.split("\\*", -1);
                for (int i = 0; i < parts.length; i++) re.append(i == 0 ? "" : ".?").append(parts[i].isEmpty() ? "" : Pattern.quote(parts[i]));
                Object d = b.get("description");
                rules.add(new Rule(kw, Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), isBlock(b), keywordTag,
                        d == null ? null : d.toString(), true, (char) 0));
            }
        }
    }

    private static boolean isBlock(Map<?, ?> m) { return "BLOCK".equalsIgnoreCase(String.valueOf(m.get("action"))); }

    @Override
    public GuardrailConfig config() { return config; }

    /**
     * One text through every rule: a BLOCK match throws the block, MASK matches are replaced. Returns the same instance
     * when nothing was masked.
     */
    String filter(String text) { return filter(text, TIMEOUT_MILLIS); }

    /**
     * As {@link #filter(String)}, every rule together given {@code millis} on the text: a regex that backtracks past it
     * (a user's {@code (\\w+\\s?)+$}) refuses the call, as a block would, rather than hold the event loop.
     */
    String filter(String text, long millis) {
        if (text == null || text.isEmpty()) return text;
        String out = text;
        long deadline = System.nanoTime() + millis * 1_000_000;
        for (Rule r : rules) {
            if (r.required != 0 && out.indexOf(r.required) < 0) continue;
            try {
                Matcher m = r.pattern.matcher(new Timed(out, deadline));
                if (!m.find()) continue;
                if (r.block) throw blocked(r);
                out = m.replaceAll(Matcher.quoteReplacement(r.tag));
            } catch (TimedOut e) {
                throw timedOut(r, millis);
            }
        }
        return out;
    }

    /** Thrown by {@link Timed} past its deadline. */
    private static final class TimedOut extends RuntimeException {
        TimedOut() { super(null, null, false, false); }
    }

    /** A text that ends the match reading it ({@link TimedOut}) once its deadline has passed: checked every 1024 reads. */
    private static final class Timed implements CharSequence {
        private final String s;
        private final long deadline;
        private int reads;

        Timed(String s, long deadline) {
            this.s = s;
            this.deadline = deadline;
        }

        @Override
        public char charAt(int i) {
            if ((++reads & 1023) == 0 && System.nanoTime() - deadline > 0) throw new TimedOut();
            return s.charAt(i);
        }

        @Override
        public int length() { return s.length(); }

        @Override
        public CharSequence subSequence(int start, int end) { return s.substring(start, end); }

        @Override
        public String toString() { return s; }
    }

    /** Fails closed: the text was not checked, so it does not go on. LiteLLM's 403 shape, naming the pattern. */
    private GatewayException timedOut(Rule r, long millis) {
        warnTimedOut(r, millis);
        ObjectNode d = Blocks.JSON.createObjectNode();
        d.put("error", "Content blocked: the content filter timed out (" + (r.keyword ? "keyword '" : "pattern '") + r.name
                + "' took over " + millis + " ms on one text), so the text was not let through");
        d.put(r.keyword ? "keyword" : "pattern", r.name);
        return new GatewayException(ErrorKind.PERMISSION, 403, d.toString(), null, "403", null, null)
                .blockedBy(new GuardrailBlock(name(), null, null, null));
    }

    /**
     * The operator's line for a time-out (the client got its 403, the log had nothing: a pattern that backtracks went
     * unnoticed): a WARN naming the guardrail and the pattern, never the text, visible at {@code LITELLM_LOG=WARNING};
     * at most one a minute per guardrail, saying how many more there were since the last.
     */
    private void warnTimedOut(Rule r, long millis) {
        long now = System.nanoTime();
        long last = lastWarned.get();
        if (now - last < WARN_EVERY_NANOS || !lastWarned.compareAndSet(last, now)) {
            unsaid.incrementAndGet();
            return;
        }
        int more = unsaid.getAndSet(0);
        LOG.warn("guardrail {}: the content filter timed out ({} '{}' took over {} ms on one text): the call was refused "
                        + "with 403. Fix: simplify the pattern (nested or chained repeats backtrack){}", name(),
                r.keyword ? "keyword" : "pattern", r.name, millis,
                more == 0 ? "" : "; " + more + " more time-out(s) since the last line");
    }

    private GatewayException blocked(Rule r) {
        ObjectNode d = Blocks.JSON.createObjectNode();
        if (r.keyword) {
            d.put("error", "Content blocked: keyword '" + r.name + "' detected" + (r.description == null ? "" : " (" + r.description + ")"));
            d.put("keyword", r.name);
            d.put("description", r.description);
        } else {
            d.put("error", "Content blocked: " + r.name + " pattern detected");
            d.put("pattern", r.name);
        }
        // LiteLLM's content filter raises HTTPException(403, detail) (its other guardrails answer 400)
        return new GatewayException(ErrorKind.PERMISSION, 403, d.toString(), null, "403", null, null)
                .blockedBy(new GuardrailBlock(name(), null, null, null));
    }

    @Override
    public Future<ChatRequest> input(CallContext ctx, ChatRequest request, String mode) {
        try {
            List<Message> messages = new ArrayList<>(request.messages().size());
            boolean changed = false;
            for (Message m : request.messages()) {
                Message nm = masked(m);
                changed |= nm != m;
                messages.add(nm);
            }
            RawJson raw = request.raw();
            if (raw != null && raw.body() instanceof ObjectNode body) {
                ObjectNode copy = null; // made only when a text is masked: a request with nothing to mask is not copied
                for (String root : RAW_ROOTS) {
                    JsonNode v = body.get(root);
                    if (v == null) continue;
                    JsonNode m = mask(v);
                    if (m == v) continue;
                    if (copy == null) copy = body.objectNode().setAll(body);
                    copy.set(root, m);
                }
                if (copy != null) {
                    raw = new RawJson(raw.dialect(), copy, raw.headers());
                    changed = true;
                }
            }
            if (!changed) return Future.succeededFuture(request);
            ChatRequest r = request;
            return Future.succeededFuture(new ChatRequest(r.model(), messages, r.tools(), r.toolChoice(), r.parallelToolCalls(),
                    r.responseFormat(), r.temperature(), r.topP(), r.maxTokens(), r.maxCompletionTokens(), r.stop(), r.seed(), r.user(),
                    r.metadata(), r.stream(), r.includeUsage(), r.extra(), raw));
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
    }

    /**
     * A raw body's prompt with its text fields ({@link #RAW_TEXT}, a string in an array) masked, copying only the path
     * to what changed; the same instance when nothing was masked. A tool call's arguments ({@link #RAW_SKIP}) are left.
     */
    private JsonNode mask(JsonNode n) {
        if (n.isTextual()) {
            String f = filter(n.asText());
            return f.equals(n.asText()) ? n : TextNode.valueOf(f);
        }
        if (n instanceof ArrayNode a) {
            ArrayNode copy = null;
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                JsonNode m = mask(v);
                if (m == v) continue;
                if (copy == null) copy = a.arrayNode(a.size()).addAll(a);
                copy.set(i, m);
            }
            return copy == null ? n : copy;
        }
        if (n instanceof ObjectNode o) {
            if (RAW_SKIP.contains(o.path("type").asText())) return n;
            ObjectNode copy = null;
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                JsonNode v = e.getValue();
                if (v.isTextual() && !RAW_TEXT.contains(e.getKey())) continue;
                JsonNode m = mask(v);
                if (m == v) continue;
                if (copy == null) copy = o.objectNode().setAll(o);
                copy.set(e.getKey(), m);
            }
            return copy == null ? n : copy;
        }
        return n;
    }

    /**
     * The message with its text parts filtered, and the text inside its parts kept as written ({@link ContentPart.Other}:
     * a tool's {@code search_result}, a block of a type not translated) masked as in a raw body, so a host whose request is
     * rebuilt from the canonical one (Claude on Vertex AI or Bedrock) gets them masked too; an answer's cited text blocks
     * ({@link CitedText#FIELD}, Bedrock's citations) masked with it. The same instance when nothing was masked.
     */
    private Message masked(Message m) {
        List<ContentPart> parts = new ArrayList<>(m.content().size());
        boolean changed = false;
        for (ContentPart p : m.content()) {
            if (p instanceof ContentPart.Text t) {
                String f = filter(t.text());
                if (!f.equals(t.text())) {
                    parts.add(new ContentPart.Text(f, t.cacheControl(), t.extra()));
                    changed = true;
                    continue;
                }
            } else if (p instanceof ContentPart.Other o && o.raw() != null) {
                JsonNode f = mask(o.raw());
                if (f != o.raw()) {
                    parts.add(new ContentPart.Other(o.type(), (ObjectNode) f, o.param()));
                    changed = true;
                    continue;
                }
            }
            parts.add(p);
        }
        ObjectNode extra = m.extra();
        if (extra != null && extra.get(CitedText.FIELD) instanceof CitedText.Blocks blocks) {
            CitedText.Blocks cited = maskedBlocks(blocks);
            if (cited != blocks || changed) {
                // kept only when the masked blocks still join to the masked text; else (a match across two blocks, a
                // text masked where no block was) dropped: the joined text alone is what the client gets, never an
                // unmasked copy beside it
                StringBuilder text = new StringBuilder();
                for (ContentPart p : parts) if (p instanceof ContentPart.Text t) text.append(t.text());
                StringBuilder joined = new StringBuilder();
                for (JsonNode b : cited) joined.append(b.path("text").asText(""));
                boolean joins = joined.toString().contentEquals(text);
                if (cited != blocks || !joins) {
                    extra = extra.deepCopy();
                    if (joins) extra.set(CitedText.FIELD, cited);
                    else extra.remove(CitedText.FIELD);
                    changed = true;
                }
            }
        }
        if (!changed) return m;
        return new Message(m.role(), parts, m.name(), m.toolCalls(), m.toolCallId(), m.reasoning(), m.refusal(), extra);
    }

    /**
     * Cited text blocks with each block's {@code text} and each citation's {@code cited_text} (the quoted source, which
     * may hold what the answer's text had masked) filtered; the same instance when nothing was masked.
     */
    private CitedText.Blocks maskedBlocks(CitedText.Blocks blocks) {
        CitedText.Blocks out = null;
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = blocks.get(i);
            JsonNode nb = b;
            if (b instanceof ObjectNode o) {
                ObjectNode copy = null;
                if (o.get("text") instanceof TextNode t) {
                    String f = filter(t.textValue());
                    if (!f.equals(t.textValue())) (copy = o.deepCopy()).put("text", f);
                }
                if (o.get("citations") instanceof ArrayNode cs) {
                    for (int c = 0; c < cs.size(); c++) {
                        if (!(cs.get(c) instanceof ObjectNode co) || !(co.get("cited_text") instanceof TextNode ct)) continue;
                        String f = filter(ct.textValue());
                        if (f.equals(ct.textValue())) continue;
                        if (copy == null) copy = o.deepCopy();
                        ((ObjectNode) copy.get("citations").get(c)).put("cited_text", f);
                    }
                }
                if (copy != null) nb = copy;
            }
            if (nb == b) continue;
            if (out == null) {
                out = new CitedText.Blocks();
                for (JsonNode x : blocks) out.add(x);
            }
            out.set(i, nb);
        }
        return out == null ? blocks : out;
    }

    @Override
    public Future<ChatResponse> output(CallContext ctx, ChatRequest request, ChatResponse answer) {
        try {
            List<Choice> out = new ArrayList<>(answer.choices().size());
            boolean changed = false;
            for (Choice c : answer.choices()) {
                Message nm = c.message() == null ? null : masked(c.message());
                if (nm != c.message()) {
                    changed = true;
                    out.add(new Choice(c.index(), nm, c.finishReason(), c.logprobs(), c.stopSequence(), c.extra()));
                } else out.add(c);
            }
            return Future.succeededFuture(changed ? answer.withChoices(out, null) : answer);
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
    }
}
