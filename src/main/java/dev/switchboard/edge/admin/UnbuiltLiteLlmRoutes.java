package dev.switchboard.edge.admin;

import java.util.List;
import java.util.regex.Pattern;

/**
 * LiteLLM Proxy routes Switchboard does not provide, with what to use instead where there is something. A team moving
 * from LiteLLM whose script calls one gets a 404 that says so ("LiteLLM's POST /budget/new is not provided by
 * Switchboard: budgets are set on …"), not a bare "Invalid URL" that reads like a typo or a wrong base URL. Only the
 * 404 handler reads this table, for paths no route took: a route built later simply wins.
 */
public final class UnbuiltLiteLlmRoutes {
    /** A LiteLLM path (as a pattern), how LiteLLM's docs name it, and what to use here instead (null: nothing). */
    private record Unbuilt(Pattern path, String route, String instead) {}

    private static final String BUDGETS = "budgets are set on each key, user, team and customer (max_budget, budget_duration "
            + "on /key/update, /user/update, /team/update, /customer/update); Switchboard has no budget table of its own";
    private static final String BY_DAY = "use GET /global/spend/report?group_by=day (spend, requests and tokens per day)";

    private static final List<Unbuilt> ROUTES = List.of(
            of("/budget/(new|info|list|update|delete|settings)", "/budget/*", BUDGETS),
            of("/organization(/.*)?", "/organization/*", "Switchboard has no organizations; a team (/team/new) holds "
                    + "keys under one budget and model list"),
            of("/model/(new|update|delete)", "/model/new, /model/update, /model/delete", "models are the config file's "
                    + "model_list (LiteLLM's store_model_in_db is not built): edit it and restart; GET /model/info lists them"),
            of("/model/[^/]+/update", "/model/{id}/update", "models are the config file's model_list: edit it and restart"),
            of("/v2/model/info", "/v2/model/info", "use GET /model/info (or /model_group/info, one entry per model_name)"),
            of("/key/aliases", "/key/aliases", "use GET /key/list?return_full_object=true (each key's key_alias)"),
            of("/key/[^/]+/reset_spend", "/key/{key}/reset_spend", "a key's spend is the ledger's record of its calls and "
                    + "is not reset by hand; a budget_duration (/key/update) starts a new budget period"),
            of("/global/activity(/.*)?", "/global/activity", BY_DAY),
            of("/user/get_users", "/user/get_users", "use GET /user/list"),
            of("/team/model/(add|delete)", "/team/model/add, /team/model/delete", "set the team's models with POST /team/update"),
            of("/spend/calculate", "/spend/calculate", "every answer carries its cost (x-switchboard-cost, usage.cost); "
                    + "GET /model/info has each deployment's price per token"),
            of("/spend/keys", "/spend/keys", "use GET /key/list?return_full_object=true or GET /global/spend/keys"),
            of("/spend/users", "/spend/users", "use GET /user/list"),
            of("/global/spend/reset", "/global/spend/reset", "spend is the ledger's record of calls and is not reset; "
                    + "budgets start new periods by their budget_duration"),
            of("/global/spend/refresh", "/global/spend/refresh", "nothing to refresh: every spend route reads the ledger when asked"),
            of("/global/spend/teams", "/global/spend/teams", "use GET /global/spend/report?group_by=team"),
            of("/global/spend/(end_users|provider)", "/global/spend/end_users, /global/spend/provider",
                    "use GET /global/spend/report?group_by=customer (or group_by=model, per deployment)"),
            of("/global/all_end_users", "/global/all_end_users", "use GET /customer/list or /global/spend/report?group_by=customer"),
            of("/global/spend/all_tag_names", "/global/spend/all_tag_names", "use GET /spend/tags (every tag with its spend)"),
            of("/credentials(/.*)?", "/credentials", "credentials are the config file's credential_list"),
            of("/(config/update|config/yaml|get/config/callbacks)", "/config/*", "the config is the file the gateway was "
                    + "started with (switchboard check explains it)"));

    private UnbuiltLiteLlmRoutes() {}

    private static Unbuilt of(String path, String route, String instead) {
        return new Unbuilt(Pattern.compile(path), route, instead);
    }

    /** The 404 message for a path that is one of LiteLLM's routes Switchboard does not provide, or null for any other. */
    public static String describe(String method, String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (Unbuilt u : ROUTES) {
            if (u.path().matcher(p).matches()) {
                // the route's name, not the path sent: a path such as /key/{key}/reset_spend carries a key's secret
                return method + " " + u.route() + " is a LiteLLM Proxy endpoint that Switchboard does not provide"
                        + (u.instead() == null ? "." : ": " + u.instead() + ".");
            }
        }
        return null;
    }
}
