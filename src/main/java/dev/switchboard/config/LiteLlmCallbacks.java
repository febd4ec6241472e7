package dev.switchboard.config;

import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * LiteLLM's logging callbacks ({@code litellm_settings.callbacks}, {@code success_callback}, {@code failure_callback}),
 * name by name: {@code otel} is applied (tracing over OTLP to the endpoint the standard {@code OTEL_EXPORTER_OTLP_*}
 * variables name, which is how LiteLLM's docs set it up), every other name is one warning that says what to use
 * instead. Here rather than in {@link LiteLlmKeys}, whose states are per key: these keys are applied or not by the names
 * they list. A logging callback is never an error: a config copied from LiteLLM loads, it just logs less than it asked
 * for. A callback that checks what goes in or comes out ({@link #CHECKS}: prompt injection, secrets, PII, moderation) is
 * refused, as the old {@code litellm_settings.guardrails} are: ignored, requests would reach providers unchecked.
 */
public final class LiteLlmCallbacks {
    /** The keys whose lists name callbacks; any of them naming {@value #OTEL} turns tracing on. */
    static final List<String> KEYS = List.of("callbacks", "success_callback", "failure_callback");
    static final String OTEL = "otel";

    private static final String OTLP = "general_settings.otel (endpoint, headers), or callbacks: [otel] with "
            + "OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_HEADERS";
    private static final String STORED = "every call is in the store already: GET /spend/logs (include_log=true for the "
            + "request log's prompt and completion) and GET /logs read it";
    /** What to use instead of the callbacks LiteLLM configs name most, by LiteLLM's name. */
    private static final Map<String, String> INSTEAD = Map.ofEntries(
            Map.entry("prometheus", "GET /metrics serves Prometheus metrics without it"),
            Map.entry("langfuse", "send traces to Langfuse's OTLP endpoint (README, \"Langfuse recipe\"): " + OTLP),
            Map.entry("langfuse_otel", "send traces to Langfuse's OTLP endpoint (README, \"Langfuse recipe\"): " + OTLP),
            Map.entry("datadog", "Datadog takes OTLP through its Agent: point " + OTLP + " at the Agent's OTLP/HTTP port (4318)"),
            Map.entry("datadog_llm_observability", "Datadog takes OTLP through its Agent: point " + OTLP
                    + " at the Agent's OTLP/HTTP port (4318)"),
            Map.entry("s3", STORED), Map.entry("s3_v2", STORED), Map.entry("gcs_bucket", STORED),
            Map.entry("azure_storage", STORED), Map.entry("dynamodb", STORED), Map.entry("sqs", STORED),
            Map.entry("slack", "budget alerts go to Slack with general_settings.alerting: [\"slack\"] and SLACK_WEBHOOK_URL "
                    + "(README, \"Budget alerts\"); alert on the rest from GET /metrics (switchboard_attempt_errors_total)"));

    private static final String GUARDRAILS = "the top-level guardrails: section (README, \"Guardrails\")";
    private static final String CONTENT = "a guardrail that checks content in " + GUARDRAILS + ": guardrail: bedrock (content "
            + "filters, denied topics, prompt attacks, PII) or lakera_v2, with default_on: true";
    /**
     * LiteLLM's callbacks that check requests or answers (its enterprise hooks, initialised from callbacks: by name), what
     * each does, and what Switchboard has in its place.
     */
    static final Map<String, String> CHECKS = Map.ofEntries(
            Map.entry("lakera_prompt_injection", "Lakera's prompt-injection check. Fix: guardrail: lakera_v2 with mode: pre_call "
                    + "and default_on: true in " + GUARDRAILS),
            Map.entry("aporia_prompt_injection", "Aporia's prompt-injection check. Fix: guardrail: aporia with default_on: true in "
                    + GUARDRAILS),
            Map.entry("detect_prompt_injection", "LiteLLM's prompt-injection detection. Fix: " + CONTENT),
            Map.entry("hide_secrets", "secret detection and masking before a prompt leaves. Fix: " + CONTENT
                    + " (it blocks rather than masks)"),
            Map.entry("presidio", "PII masking with Presidio. Fix: " + CONTENT + " (it blocks rather than masks)"),
            Map.entry("llamaguard_moderations", "moderation by Llama Guard. Fix: " + CONTENT),
            Map.entry("llmguard_moderations", "moderation by LLM Guard. Fix: " + CONTENT),
            Map.entry("openai_moderations", "moderation by OpenAI's moderation endpoint. Fix: " + CONTENT),
            Map.entry("google_text_moderation", "moderation by Google's text moderation. Fix: " + CONTENT),
            Map.entry("azure_content_safety", "Azure Content Safety's checks. Fix: " + CONTENT),
            Map.entry("banned_keywords", "refusal of prompts with banned keywords. Fix: " + CONTENT + " (denied words)"),
            Map.entry("blocked_user_check", "refusal of blocked end users. Fix: block them with POST /customer/block (README, "
                    + "\"End users (customers)\"), which every request's user is checked against"));

    private LiteLlmCallbacks() {}

    /** Checks one of {@link #KEYS}: a list of names, each other than {@value #OTEL} warned with what to use instead. */
    static void check(YamlWalker w, String path, Node value) {
        if (!(value instanceof SequenceNode list)) {
            w.warn(value, path, "not applied: LiteLLM takes a list of callback names here. Fix: e.g. " + path.substring(path.indexOf('.') + 1)
                    + ": [otel] for traces over OTLP.");
            return;
        }
        for (Node entry : list.getValue()) {
            String name = entry instanceof ScalarNode s ? s.getValue() : null;
            if (OTEL.equals(name)) continue;
            if (name != null && CHECKS.containsKey(name)) {
                w.error(entry, path, "not supported: callback '" + name + "' is a request check, not a logger, and Switchboard "
                        + "does not run it; requests would reach providers unchecked. It is " + CHECKS.get(name) + ".");
                continue;
            }
            w.warn(entry, path, "not supported, ignored: callback '" + (name == null ? "(not a name)" : name) + "'. " + instead(name) + ".");
        }
    }

    private static String instead(String name) {
        if (name != null && INSTEAD.containsKey(name)) return "Instead: " + INSTEAD.get(name);
        if (name != null && name.contains(".")) {
            return "Switchboard runs no Python callbacks; its traces go out over OTLP: " + OTLP;
        }
        return "Switchboard sends traces over OTLP, which most tracing backends take: " + OTLP;
    }

    /**
     * Whether any of the keys lists {@value #OTEL} ({@code litellm_settings} as plain values). Tracing is then on, to
     * the endpoint of {@code general_settings.otel} or else of the {@code OTEL_*} variables; failure_callback alone turns
     * on the same tracing of every call (a trace cannot be kept only once the call has failed).
     */
    public static boolean otel(Map<String, Object> litellmSettings) {
        for (String k : KEYS) {
            if (litellmSettings.get(k) instanceof List<?> l && l.contains(OTEL)) return true;
        }
        return false;
    }
}
