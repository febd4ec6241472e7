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
}
