package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The one table of every key LiteLLM documents for {@code litellm_params}, {@code model_info},
 * {@code router_settings}, {@code litellm_settings} and {@code general_settings} (its docs' proxy/config_settings,
 * completion/input and router reference pages), plus Switchboard's own keys, each with its {@link KeyState}.
 * The loader warns or refuses from it, the README's key table lists it (a test holds the two together), and
 * {@code check --explain} names it. Adding a key is one line here.
 */
public final class LiteLlmKeys {
    public static final String PARAMS = "litellm_params", INFO = "model_info", ROUTER = "router_settings",
            LITELLM = "litellm_settings", GENERAL = "general_settings", JWT = "general_settings.litellm_jwtauth";

    private static final List<KeyRule> RULES = new ArrayList<>();

    /** Request parameters a deployment may set: defaults a request's own value overrides (LiteLLM merges them so). */
    public static final List<String> REQUEST_DEFAULTS = List.of("temperature", "top_p", "seed", "stop",
            "max_completion_tokens", "presence_penalty", "frequency_penalty", "n", "logit_bias", "response_format",
            "reasoning_effort", "thinking", "top_k", "user", "logprobs", "top_logprobs", "parallel_tool_calls",
            "verbosity", "extra_body");

    /** LiteLLM's price keys, read from litellm_params (its custom-pricing docs) as from model_info. */
    public static final List<String> PRICE_KEYS = List.of("input_cost_per_token", "output_cost_per_token",
            "cache_read_input_token_cost",
            "cache_creation_input_token_cost", "output_cost_per_reasoning_token");

    static {
        // ---- litellm_params ----
        a(PARAMS, "model", "provider/model-id; without a prefix the provider is inferred (custom_llm_provider, model_info.litellm_provider, model family)");
        a(PARAMS, "api_key", "sent as the provider's key; os.environ/VAR resolved");
        a(PARAMS, "api_base base_url", "where requests go (the provider's documented base)");
        a(PARAMS, "timeout", "seconds for a non-streamed answer and to a stream's first byte, then 504; 0 is LiteLLM's \"not set\" (warned, router_settings' applies)");
        a(PARAMS, "stream_timeout", "seconds between streamed events (default: timeout); 0 is LiteLLM's \"not set\" (warned)");
        a(PARAMS, "max_tokens", "output limit when the request sets none");
        a(PARAMS, "extra_headers headers", "headers sent upstream");
        a(PARAMS, "rpm tpm weight order", "used by the router (limits, weighted shuffle, order)");
        a(PARAMS, "max_parallel_requests", "the most calls this deployment serves at once (a stream until it ends); more wait in line for a slot (see Routing, \"Parallel limits\")");
        a(PARAMS, "cooldown_time", "how long this deployment cools down, over router_settings.cooldown_time (model_info.cooldown_time wins)");
        a(PARAMS, "max_retries", "retries of this deployment itself on a transient failure (429, 5xx, timeout), as LiteLLM's per-deployment OpenAI client makes them, before the router's num_retries and fallbacks (default 0)");
        a(PARAMS, "organization", "OpenAI-Organization header on openai/ deployments; warned on others");
        a(PARAMS, "custom_llm_provider", "the provider of a model without a prefix");
        a(PARAMS, "custom_user_agent", "the User-Agent header sent upstream (extra_headers' User-Agent wins)");
        for (String k : REQUEST_DEFAULTS) a(PARAMS, k, "a default of every request to this deployment; the request's own value wins");
        for (String k : PRICE_KEYS) a(PARAMS, k, "the deployment's price (cost, budgets, cost routing); wins over model_info");
        w(PARAMS, "input_cost_per_second output_cost_per_second", "per-second prices are not supported; the deployment is priced per token (catalog or *_cost_per_token)");
        a(PARAMS, "cache_control_injection_points", "Anthropic prompt-caching breakpoints");
        a(PARAMS, "api_version", "read by azure/ and azure_ai/ deployments; warned on others");
        a(PARAMS, "region_name aws_region_name aws_access_key_id aws_secret_access_key aws_session_token aws_role_name "
                + "aws_session_name aws_profile_name aws_bedrock_runtime_endpoint aws_web_identity_token aws_sts_endpoint "
                + "aws_s3_image_buckets",
                "read by bedrock/ deployments (role assumption through STS is refused there); warned on others");
        a(PARAMS, "vertex_project vertex_location vertex_credentials vertex_ai_project vertex_ai_location vertex_ai_credentials",
                "read by vertex_ai/ deployments; warned on others");
        a(PARAMS, "safety_settings", "gemini/ and vertex_ai/ deployments: sent as Google's safetySettings (a list of "
                + "{category, threshold}, as LiteLLM's vertex docs write it); a request's own safety_settings wins; warned on others");
        a(PARAMS, "transforms models route", "openrouter/ deployments: sent in every request's body as OpenRouter's own "
                + "fields (transforms: [\"middle-out\"], models: its fallback list, route: \"fallback\"), as LiteLLM passes them; "
                + "a request's own value (or extra_body's) wins; warned on others");
        a(PARAMS, "model_id", "bedrock/ deployments: the model id the call's path names (a provisioned-throughput or imported "
                + "model's ARN, URL-encoded, as LiteLLM sends it); the request's shape and the price stay the base model's; warned on others");
        r(PARAMS, "guardrailConfig", "Bedrock's Converse guardrailConfig is not sent; the model's answers would not be checked "
                + "by that guardrail. Fix: a top-level guardrails: entry with guardrail: bedrock (guardrailIdentifier, guardrailVersion)");
        w(PARAMS, "keep_alive", "Ollama's keep_alive is not sent; the Ollama server's own setting (OLLAMA_KEEP_ALIVE, 5m) decides "
                + "how long the model stays loaded");
        a(PARAMS, "mock_response mock_latency_ms mock_chunk_delay_ms mock_fault mock_fault_rate", "mock/ answers (Switchboard's, like LiteLLM's mock_response)");
        a(PARAMS, "cache", "Switchboard's: per-deployment response-cache opt-out");
        a(PARAMS, "drop_params", "drop the OpenAI parameters this deployment's provider has no counterpart for (seed, n, logprobs, …) instead of answering 400; the request's own drop_params wins");
        a(PARAMS, "additional_drop_params", "request fields never sent to this deployment (top-level names, e.g. [temperature])");
        a(PARAMS, "tags", "the deployment's tags for tag routing (router_settings.enable_tag_filtering; see Routing)");
        a(PARAMS, "tag_regex", "patterns matched against \"User-Agent: <the client's>\" for tag routing (see Routing)");
        a(PARAMS, "max_budget budget_duration", "the deployment's budget (US dollars per period): once spent, the router sends its alias's calls to the others, then the fallbacks, else 429 (see Routing, \"Budget routing\")");
        w(PARAMS, "use_in_pass_through use_litellm_proxy merge_reasoning_content_in_choices configurable_clientside_auth_params "
                + "input_cost_per_pixel output_cost_per_pixel litellm_trace_id mock_timeout stream", "not supported");
        w(PARAMS, "initial_prompt_value roles final_prompt_value bos_token eos_token", "prompt templates are for text-completion models; not supported");
        w(PARAMS, "tpm_limit_type rpm_limit_type", "not supported: rpm/tpm are counted per instance");
        a(PARAMS, "litellm_credential_name", "the top-level credential_list entry of that name fills api_key, api_base, api_version, … the entry does not set");
        a(PARAMS, "azure_ad_token tenant_id client_id client_secret azure_scope azure_authority_host",
                "Entra ID sign-in of azure/ deployments (a token, or client credentials through azure-identity); warned on others");
        r(PARAMS, "azure_ad_token_provider azure_username azure_password",
                "Azure sign-in by a token provider or a user's password is not supported; the deployment would have no key. "
                        + "Fix: set api_key, azure_ad_token, or tenant_id + client_id + client_secret");
        r(PARAMS, "guardrails", "guardrails are not supported; the deployment would run without them");

        // ---- model_info ----
        for (String k : PRICE_KEYS) a(INFO, k, "the deployment's price (cost, budgets, cost routing)");
        a(INFO, "cache_creation_input_token_cost_above_1hr input_cost_per_audio_token output_cost_per_audio_token "
                + "output_cost_per_image_token input_cost_per_token_above_* output_cost_per_token_above_* cache_read_input_token_cost_above_*",
                "the deployment's price");
        w(INFO, "input_cost_per_second output_cost_per_second", "per-second prices are not supported; the deployment is priced per token (catalog or *_cost_per_token)");
        a(INFO, "max_tokens max_output_tokens", "the output limit assumed for budget reservations");
        a(INFO, "max_input_tokens", "the context window of the price");
        a(INFO, "search_context_cost_per_query", "the price of one web search the provider runs (its search_context_size_medium, "
                + "or a number; an OpenAI request's search_context_size picks low, medium or high); Claude's defaults to Anthropic's "
                + "$10 a thousand, OpenAI's to LiteLLM's figures (README, Prices and cost)");
        a(INFO, "file_search_cost_per_1k_calls", "the price of a thousand file search calls OpenAI runs (default $2.50)");
        a(INFO, "code_interpreter_cost_per_session", "the price of one code interpreter container OpenAI runs (default $0.03)");
        a(INFO, "litellm_provider", "the provider of a model without a prefix");
        a(INFO, "id", "the deployment's id: a request or a fallback may name it to reach this one deployment");
        a(INFO, "base_model", "the catalog model an azure/ deployment (named by its user) is priced as");
        a(INFO, "mode health_check_model health_check_timeout health_check_max_tokens", "how GET /health checks this deployment: "
                + "mode chat (default) or embedding, the model a wildcard entry is checked with, the check's timeout (s, default 60) and output limit (default 16)");
        w(INFO, "description metadata tier team_id db_model supported_openai_params", "informational in LiteLLM (/model/info); not used");
        // LiteLLM reads capabilities from its own model catalog; Switchboard's catalog has prices only, so the config's
        // word is the one source /model_group/info can give clients that enable images or tools by it
        a(INFO, "supports_*", "what the model can do (supports_vision, supports_function_calling, …), as /model/info and "
                + "/model_group/info show it; not checked on a request");
        w(INFO, "supported_environments custom_tokenizer", "not supported: every model is served in every environment");
        a(INFO, "allowed_fails allowed_fails_policy cooldown_time", "this deployment's own allowed_fails, allowed_fails_policy "
                + "(whose kinds also cool it down on failures that would not by themselves, a 400 included) and cooldown_time, over the router's");
        a(INFO, "access_groups", "model access groups: a key whose models name a group may use its model_names (see Keys)");

        // ---- router_settings ----
        a(ROUTER, "routing_strategy", "simple-shuffle, least-busy, latency-based-routing, usage-based-routing(-v2), cost-based-routing");
        a(ROUTER, "num_retries allowed_fails cooldown_time retry_after timeout stream_timeout", "as in LiteLLM (see Retries and cooldowns)");
        a(ROUTER, "fallbacks context_window_fallbacks content_policy_fallbacks", "fallback chains per reason");
        a(ROUTER, "default_fallbacks", "fallbacks of every model_name that has none of its own");
        a(ROUTER, "disable_cooldowns", "no deployment is cooled down");
        a(ROUTER, "default_litellm_params", "litellm_params every deployment gets unless it sets its own");
        a(ROUTER, "model_group_alias", "other names of a model_name ({alias: name} or {alias: {model: name, hidden: true}})");
        a(ROUTER, "retry_backoff prompt_cache_affinity auto_router", "Switchboard's (see Routing)");
        w(ROUTER, "redis_host redis_port redis_password redis_url redis_db cache_kwargs", "router state (rpm/tpm, cooldowns) is per instance; Redis is not used for it");
        a(ROUTER, "enable_pre_call_checks", "a deployment whose context window is smaller than the prompt is not called (see Routing)");
        w(ROUTER, "optional_pre_call_checks", "LiteLLM's optional pre-call checks (prompt caching, router budgets, …) are not done");
        a(ROUTER, "enable_tag_filtering tag_filtering_match_any", "deployments chosen by the call's tags (see Routing)");
        a(ROUTER, "provider_budget_config", "a budget per provider ({openai: {budget_limit: 100, time_period: 1d}}): once spent, its deployments are passed over (see Routing, \"Budget routing\")");
        a(ROUTER, "max_fallbacks", "the most other aliases one request moves on to (its models array and the fallbacks together; default 5, as LiteLLM's)");
        a(ROUTER, "retry_policy model_group_retry_policy", "retries by kind of failure (RateLimitErrorRetries, BadRequestErrorRetries, …) in place of num_retries for that kind, for every group or one (see Routing)");
        a(ROUTER, "allowed_fails_policy", "failures allowed by kind (RateLimitErrorAllowedFails, InternalServerErrorAllowedFails, …) in place of allowed_fails for that kind, each kind counted on its own (see Routing, \"Retries and cooldowns\")");
        a(ROUTER, "default_max_parallel_requests", "the calls at once of every deployment without its own max_parallel_requests; more wait in line (see Routing, \"Parallel limits\")");
        w(ROUTER, "routing_strategy_args "
                + "default_priority polling_interval caching_groups cache_responses client_ttl "
                + "debug_level set_verbose "
                + "ignore_invalid_deployments search_tools guardrail_list deployment_affinity_ttl_seconds "
                + "router_general_settings alerting_config assistants_config", "not supported");

        // ---- litellm_settings ----
        a(LITELLM, "num_retries request_timeout allowed_fails cooldown_time fallbacks context_window_fallbacks "
                + "content_policy_fallbacks default_fallbacks", "routing keys, as under router_settings (router_settings wins)");
        a(LITELLM, "cache cache_params", "the response cache (local, redis, semantic)");
        a(LITELLM, "max_budget budget_duration", "a global budget over every key");
        a(LITELLM, "vertex_project vertex_location", "the Vertex project and location of every vertex_ai/ deployment that sets none");
        a(LITELLM, "response_retention", "Switchboard's: how long /v1/responses answers are kept");
        a(LITELLM, "drop_params", "drop_params of every deployment that sets none: parameters a provider has no counterpart for are dropped, not refused");
        w(LITELLM, "modify_params", "Switchboard fixes up what each provider requires (alternating turns, empty messages) without it");
        w(LITELLM, "set_verbose json_logs", "Switchboard logs in its own format");
        a(LITELLM, "callbacks success_callback failure_callback", "[\"otel\"] traces every call over OTLP to "
                + "OTEL_EXPORTER_OTLP_ENDPOINT / _HEADERS, as LiteLLM reads them (general_settings.otel may set the rest); "
                + "every other logging callback is warned, naming what to use instead (see Observability, \"Traces\"); a callback that "
                + "checks requests (presidio, hide_secrets, detect_prompt_injection, lakera_prompt_injection, …) is refused, "
                + "naming the guardrails: entry to write instead");
        w(LITELLM, "service_callbacks langfuse_default_tags callback_settings",
                "callbacks other than otel are not supported; traces go out over OTLP (callbacks: [otel] or general_settings.otel)");
        a(LITELLM, "turn_off_message_logging", "true: no prompt or completion is kept, in the request log or in traces "
                + "(request_log.policy off); general_settings.request_log.policy wins when set");
        w(LITELLM, "redact_messages_in_exceptions redact_user_api_key_info",
                "set general_settings.request_log.policy (off, redacted) instead");
        w(LITELLM, "force_ipv4 enable_preview_features mcp_aliases disable_end_user_cost_tracking "
                + "disable_end_user_cost_tracking_prometheus_only key_generation_settings disable_add_transform_inline_image_block "
                + "use_chat_completions_url_for_anthropic_messages disable_hf_tokenizer_download enable_json_schema_validation "
                + "enable_key_alias_format_validation disable_copilot_system_to_assistant "
                + "max_end_user_budget_id "
                + "public_teams tag_budget_config max_parallel_requests default_internal_user_params "
                + "enable_loadbalancing_on_batch_endpoints telemetry", "not supported");
        a(LITELLM, "budget_exceeded_status_code", "the HTTP status of a budget refusal (a key's, an end user's, the global one: "
                + "400, 402, 409, 422 or 429): 400 unless set (LiteLLM v1.104 answers 422 by default, earlier versions 400 or 429)");
        a(LITELLM, "max_internal_user_budget", "the budget in USD /user/new gives a user of the internal_user role (or of "
                + "none) who is given no max_budget; stored on the user, so a later change of the setting leaves them as they are");
        a(LITELLM, "internal_user_budget_duration", "how often that budget resets (with max_internal_user_budget)");
        a(LITELLM, "timezone", "the time zone budgets reset in (an IANA name: US/Eastern, Asia/Kolkata, …; UTC unless set): "
                + "1d at its midnight, 7d on Monday 00:00, 30d and 1mo on the 1st at 00:00, as LiteLLM resets them");
        a(LITELLM, "max_end_user_budget", "every end user's budget in USD (the 'user' of a request; for ever), unless their "
                + "/customer row sets their own: a call that could go over it is refused (budget_exceeded, 400 unless "
                + "budget_exceeded_status_code says otherwise)");
        a(LITELLM, "default_key_generate_params", "what /key/generate gives a key whose request leaves the field out (or sends "
                + "null, [] models, {} metadata), as LiteLLM fills them: max_budget, budget_duration, duration, models, metadata, "
                + "team_id, user_id, tpm_limit, rpm_limit, max_parallel_requests");
        a(LITELLM, "upperbound_key_generate_params", "the most /key/generate and /key/update may give a key (max_budget, "
                + "budget_duration, duration, tpm_limit, rpm_limit, max_parallel_requests): more is LiteLLM's 400 \"<field> is over "
                + "max limit set in config\"; a field left out on generate gets the bound");
        r(LITELLM, "default_team_settings", "an entry that sets models or request parameters for a team_id is refused: LiteLLM "
                + "merges them into every call of that team's keys, Switchboard does not, so the team would reach more than "
                + "configured (Fix: /team/new with models and budgets); an entry of per-team logging only (success_callback, "
                + "langfuse_*, …) is warned");
        r(LITELLM, "guardrails", "LiteLLM's old litellm_settings.guardrails (callbacks) are not supported; requests would reach "
                + "providers unchecked. Fix: write them in the top-level guardrails: list");

        // ---- general_settings ----
        a(GENERAL, "master_key", "the admin key; clients send it as Bearer; when not set, LITELLM_MASTER_KEY from the environment, as in LiteLLM");
        a(GENERAL, "database_url", "PostgreSQL (else DATABASE_URL from the environment, as in LiteLLM; else the embedded SQLite file)");
        a(GENERAL, "max_request_size_mb", "larger bodies get 413");
        w(GENERAL, "disable_error_logs", "failed calls are still kept, with their error, in the request log and the spend "
                + "ledger (LiteLLM's error logs table has no separate switch here); limit what the request log keeps with "
                + "general_settings.request_log");
        a(GENERAL, "database_path allowed_hosts cors_allowed_origins max_buffered_mb otel request_log "
                + "upstream_max_connections_per_host upstream_http2 upstream_http2_connections_per_host "
                + "upstream_http2_streams_per_connection upstream_ca_file event_loop_transport background_thread_nice check_key_models", "Switchboard's (see their sections)");
        w(GENERAL, "store_model_in_db supported_db_objects", "models come only from the config file");
        w(GENERAL, "user_header_name user_header_mappings", "not supported: the end user comes from x-litellm-customer-id, "
                + "x-litellm-end-user-id, the body's user or metadata, or a JWT claim");
        w(GENERAL, "database_connection_pool_limit database_connection_timeout allow_requests_on_db_unavailable "
                + "disable_spend_logs disable_spend_updates disable_master_key_return disable_retry_on_max_parallel_request_limit_error "
                + "disable_reset_budget disable_adding_master_key_hash_to_db disable_responses_id_security "
                + "key_management_system key_management_settings maximum_spend_logs_retention_period "
                + "maximum_spend_logs_retention_interval user_mcp_management_mode max_parallel_requests "
                + "infer_model_from_keys "
                + "use_client_credentials_pass_through_routes "
                + "public_routes enforced_params use_x_forwarded_for service_account_settings image_generation_model "
                + "embedding_model moderation_model completion_model max_response_size_mb "
                + "proxy_budget_rescheduler_min_time proxy_budget_rescheduler_max_time proxy_batch_write_at "
                + "proxy_batch_polling_interval default_team_disabled allow_user_auth user_api_key_cache_ttl "
                + "disable_prisma_schema_update litellm_key_header_name ui_access_mode litellm_license spend_report_frequency "
                + "forward_openai_org_id forward_client_headers_to_llm_api use_azure_key_vault use_google_kms "
                + "allow_client_side_credentials pass_through_endpoints", "not supported");
        a(GENERAL, "background_health_checks health_check_interval health_check_details", "model health checks: GET /health calls each deployment, or answers the background checks' last results (see Endpoints, \"Model health checks\")");
        a(GENERAL, "alerting alert_types alert_to_webhook_url", "slack and webhook alerting: budget alerts (alert_types' "
                + "budget_alerts) are posted to Slack (alerting: [\"slack\"]: a Slack message to SLACK_WEBHOOK_URL, or to "
                + "alert_to_webhook_url's budget_alerts) and to a webhook (alerting: [\"webhook\"]: LiteLLM's JSON to WEBHOOK_URL); "
                + "other channels and alert types are named in a warning as not sent (see \"Budget alerts\")");
        w(GENERAL, "alerting_threshold", "LiteLLM's slow and hanging request alerts are not sent (only budget alerts are)");
        w(GENERAL, "alerting_args", "budget alerts are told once per budget period (LiteLLM's budget_alert_ttl is not read); "
                + "the other alerts are not sent");
        a(GENERAL, "global_max_parallel_requests", "the most model calls this gateway runs at once; the next is LiteLLM's 429 (Keys, \"What a key is refused\")");
        a(GENERAL, "store_prompts_in_spend_logs", "true: the request log keeps whole prompts and completions (policy full), "
                + "false: none (off; in traces neither); general_settings.request_log.policy and turn_off_message_logging win");
        a(GENERAL, "enforce_user_param", "a model call without user (an Anthropic body's metadata.user_id, or safety_identifier) is a 400");
        a(GENERAL, "reject_clientside_metadata_tags", "a request carrying its own tags (metadata.tags, tags, the tag headers) is a 400: tags come from the key");
        a(GENERAL, "enable_jwt_auth litellm_jwtauth", "JWT auth: a bearer JWT signed by your identity provider's keys signs a caller in (see JWT auth)");
        r(GENERAL, "custom_auth custom_sso custom_key_generate enable_oauth2_auth "
                + "enable_oauth2_proxy_auth oauth2_config_mappings admin_only_routes allowed_routes",
                "custom and OAuth2 auth are not supported; clients of this config could not sign in. Fix: use the master key, virtual keys or JWT auth");
        r(GENERAL, "role_permissions", "role-based model and route permissions are not enforced; a JWT role would reach more than configured. Fix: use litellm_jwtauth.scope_mappings");

        // ---- general_settings.litellm_jwtauth (LiteLLM's LiteLLM_JWTAuth and its JWT reference docs) ----
        a(JWT, "public_key_url audience issuer", "Switchboard's, as LiteLLM's Okta example writes them: the JWKS (or .well-known/openid-configuration) URL(s), comma-separated, the accepted audience(s) and the issuer; LiteLLM's JWT_PUBLIC_KEY_URL, JWT_AUDIENCE, JWT_ISSUER are read when these are not set");
        a(JWT, "issuers", "trusted issuers, each with its audience, jwks_url (else the issuer's discovery document) and claim fields; a token is matched by its iss");
        a(JWT, "public_key_ttl", "seconds between refreshes of the signing keys (default 600), fetched off the request path");
        a(JWT, "admin_jwt_scope", "the scope that makes a token an admin (default litellm_proxy_admin): the master key's routes");
        a(JWT, "user_id_jwt_field user_email_jwt_field team_id_jwt_field team_ids_jwt_field team_id_default org_id_jwt_field end_user_id_jwt_field object_id_jwt_field",
                "claims (dot paths) that name the caller in the ledger: user id as key, email as alias, team:/org:/end_user: tags");
        a(JWT, "roles_jwt_field role_mappings jwt_litellm_role_map user_roles_jwt_field user_allowed_roles",
                "token roles mapped to LiteLLM's: proxy_admin is an admin, team and internal_user are callers of the model routes");
        a(JWT, "scope_mappings enforce_scope_based_access", "a token may use only the models its scopes map to (403 otherwise)");
        a(JWT, "enforce_rbac", "a token that maps to no admin, team or user role is refused (403)");
        a(JWT, "user_allowed_email_domain", "a token whose email is of another domain is refused (403)");
        a(JWT, "user_id_upsert team_id_upsert", "always so: Switchboard keeps no user or team tables, so every valid token's user and team are accepted");
        w(JWT, "public_key_stale_ttl", "the last keys fetched stay in use while the identity provider is unreachable, with no stale limit");
        w(JWT, "upsert_sso_user_to_team sync_user_role_and_teams team_alias_jwt_field org_alias_jwt_field team_claim_fallback "
                + "oidc_userinfo_enabled oidc_userinfo_endpoint oidc_userinfo_cache_ttl routing_overrides agent_id_jwt_field "
                + "virtual_key_mapping_cache_ttl", "not supported: identity comes from the token's own claims");
        r(JWT, "custom_validate", "a Python function cannot run in Switchboard; tokens would be accepted without its check");
        r(JWT, "admin_allowed_routes team_allowed_routes public_allowed_routes",
                "route lists are not enforced (an admin token reaches every route, other tokens the model routes); a token would reach more than configured");
        a(JWT, "enforce_team_based_model_access", "a token's call needs a stored team (/team/new) that may use the model; without it, a token none of whose teams is stored is not held to any team's models");
        r(JWT, "virtual_key_claim_field", "JWT to virtual key mapping is not supported; the mapped key's budget and limits would not apply");
        r(GENERAL, "allowed_ips", "IP allow-lists are not supported; the gateway would accept every address. Fix: bind to a private address (--host)");
        RULES.addAll(GuardrailKeys.RULES); // the guardrails: list (its own class, see there)
    }

    private LiteLlmKeys() {}

    private static void add(String section, String keys, KeyState s, String note) {
        for (String k : keys.split(" ")) RULES.add(new KeyRule(section, k, s, note));
    }

    private static void a(String section, String keys, String note) { add(section, keys, KeyState.APPLIED, note); }

    private static void w(String section, String keys, String note) { add(section, keys, KeyState.WARNED, note); }

    private static void r(String section, String keys, String note) { add(section, keys, KeyState.REFUSED, note); }

    /** The rule for a key of a section, or null when LiteLLM documents no such key (a typo: warned as unknown). */
    public static KeyRule find(String section, String key) {
        KeyRule wildcard = null;
        for (KeyRule r : RULES) {
            if (!r.section().equals(section)) continue;
            if (r.key().equals(key)) return r;
            if (wildcard == null && r.matches(key)) wildcard = r;
        }
        return wildcard;
    }

    /** The keys the table knows for a section (wildcard rows left out), for the "did you mean" of an unknown key. */
    static List<String> keys(String section) {
        List<String> out = new ArrayList<>();
        for (KeyRule r : RULES) if (r.section().equals(section) && !r.key().endsWith("*")) out.add(r.key());
        return out;
    }

    /** Every rule in table order. */
    public static List<KeyRule> all() { return List.copyOf(RULES); }
}
