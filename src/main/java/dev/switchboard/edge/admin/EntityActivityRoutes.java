package dev.switchboard.edge.admin;

import static dev.switchboard.edge.admin.AdminCall.onlyParams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.account.SpendRollups;
import dev.switchboard.account.SpendRollups.ActivityKind;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.govern.KeyAdmin;
import dev.switchboard.govern.TeamAdmin;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's {@code GET /team/daily/activity}, {@code /tag/daily/activity} and {@code /customer/daily/activity} (and their
 * {@code /aggregated} forms), which LiteLLM's admin UI reads for its team, tag and customer usage: the same answer as
 * {@code /user/daily/activity} ({@link DailyActivityRoutes}, {@link DailyActivity}), each row also of one team, tag or
 * end user, whose {@code entities} breakdown they are. Read from V26's {@code activity_daily} rollup
 * ({@link SpendRollups#activity}), never the ledger's rows.
 *
 * <p>Who sees what, as LiteLLM: the master key every team, tag and customer; any other key the teams its user is in
 * (a member of, or the team of one of their keys) or its own team, and naming another team is a 403; the tags of its
 * own user's calls (of its own calls, for a key of no user); customers are the master key's only.
 */
record EntityActivityRoutes(EdgeContext edge, AdminCall calls) {
    private static final Set<String> COMMON = Set.of("start_date", "end_date", "model", "api_key", "timezone");
    private static final Set<String> PAGED = Set.of("page", "page_size");
    private static final int PAGE_SIZE = 10; // LiteLLM's default on these three routes

    /** One of the three forms: its path, LiteLLM's query parameters of ids and of excluded ids, and its rollup rows. */
    private enum Form {
        TEAM("/team", "team_ids", "exclude_team_ids", ActivityKind.TEAM),
        TAG("/tag", "tags", null, ActivityKind.TAG),
        CUSTOMER("/customer", "end_user_ids", "exclude_end_user_ids", ActivityKind.END_USER);

        final String prefix, ids, excluded;
        final ActivityKind kind;

        Form(String prefix, String ids, String excluded, ActivityKind kind) {
            this.prefix = prefix;
            this.ids = ids;
            this.excluded = excluded;
            this.kind = kind;
        }

        Set<String> params(boolean aggregated) {
            Set<String> out = new java.util.HashSet<>(COMMON);
            out.add(ids);
            if (excluded != null) out.add(excluded);
            if (!aggregated) out.addAll(PAGED);
            return out;
        }
    }

    void mount(Router router) {
        for (boolean aggregated : new boolean[] {false, true}) {
            String tail = "/daily/activity" + (aggregated ? "/aggregated" : "");
            calls.getByAnyKey(router, Form.TEAM.prefix + tail, (rc, caller) -> activity(Form.TEAM, rc.request(), caller, aggregated));
            calls.getByAnyKey(router, Form.TAG.prefix + tail, (rc, caller) -> activity(Form.TAG, rc.request(), caller, aggregated));
            // LiteLLM's customers are admin-only; its newer releases also answer them under /end_user
            for (String prefix : List.of(Form.CUSTOMER.prefix, "/end_user")) {
                calls.get(router, prefix + tail, rc -> activity(Form.CUSTOMER, rc.request(), Caller.MASTER, aggregated));
            }
        }
    }

    private Future<JsonNode> activity(Form form, HttpServerRequest q, Caller caller, boolean aggregated) {
        onlyParams(q, form.params(aggregated));
        DailyActivityRoutes.Paging p = DailyActivityRoutes.paging(q, PAGE_SIZE);
        Set<String> named = ids(q.getParam(form.ids));
        Set<String> excluded = form.excluded == null ? null : ids(q.getParam(form.excluded));
        String model = q.getParam("model");
        String apiKey = q.getParam("api_key");
        KeyAdmin keys = edge.gateway().keys();
        TeamAdmin teams = edge.gateway().teams();
        return calls.blocking(() -> {
            Set<String> entities = named; // null: every entity
            Set<String> callers = null; // null: every caller's calls
            if (!caller.admin()) {
                if (form == Form.TEAM) entities = teamsSeen(caller, named, keys, teams);
                else callers = DailyActivityRoutes.callersSeen(caller, null, keys); // tags: its own user's calls
            }
            if (apiKey != null) {
                try {
                    callers = DailyActivityRoutes.onlyKey(keys, apiKey, callers);
                } catch (dev.switchboard.model.GatewayException e) {
                    // for a non-master key an unknown name is an empty answer, as one it may not see: a 404 would tell
                    // which key names exist on the gateway (the user route answers the same)
                    if (caller.admin() || e.status() != 404) throw e;
                    callers = Set.of();
                }
            }
            // who may see what is part of the query (entities, exclusions, keys): the store answers the caller's rows only,
            // and nothing here filters another key's or team's rows out afterwards; the model only narrows what is seen
            List<SpendRollups.Activity> rows = new ArrayList<>();
            List<SpendRollups.Daily> daily = new ArrayList<>();
            for (SpendRollups.Activity a : edge.gateway().rollups().activity(form.kind, p.fromDay(), p.toDay(), entities, excluded, callers)) {
                if (!DailyActivityRoutes.modelMatches(model, a.daily())) continue;
                rows.add(a);
                daily.add(a.daily());
            }
            return DailyActivityRoutes.answer(DailyActivity.groupActivity(rows), daily, keys, p, aggregated, entities(form, teams));
        });
    }

    /** LiteLLM's entity metadata: a team's {@code team_alias} ({} for a team that is gone), {} for a tag or customer. */
    private static DailyActivity.Entities entities(Form form, TeamAdmin teams) {
        if (form != Form.TEAM) return DailyActivity.Entities.ofRows(name -> SpendJson.JSON.createObjectNode());
        Map<String, String> aliases = teams.aliases();
        return DailyActivity.Entities.ofRows(name -> {
            ObjectNode o = SpendJson.JSON.createObjectNode();
            if (aliases.containsKey(name)) o.put("team_alias", aliases.get(name));
            return o;
        });
    }

    /**
     * The teams a caller that is not the master key may see: those of its user (member of, or of one of their keys) and
     * its own key's team; a JWT signed in as a team ({@code team:<id>}) that team. All of them when {@code named} is
     * null (LiteLLM's default, the user's teams), else {@code named}, each of which must be one of them (a 403 otherwise).
     */
    private static Set<String> teamsSeen(Caller caller, Set<String> named, KeyAdmin keys, TeamAdmin teams) {
        Set<String> own = new LinkedHashSet<>();
        String user = null;
        if (caller.virtualKey()) {
            user = keys.userOf(caller.id());
            String team = keys.teamOf(caller.id());
            if (team != null) own.add(team);
        } else if (caller.id().startsWith("user:")) {
            user = caller.id().substring("user:".length());
        } else if (caller.id().startsWith("team:")) {
            own.add(caller.id().substring("team:".length()));
        }
        if (user != null) own.addAll(teams.teamIdsOf(user));
        if (named == null) return own;
        for (String team : named) {
            if (!own.contains(team)) {
                // LiteLLM's words (its older releases answered them with a 404)
                throw new GatewayException(ErrorKind.PERMISSION, 403, "User does not belong to Team= " + team
                        + ". Call `/user/info` to see user's teams. A key that is not the master key sees the daily activity "
                        + "of its own team and of its user's teams only.", "team_ids", "admin_only", null, null);
            }
        }
        return named;
    }

    /** LiteLLM's comma-separated ids; null when none are given (every entity). */
    private static Set<String> ids(String v) {
        if (v == null) return null;
        Set<String> out = new LinkedHashSet<>();
        for (String id : v.split(",")) if (!id.isBlank()) out.add(id.strip());
        return out.isEmpty() ? null : out;
    }
}
