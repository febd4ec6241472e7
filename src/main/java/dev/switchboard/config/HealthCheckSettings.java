package dev.switchboard.config;

import java.time.Duration;

/**
 * LiteLLM's model health checks ({@code GET /health}): {@code general_settings.background_health_checks} runs them every
 * {@code health_check_interval} seconds (default 300) and {@code /health} answers the last results without calling any
 * model; {@code health_check_details: false} leaves each endpoint's address and error out of the answer.
 */
public record HealthCheckSettings(boolean background, Duration interval, boolean details) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(300);
    public static final HealthCheckSettings DEFAULTS = new HealthCheckSettings(false, DEFAULT_INTERVAL, true);
}
