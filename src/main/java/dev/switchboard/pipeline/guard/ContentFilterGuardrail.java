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
 * Keywords match case-insensitively anywhere in the text, {@code *} standing for one character or none, as LiteLLM's do.
 */
final class ContentFilterGuardrail implements Guardrail {
    /** Fields of a raw body (Anthropic, Responses) whose text is the prompt: masked there as in the canonical messages. */
    private static final Set<String> RAW_ROOTS = Set.of("messages", "system", "input", "instructions");
    private static final Set<String> RAW_TEXT = Set.of("text", "content");

    private record Rule(String name, Pattern pattern, boolean block, String tag, String description, boolean keyword) {}

    private final GuardrailConfig config;
    private final List<Rule> rules = new ArrayList<>();

    ContentFilterGuardrail(GuardrailConfig config) {
        this.config = config;
        String format = config.params().get("pattern_redaction_format") instanceof String f ? f : "[{pattern_name}_REDACTED]";
        String keywordTag = config.params().get("keyword_redaction_tag") instanceof String t ? t : "[KEYWORD_REDACTED]";
        if (config.params().get("patterns") instanceof List<?> patterns) {
            for (Object o : patterns) {
                Map<?, ?> p = (Map<?, ?>) o;
                boolean prebuilt = "prebuilt".equals(p.get("pattern_type"));
                String name = String.valueOf(prebuilt ? p.get("pattern_name") : p.get("name"));
                Pattern re = prebuilt ? ContentFilterPatterns.prebuilt(name) : Pattern.compile(String.valueOf(p.get("pattern")).strip());
                rules.add(new Rule(name, re, isBlock(p), format.replace("{pattern_name}", name.toUpperCase(Locale.ROOT)), null, false));
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
                        d == null ? null : d.toString(), true));
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
    String filter(String text) {
        if (text == null || text.isEmpty()) return text;
        String out = text;
        for (Rule r : rules) {
            Matcher m = r.pattern.matcher(out);
            if (!m.find()) continue;
            if (r.block) throw blocked(r);
            out = m.replaceAll(Matcher.quoteReplacement(r.tag));
        }
        return out;
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
                ObjectNode copy = body.deepCopy();
                boolean rawChanged = false;
                for (String root : RAW_ROOTS) {
                    JsonNode v = copy.get(root);
                    if (v == null) continue;
                    if (v.isTextual()) {
                        String f = filter(v.asText());
                        if (!f.equals(v.asText())) {
                            copy.put(root, f);
                            rawChanged = true;
                        }
                    } else rawChanged |= walk(v);
                }
                if (rawChanged) {
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

    /** Masks the text fields ({@code text}, a string {@code content}) of a raw body's prompt, in place; true when any changed. */
    private boolean walk(JsonNode n) {
        boolean changed = false;
        if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isTextual()) {
                    String f = filter(a.get(i).asText());
                    if (!f.equals(a.get(i).asText())) {
                        a.set(i, TextNode.valueOf(f));
                        changed = true;
                    }
                } else changed |= walk(a.get(i));
            }
        } else if (n instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                JsonNode v = e.getValue();
                if (v.isTextual()) {
                    if (!RAW_TEXT.contains(e.getKey())) continue;
                    String f = filter(v.asText());
                    if (!f.equals(v.asText())) {
                        e.setValue(TextNode.valueOf(f));
                        changed = true;
                    }
                } else changed |= walk(v);
            }
        }
        return changed;
    }

    /** The message with its text parts filtered; the same instance when nothing was masked. */
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
            }
            parts.add(p);
        }
        if (!changed) return m;
        return new Message(m.role(), parts, m.name(), m.toolCalls(), m.toolCallId(), m.reasoning(), m.refusal(), m.extra());
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
