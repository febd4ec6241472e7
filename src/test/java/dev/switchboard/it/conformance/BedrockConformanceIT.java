package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.Capability.CACHE_READ_TOKENS;
import static dev.switchboard.it.conformance.Capability.CACHE_WRITE_TOKENS;
import static dev.switchboard.it.conformance.Capability.IMAGES;
import static dev.switchboard.it.conformance.Capability.STREAMING;
import static dev.switchboard.it.conformance.Capability.TOOLS;
import static dev.switchboard.it.conformance.Capability.UPSTREAM_ERRORS;

import dev.switchboard.simulator.ProviderSimulator;

/**
 * bedrock/ (Claude through the Converse API) against the simulator's Bedrock runtime, every request SigV4-verified; the
 * key is the secret access key the signature must have been made with. Bedrock has no content-policy error (a
 * guardrail answers 200 with guardrail_intervened), and the simulator plays no reasoning blocks for Converse.
 */
class BedrockConformanceIT extends ProviderConformanceIT {
    @Override
    protected ConformanceSubject subject() {
        return ConformanceSubject.of("bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0", "api_base: ${SIM_ROOT}",
                        "aws_access_key_id: " + ProviderSimulator.BEDROCK_ACCESS_KEY,
                        "aws_secret_access_key: \"" + ProviderSimulator.BEDROCK_SECRET + "\"", "aws_region_name: us-east-1")
                .key(ProviderSimulator.BEDROCK_SECRET)
                .embeddings("bedrock/amazon.titan-embed-text-v2:0")
                .can(STREAMING, TOOLS, IMAGES, CACHE_READ_TOKENS, CACHE_WRITE_TOKENS, UPSTREAM_ERRORS);
    }
}
