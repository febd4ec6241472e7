package dev.switchboard.edge.admin;

import static dev.switchboard.edge.admin.AdminCall.onlyParams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.model.Caller;
import dev.switchboard.pipeline.DeploymentInfo;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's model descriptions: {@code GET /model/info} (also under {@code /v1}), one entry per deployment, and
 * {@code GET /model_group/info}, one per model_name. Any valid key may read them, as in LiteLLM, where client tools
 * read context limits and prices with the app's own key: the master key sees every deployment; a virtual key (or a
 * JWT with a model list) sees the model_names it may call, and less of each ({@link ModelInfoJson#forApp}).
 */
record ModelInfoRoutes(EdgeContext edge, AdminCall calls) {
    void mount(Router router) {
        for (String path : new String[] {"/model/info", "/v1/model/info"}) {
            calls.getByAnyKey(router, path, (rc, caller) -> {
                onlyParams(rc.request(), Set.of("litellm_model_id"));
                String only = rc.request().getParam("litellm_model_id");
                ObjectNode out = SpendJson.JSON.createObjectNode();
                var data = out.putArray("data");
                for (DeploymentInfo d : visible(caller)) {
                    ObjectNode entry = caller.admin() ? ModelInfoJson.entry(d) : ModelInfoJson.forApp(d);
                    if (only == null || only.equals(entry.path("model_info").path("id").asText())) data.add(entry);
                }
                return Future.succeededFuture(out);
            });
        }
        calls.getByAnyKey(router, "/model_group/info", (rc, caller) -> {
            onlyParams(rc.request(), Set.of("model_group"));
            String only = rc.request().getParam("model_group");
            Map<String, List<DeploymentInfo>> groups = new LinkedHashMap<>();
            for (DeploymentInfo d : visible(caller)) {
                if (only == null || only.equals(d.alias())) groups.computeIfAbsent(d.alias(), a -> new ArrayList<>()).add(d);
            }
            ObjectNode out = SpendJson.JSON.createObjectNode();
            var data = out.putArray("data");
            groups.forEach((name, deployments) -> data.add(ModelGroupJson.group(name, deployments)));
            return Future.succeededFuture(out);
        });
    }

    /** The deployments whose model_name the caller may call, in config order: all of them for the master key. */
    private List<DeploymentInfo> visible(Caller caller) {
        List<DeploymentInfo> all = edge.gateway().deploymentInfo();
        if (caller.admin()) return all;
        Set<String> usable = edge.aliasesFor(caller);
        return all.stream().filter(d -> usable.contains(d.alias())).toList();
    }
}
