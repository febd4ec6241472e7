package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LiteLLM's guardrails: list as LiteLLM's registry reads it: kinds, modes per kind, keys applied, warned or refused. */
class GuardrailConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("APORIA_KEY", "ap-key-0123456789")::get);

    private GatewayConfig load(String guardrails) {
        return loader.parse("""
                model_list:
                  - model_name: m
                    litellm_params: {model: mock/m}
                guardrails:
                """ + guardrails);
    }

    private String refusal(String guardrails) {
        try {
            load(guardrails);
        } catch (ConfigException e) {
            return String.join("\n", e.problems());
        }
        throw new AssertionError("the config loaded");
    }

    @Test
    void aModeIsOneHookOrAListAndDefaultOnIsOptional() {
        GatewayConfig c = load("""
                  - guardrail_name: a
                    litellm_params: {guardrail: aporia, mode: [during_call, post_call], api_key: os.environ/APORIA_KEY, api_base: http://x, default_on: yes}
                  - guardrail_name: b
                    litellm_params: {guardrail: bedrock, mode: pre_call, guardrailIdentifier: ff6ujrregl1q, guardrailVersion: "DRAFT"}
                """);
        GuardrailConfig a = c.guardrails().get(0);
        assertThat(a.modes()).containsExactly("during_call", "post_call");
        assertThat(a.defaultOn()).isTrue();
        assertThat(a.apiKey().reveal()).isEqualTo("ap-key-0123456789");
        assertThat(a.line()).isEqualTo(5);
        GuardrailConfig b = c.guardrails().get(1);
        assertThat(b.defaultOn()).isFalse();
        assertThat(b.params()).containsEntry("guardrailIdentifier", "ff6ujrregl1q").containsEntry("guardrailVersion", "DRAFT");
        assertThat(b.timeout()).isEqualTo(GuardrailConfig.DEFAULT_TIMEOUT);
    }

    @Test
    void aKindOrModeSwitchboardLacksIsRefusedWithTheReason() {
        assertThat(refusal("""
                  - guardrail_name: x
                    litellm_params: {guardrail: presidio, mode: pre_call}
                """)).contains("line 6").contains("not supported: the guardrail kind 'presidio'");
        assertThat(refusal("""
                  - guardrail_name: x
                    litellm_params: {guardrail: my_module.MyGuard, mode: pre_call}
                """)).contains("not supported").contains("custom guardrail class");
        assertThat(refusal("""
                  - guardrail_name: x
                    litellm_params: {guardrail: aporia, mode: pre_call, api_key: k, api_base: http://x}
                """)).contains("a aporia guardrail does not run pre_call");
        assertThat(refusal("""
                  - guardrail_name: x
                    litellm_params: {guardrail: bedrock, mode: logging_only, guardrailIdentifier: i, guardrailVersion: "1"}
                """)).contains("not supported: logging_only");
        assertThat(refusal("""
                  - guardrail_name: x
                    litellm_params: {guardrail: bedrock, mode: {tags: {"User-Agent: claude-cli": logging_only}, default: pre_call}, guardrailIdentifier: i, guardrailVersion: "1"}
                """)).contains("tag-based modes");
        assertThat(refusal("""
                  - guardrail_name: x
                    litellm_params: {guardrail: lakera, mode: pre_call}
                """)).contains("use guardrail: lakera_v2");
    }

    @Test
    void keysAreAppliedWarnedOrRefusedByName() {
        GatewayConfig c = load("""
                  - guardrail_name: t
                    litellm_params:
                      guardrail: tool_permission
                      mode: post_call
                      violation_message_template: "no {tool_name}"
                      guardrailVersion: "1"
                      mask_request_content: false
                    guardrail_info: {params: []}
                """);
        assertThat(c.warnings()).anyMatch(w -> w.contains("violation_message_template") && w.contains("not supported"))
                .anyMatch(w -> w.contains("guardrailVersion") && w.contains("another kind"))
                .anyMatch(w -> w.contains("guardrail_info"));
        assertThat(refusal("""
                  - guardrail_name: b
                    litellm_params: {guardrail: bedrock, mode: pre_call, guardrailIdentifier: i, guardrailVersion: "1", mask_request_content: true}
                """)).contains("mask_request_content").contains("not supported");
        assertThat(refusal("""
                  - guardrail_name: b
                    litellm_params: {guardrail: bedrock, mode: pre_call, guardrailIdentifier: i, guardrailVersion: "1", aws_role_name: r}
                """)).contains("aws_role_name").contains("not supported");
    }

    @Test
    void toolPermissionRulesAreCheckedAtStartAsLiteLlmChecksThem() {
        String problems = refusal("""
                  - guardrail_name: t
                    litellm_params:
                      guardrail: tool_permission
                      mode: post_call
                      rules:
                        - {id: a, decision: allow}
                        - {id: b, tool_name: "([", decision: allow}
                        - {id: c, tool_name: x, decision: maybe}
                      default_action: sometimes
                """);
        assertThat(problems).contains("rules[0]: each rule must specify at least a tool_name or tool_type regex")
                .contains("rules[1].tool_name: '([' is not a valid regular expression")
                .contains("rules[2].decision: expected allow or deny, found 'maybe'")
                .contains("default_action: expected allow or deny, found 'sometimes'");
    }

    @Test
    void namesAreUniqueAndRequired() {
        assertThat(refusal("""
                  - guardrail_name: g
                    litellm_params: {guardrail: tool_permission, mode: pre_call}
                  - guardrail_name: g
                    litellm_params: {guardrail: tool_permission, mode: post_call}
                """)).contains("'g' is already the name of another guardrail");
        assertThat(refusal("""
                  - litellm_params: {guardrail: tool_permission, mode: pre_call}
                """)).contains("guardrail_name: missing");
    }

    @Test
    void policiesAreRefusedAndOldStyleGuardrailsToo() {
        assertThatThrownBy(() -> loader.parse("""
                model_list:
                  - model_name: m
                    litellm_params: {model: mock/m}
                policies: {p: {guardrails: {add: [a]}}}
                litellm_settings:
                  guardrails: [{prompt_injection: {callbacks: [lakera_prompt_injection], default_on: true}}]
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .anyMatch(p -> p.contains("policies: not supported"))
                .anyMatch(p -> p.contains("litellm_settings.guardrails: not supported")));
        assertThat(List.of()).isEmpty();
    }

    @Test
    void litellmsContentFilterIsReadAndItsMistakesAreRefusedAtStart() {
        GatewayConfig c = load("""
                  - guardrail_name: pii
                    litellm_params:
                      guardrail: litellm_content_filter
                      mode: [pre_call, post_call]
                      patterns:
                        - {pattern_type: prebuilt, pattern_name: us_ssn, action: BLOCK}
                        - {pattern_type: regex, pattern: 'EMP-\\d{4}', name: employee_id, action: MASK}
                      blocked_words:
                        - {keyword: confidential, action: BLOCK, description: internal}
                """);
        GuardrailConfig g = c.guardrails().get(0);
        assertThat(g.kind()).isEqualTo("litellm_content_filter");
        assertThat(g.modes()).containsExactly("pre_call", "post_call");
        assertThat(g.params()).containsKeys("patterns", "blocked_words");

        String bad = refusal("""
                  - guardrail_name: pii
                    litellm_params:
                      guardrail: litellm_content_filter
                      mode: during_call
                  - guardrail_name: pii2
                    litellm_params:
                      guardrail: litellm_content_filter
                      mode: pre_call
                      pattern_redaction_format: "[REDACTED]"
                      categories: [{category: harmful_violence, enabled: true, action: BLOCK}]
                      patterns:
                        - {pattern_type: prebuilt, pattern_name: passport_mars, action: BLOCK}
                        - {pattern_type: regex, pattern: '(unclosed', name: x, action: MASK}
                        - {pattern_type: regex, pattern: 'x', action: REDACT}
                """);
        assertThat(bad).contains("does not run during_call in Switchboard")
                .contains("must contain {pattern_name}")
                .contains("categories").contains("Fix: list the words under blocked_words")
                .contains("no prebuilt pattern 'passport_mars'").contains("us_ssn, us_ssn_no_dash, email")
                .contains("'(unclosed' is not a valid regular expression")
                .doesNotContain("name: missing") // a regex without a name is LiteLLM's custom_regex
                .contains("expected BLOCK or MASK, found 'REDACT'");
        assertThat(refusal("""
                  - guardrail_name: empty
                    litellm_params: {guardrail: litellm_content_filter, mode: pre_call}
                """)).contains("checks nothing");
    }
}
