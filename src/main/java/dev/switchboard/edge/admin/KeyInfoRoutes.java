package dev.switchboard.edge.admin;

import static dev.switchboard.edge.admin.AdminCall.onlyParams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a key may learn about itself, and the master key about any: LiteLLM's {@code GET /key/info}, its bulk
 * {@code POST /v2/key/info} and {@code POST /key/health}. These are LiteLLM's "info routes", open to any valid key; a
 * virtual key is answered about itself only (govern.KeyAdmin decides). A key's spend is read from the ledger, so the
 * reads run on a worker ({@link AdminCall#blocking}).
 */
record KeyInfoRoutes(EdgeContext edge, AdminCall calls) {
    /** More keys than a bulk lookup has any reason to name: a bound on one request's ledger read. */
    private static final int MAX_KEYS = 1000;

    void mount(Router router) {
        calls.getByAnyKey(router, "/key/info", (rc, caller) -> {
            onlyParams(rc.request(), Set.of("key"));
            String ref = rc.request().getParam("key");
            return calls.blocking(() -> edge.gateway().keys().info(ref, caller));
        });
        // LiteLLM's body is {"keys": [...]}; a missing or empty list is its 422 "No keys passed in", a 400 here
        calls.postByAnyKey(router, "/v2/key/info", (caller, body) -> {
            List<String> refs = keys(body);
            return calls.blocking(() -> edge.gateway().keys().info(refs, caller));
        });
        // no body is needed (LiteLLM's clients send none); the calling key is the one checked
        calls.postByAnyKey(router, "/key/health", (caller, body) -> Future.<JsonNode>succeededFuture(edge.gateway().keys().health(caller)));
    }

    private static List<String> keys(com.fasterxml.jackson.databind.node.ObjectNode body) {
        JsonNode keys = body.get("keys");
        if (keys == null || keys.isNull() || (keys.isArray() && keys.isEmpty())) {
            throw GatewayException.badRequest("Malformed request. No keys passed in: send {\"keys\": [\"sk-...\", ...]}.", "keys");
        }
        if (!keys.isArray()) throw GatewayException.badRequest("'keys' must be a list of keys (secrets, token hashes, key ids or aliases).", "keys");
        if (keys.size() > MAX_KEYS) throw GatewayException.badRequest("'keys' may name at most " + MAX_KEYS + " keys.", "keys");
        List<String> out = new ArrayList<>();
        for (JsonNode k : keys) {
            if (!k.isTextual() || k.textValue().isBlank()) throw GatewayException.badRequest("'keys' must list keys as strings.", "keys");
            out.add(k.textValue());
        }
        return out;
    }
}
