package dev.switchboard.pipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.model.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LiteLLM's content filter, text by text: case, default names, and a regex that backtracks never holding the thread. */
class ContentFilterGuardrailTest {
    private static ContentFilterGuardrail guard(String params) {
        GuardrailConfig c = new ConfigLoader(name -> null).parse("""
                model_list:
                  - model_name: m
                    litellm_params: {model: mock/m}
                guardrails:
                  - guardrail_name: cf
                    litellm_params:
                      guardrail: litellm_content_filter
                      mode: pre_call
                """ + params.indent(6)).guardrails().get(0);
        return new ContentFilterGuardrail(c);
    }

    /** "a.a.a…": LiteLLM's email regex tries a start at every character (12 s on 40k characters). */
    private static String adversarial(int chars) { return "a.".repeat(chars / 2); }

    @Test
    @Timeout(10) // generous: the bound is "not a hang", not a throughput figure
    void theEmailPatternIsLinearOnItsAdversarialInputWithAndWithoutAnAt() {
        ContentFilterGuardrail g = guard("""
                patterns:
                  - {pattern_type: prebuilt, pattern_name: email, action: MASK}
                """);
        String text = adversarial(40_000);
        assertThat(g.filter(text, 5_000)).isSameAs(text); // no '@': not searched at all
        String withAt = text + "@";
        assertThat(g.filter(withAt, 5_000)).isSameAs(withAt); // '@' with no domain: one start, linear
        String both = "x " + adversarial(40_000) + " mail ann@example.com";
        assertThat(g.filter(both, 5_000)).endsWith("mail [EMAIL_REDACTED]");
        // the same addresses as LiteLLM's \b start
        assertThat(g.filter("to: Bob.Smith+x@Mail.Example.ORG, cc <c@d.io>.")).isEqualTo("to: [EMAIL_REDACTED], cc <[EMAIL_REDACTED]>.");
    }

    @Test
    @Timeout(10)
    void aRegexThatBacktracksPastTheTimeLimitRefusesTheCallInsteadOfHanging() {
        ContentFilterGuardrail g = guard("""
                patterns:
                  - {pattern_type: regex, pattern: '\\w*\\w*\\w*\\w*\\w*x', name: runaway, action: MASK}
                """);
        // some 200^5 ways to split: minutes without the limit (Java's matcher memoizes the nested (\w+\s?)+$, which
        // hangs Python's re, but not a chain of stars)
        String text = "a".repeat(200);
        assertThatThrownBy(() -> g.filter(text)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.getMessage()).contains("Content blocked: the content filter timed out (pattern 'runaway' took over 50 ms")
                    .contains("\"pattern\":\"runaway\"");
        });
    }

    @Test
    void patternsMatchCaseInsensitivelyAsLiteLlmCompilesThemAndAnUnnamedRegexIsCustomRegex() {
        ContentFilterGuardrail g = guard("""
                patterns:
                  - {pattern_type: regex, pattern: 'project-\\d{6}', action: MASK}
                  - {pattern_type: prebuilt, pattern_name: aws_access_key, action: MASK}
                  - {pattern_type: prebuilt, pattern_name: passport_france, action: MASK}
                """);
        assertThat(g.filter("PROJECT-123456 and akiaabcdefghijklmnop and 12ab34567"))
                .isEqualTo("[CUSTOM_REGEX_REDACTED] and [AWS_ACCESS_KEY_REDACTED] and [PASSPORT_FRANCE_REDACTED]");
    }

    @Test
    void ipv6IsPrebuilt() {
        ContentFilterGuardrail g = guard("""
                patterns:
                  - {pattern_type: prebuilt, pattern_name: ipv6, action: BLOCK}
                """);
        assertThat(g.filter("the time is 12:30:45")).isEqualTo("the time is 12:30:45");
        assertThatThrownBy(() -> g.filter("host 2001:db8::8a2e:370:7334 is up")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("ipv6 pattern detected");
    }

    // ---- the cross-merge review (fortieth session) ----

    private static final String EMAIL_MASK = """
            patterns:
              - {pattern_type: prebuilt, pattern_name: email, action: MASK}
            """;

    private static com.fasterxml.jackson.databind.node.ObjectNode json(String s) {
        try {
            return (com.fasterxml.jackson.databind.node.ObjectNode) dev.switchboard.provider.Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An assistant answer of {@code text} whose extra holds the gateway's cited text blocks, as Bedrock's decoder sets them. */
    private static dev.switchboard.model.ChatResponse cited(String text, String blocks) {
        com.fasterxml.jackson.databind.node.ObjectNode extra = json("{}");
        extra.set(dev.switchboard.model.CitedText.FIELD, dev.switchboard.model.CitedText.of(
                (com.fasterxml.jackson.databind.node.ArrayNode) json("{\"b\":" + blocks + "}").get("b")));
        dev.switchboard.model.Message m = new dev.switchboard.model.Message(dev.switchboard.model.Role.ASSISTANT,
                java.util.List.of(dev.switchboard.model.ContentPart.Text.of(text)), null, null, null, null, null, extra);
        return new dev.switchboard.model.ChatResponse("id", 1, "m", java.util.List.of(new dev.switchboard.model.Choice(0, m,
                dev.switchboard.model.FinishReason.STOP, null, null)), null, null, null);
    }

    /**
     * post_call MASK on a cited answer: the cited text blocks (an unmasked copy of the answer, written to an OpenAI client
     * as a message field and replayed from a stream) are masked too, citations' cited_text included; before, only the
     * text part was.
     */
    @Test
    void aCitedAnswersBlocksAreMaskedWithItsText() {
        ContentFilterGuardrail g = guard(EMAIL_MASK);
        var answer = cited("Write to bob@example.com. The sky is blue.", """
                [{"type":"text","text":"Write to bob@example.com."},
                 {"type":"text","text":" The sky is blue.","citations":[{"type":"char_location","cited_text":"Mail bob@example.com.","document_index":0}]}]""");
        var out = g.output(null, null, answer).result().choices().get(0).message();
        assertThat(out.textContent()).isEqualTo("Write to [EMAIL_REDACTED]. The sky is blue.");
        var blocks = out.extra().get(dev.switchboard.model.CitedText.FIELD);
        assertThat(blocks).isInstanceOf(dev.switchboard.model.CitedText.Blocks.class);
        assertThat(blocks.toString()).doesNotContain("bob@").contains("Write to [EMAIL_REDACTED].")
                .contains("\"cited_text\":\"Mail [EMAIL_REDACTED].\"");
        // still the Anthropic edge's blocks: they join to the masked text
        assertThat(dev.switchboard.model.CitedText.blocks(out, out.textContent())).hasSize(2);
        // the answer given was not changed in place
        assertThat(answer.choices().get(0).message().extra().toString()).contains("bob@example.com");
    }

    /** A match across two blocks (no block holds it whole): the blocks no longer join to the masked text and are dropped. */
    @Test
    void citedBlocksThatNoLongerJoinToTheMaskedTextAreDropped() {
        ContentFilterGuardrail g = guard(EMAIL_MASK);
        var answer = cited("mail bob@example.com now", """
                [{"type":"text","text":"mail bob@exa"},{"type":"text","text":"mple.com now","citations":[]}]""");
        var out = g.output(null, null, answer).result().choices().get(0).message();
        assertThat(out.textContent()).isEqualTo("mail [EMAIL_REDACTED] now");
        assertThat(out.extra() == null ? null : out.extra().get(dev.switchboard.model.CitedText.FIELD)).isNull();
        // an answer with nothing to mask is the same instance
        var clean = cited("The sky is blue.", "[{\"type\":\"text\",\"text\":\"The sky is blue.\"}]");
        assertThat(g.output(null, null, clean).result()).isSameAs(clean);
    }

    /**
     * A tool's search_result (kept as the client wrote it, ContentPart.Other) is masked in the canonical request too, so a
     * host whose request is rebuilt from it (Claude on Vertex AI, on Bedrock) never gets the address; before, only text
     * parts were, and the raw body (an Anthropic deployment's) alone was masked.
     */
    @Test
    void aToolsSearchResultIsMaskedInTheCanonicalRequest() {
        ContentFilterGuardrail g = guard(EMAIL_MASK);
        var request = new dev.switchboard.edge.anthropic.AnthropicRequestDecoder().messages(io.vertx.core.buffer.Buffer.buffer("""
                {"model":"m","max_tokens":10,"messages":[
                 {"role":"user","content":"Look it up."},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"search","input":{"q":"x"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[
                   {"type":"search_result","source":"https://example.com/a","title":"Staff","content":[{"type":"text","text":"Ask ann@example.com."}]}]}]}]}"""),
                java.util.Map.of());
        var masked = g.input(null, request, "pre_call").result();
        var parts = masked.messages().stream().flatMap(m -> m.content().stream())
                .filter(p -> p instanceof dev.switchboard.model.ContentPart.Other o && o.type().equals("search_result")).toList();
        assertThat(parts).hasSize(1);
        var raw = ((dev.switchboard.model.ContentPart.Other) parts.get(0)).raw();
        assertThat(raw.toString()).doesNotContain("ann@").contains("Ask [EMAIL_REDACTED].").contains("https://example.com/a");
        // the client's block (the raw body's) is not changed in place; the raw body is masked on its own
        assertThat(request.raw().body().toString()).contains("ann@example.com");
        assertThat(masked.raw().body().toString()).doesNotContain("ann@");
    }

    /** A time-out is said in the log (WARN, the guardrail and the pattern, never the text), at most once a minute. */
    @Test
    @Timeout(10)
    void aTimeOutIsWarnedNamingTheGuardrailAndPatternOnceAMinute() {
        ContentFilterGuardrail g = guard("""
                patterns:
                  - {pattern_type: regex, pattern: '\\w*\\w*\\w*\\w*\\w*x', name: runaway, action: MASK}
                """);
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ContentFilterGuardrail.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            String text = "secretword" + "a".repeat(200);
            for (int i = 0; i < 3; i++) assertThatThrownBy(() -> g.filter(text, 5)).isInstanceOf(GatewayException.class);
            assertThat(seen.list).hasSize(1);
            var e = seen.list.get(0);
            assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(e.getFormattedMessage()).contains("guardrail cf").contains("pattern 'runaway'").doesNotContain("secretword");
        } finally {
            log.detachAppender(seen);
        }
    }
}
