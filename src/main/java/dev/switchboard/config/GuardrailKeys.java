package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The key-table rows of LiteLLM's top-level {@code guardrails:} list (its docs' "Guardrails - Quick Start"
 * specification and each supported integration's config model), kept apart from {@link LiteLlmKeys} so the
 * guardrail reader and the general table change independently; {@link LiteLlmKeys} lists these rows too.
 */
final class GuardrailKeys {
    /** Sections: the keys of one list entry, and the keys of its {@code litellm_params}. */
    static final String ENTRY = "guardrails", PARAMS = "guardrails.litellm_params";

    /** Keys LiteLLM reads as booleans that change what a block does: refused only when true. */
    static final Set<String> REFUSED_WHEN_TRUE = Set.of("mask_request_content", "mask_response_content", "disable_exception_on_block");

    static final List<KeyRule> RULES = new ArrayList<>();

    static {
        a(ENTRY, "guardrail_name", "the name requests (guardrails, metadata.guardrails) and keys select the guardrail by");
        a(ENTRY, "litellm_params", "the guardrail's settings (below)");
        w(ENTRY, "guardrail_info", "informational in LiteLLM (GET /guardrails/list); not served");
        w(ENTRY, "guardrail_id", "LiteLLM's database id; guardrails come only from the config file");

        a(PARAMS, "guardrail", "tool_permission, bedrock, aporia, lakera_v2, litellm_content_filter; any other kind (custom module.Class included) is refused naming it");
        a(PARAMS, "mode", "pre_call, during_call, post_call, or a list of them; logging_only and tag-based modes are refused");
        a(PARAMS, "default_on", "runs on every request without being asked for");
        a(PARAMS, "api_key", "aporia's X-APORIA-API-KEY, lakera_v2's bearer key (default LAKERA_API_KEY), a Bedrock API key (bearer)");
        a(PARAMS, "api_base", "aporia's base (POST {api_base}/validate), lakera_v2's (default https://api.lakera.ai, or LAKERA_API_BASE)");
        a(PARAMS, "timeout", "Switchboard's: seconds a remote guardrail may take (default 30), then the request fails (fail closed)");
        a(PARAMS, "rules default_action on_disallowed_action", "tool_permission: ordered allow/deny rules by tool name/type regex "
                + "(allowed_param_patterns too), the decision when none matches (default deny), block or rewrite");
        a(PARAMS, "guardrailIdentifier guardrailVersion", "bedrock: the guardrail ApplyGuardrail is called for");
        a(PARAMS, "aws_region_name aws_access_key_id aws_secret_access_key aws_session_token aws_profile_name aws_bedrock_runtime_endpoint",
                "bedrock: region, credentials and endpoint, read as a bedrock/ deployment reads them");
        r(PARAMS, "aws_role_name aws_session_name aws_web_identity_token aws_sts_endpoint",
                "role assumption through STS is not supported for guardrails; the guardrail could not sign in. Fix: give keys or a profile");
        r(PARAMS, "mask_request_content mask_response_content", "true is refused: Bedrock's masking (ANONYMIZED) is not applied, "
                + "Switchboard blocks what the guardrail would mask; false (the default) is accepted");
        r(PARAMS, "disable_exception_on_block", "true is refused: a block always answers with LiteLLM's error, never a normal "
                + "answer holding the guardrail's text; false (the default) is accepted");
        a(PARAMS, "project_id payload breakdown metadata dev_info on_flagged", "lakera_v2: sent to /v2/guard as LiteLLM sends them; "
                + "on_flagged block (default) or monitor");
        a(PARAMS, "patterns blocked_words pattern_redaction_format keyword_redaction_tag", "litellm_content_filter: prebuilt or regex "
                + "patterns and keywords, each BLOCK or MASK, and the redaction tags (default [{pattern_name}_REDACTED], [KEYWORD_REDACTED])");
        r(PARAMS, "categories category_file", "litellm_content_filter's harmful-content categories (LiteLLM's shipped word lists) are "
                + "not in Switchboard. Fix: list the words under blocked_words");
        r(PARAMS, "blocked_words_file", "litellm_content_filter's keyword file is not read by Switchboard. Fix: list the words under "
                + "blocked_words (an include: file can hold the guardrail)");
        r(PARAMS, "image_model", "litellm_content_filter's image descriptions are not made by Switchboard; images pass unchecked");
        w(PARAMS, "violation_message_template", "custom violation messages are not supported; LiteLLM's default message is used");
        r(PARAMS, "category_thresholds", "Lakera's v1 API (guardrail: lakera) is not supported. Fix: use guardrail: lakera_v2");
        w(PARAMS, "guard_name experimental_use_latest_role_message_only default_on_for_models",
                "not supported for the guardrails Switchboard has");
    }

    private GuardrailKeys() {}

    private static void add(String section, String keys, KeyState s, String note) {
        for (String k : keys.split(" ")) RULES.add(new KeyRule(section, k, s, note));
    }

    private static void a(String section, String keys, String note) { add(section, keys, KeyState.APPLIED, note); }

    private static void w(String section, String keys, String note) { add(section, keys, KeyState.WARNED, note); }

    private static void r(String section, String keys, String note) { add(section, keys, KeyState.REFUSED, note); }
}
