package dev.switchboard.pipeline;

import dev.switchboard.account.ModelPrice;
import java.util.Map;

/**
 * One deployment as LiteLLM's {@code /model/info} describes it: the alias it serves, where it is sent (never its key),
 * its own {@code model_info} from the config, and the catalog's price and output limit the gateway charges and reserves
 * with.
 *
 * @param price       the price the gateway uses (the config's model_info over the catalog's), or null when unpriced
 * @param outputLimit the output limit a request without one gets (what a budget reserves for it)
 * @param rpm         the deployment's {@code rpm} limit, or null
 * @param tpm         the deployment's {@code tpm} limit, or null
 */
public record DeploymentInfo(String alias, String id, String provider, String model, String apiBase,
                             Map<String, Object> modelInfo, ModelPrice price, int outputLimit, Long rpm, Long tpm) {}
