package dev.switchboard.it.conformance;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.ServiceAccount;
import io.vertx.core.json.JsonObject;

/**
 * What the Vertex subjects share: a service account made for the run, given inline as {@code vertex_credentials}
 * (LiteLLM accepts the JSON itself) with its {@code token_uri} on the simulator, whose token endpoint is told the
 * account's public key before the gateway starts.
 */
final class VertexConformance {
    private VertexConformance() {}

    static final ServiceAccount ACCOUNT = ServiceAccount.create("conformance", "conformance-project", "${SIM_ROOT}/token");

    /** The {@code litellm_params} lines of a Vertex deployment on the simulator. */
    static String[] params(String location) {
        // single-quoted YAML keeps the JSON (and the \n escapes of its private key) as written; ${SIM_ROOT} is replaced
        String inline = new JsonObject(ACCOUNT.json()).encode().replace("'", "''");
        return new String[] {"api_base: ${SIM_ROOT}", "vertex_project: conformance-project", "vertex_location: " + location,
                "vertex_credentials: '" + inline + "'"};
    }

    static void trust(ProviderSimulator sim) { sim.trustServiceAccount(ACCOUNT.email(), ACCOUNT.publicKey()); }
}
