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
                for (var named : withGroupAliases(visible(caller))) {
                    ObjectNode entry = caller.admin() ? ModelInfoJson.entry(named.getValue()) : ModelInfoJson.forApp(named.getValue());
                    entry.put("model_name", named.getKey()); // an alias's entries are its model_name's, under its own name
                    if (only == null || only.equals(entry.path("model_info").path("id").asText())) data.add(entry);
                }
                return Future.succeededFuture(out);
            });
        }
        // LiteLLM serves it under /v1 too (its load_balancing docs name /v1/model_group/info)
        for (String path : new String[] {"/model_group/info", "/v1/model_group/info"}) {
            calls.getByAnyKey(router, path, (rc, caller) -> {
                onlyParams(rc.request(), Set.of("model_group"));
                String only = rc.request().getParam("model_group");
                Map<String, List<DeploymentInfo>> groups = new LinkedHashMap<>();
                for (var named : withGroupAliases(visible(caller))) {
                    if (only == null || only.equals(named.getKey())) {
                        groups.computeIfAbsent(named.getKey(), a -> new ArrayList<>()).add(named.getValue());
                    }
                }
                ObjectNode out = SpendJson.JSON.createObjectNode();
                var data = out.putArray("data");
                groups.forEach((name, deployments) -> data.add(ModelGroupJson.group(name, deployments)));
                return Future.succeededFuture(out);
            });
        }
    }

    /**
     * Each visible deployment under its model_name, then under each listed {@code model_group_alias} name of that
     * model_name: LiteLLM's load_balancing docs say the aliases "are shown on /v1/models, /v1/model/info, and
     * /v1/model_group/info by default" (hidden ones are not).
     */
    private List<Map.Entry<String, DeploymentInfo>> withGroupAliases(List<DeploymentInfo> deployments) {
        List<Map.Entry<String, DeploymentInfo>> out = new ArrayList<>();
        for (DeploymentInfo d : deployments) out.add(Map.entry(d.alias(), d));
        edge.gateway().shownGroupAliases().forEach((alias, target) -> {
            for (DeploymentInfo d : deployments) if (d.alias().equals(target)) out.add(Map.entry(alias, d));
        });
        return out;
    }

    /** The deployments whose model_name the caller may call, in config order: all of them for the master key. */
    private List<DeploymentInfo> visible(Caller caller) {
        List<DeploymentInfo> all = edge.gateway().deploymentInfo();
        if (caller.admin()) return all;
        Set<String> usable = edge.aliasesFor(caller);
        return all.stream().filter(d -> usable.contains(d.alias())).toList();
    }
}
