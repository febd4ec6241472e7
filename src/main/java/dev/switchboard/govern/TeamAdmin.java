package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.DurationSpec;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.LogSafe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * LiteLLM's team API, for the master key: {@code /team/new}, {@code update}, {@code info}, {@code list}, {@code delete},
 * {@code block} and {@code unblock}. A stored team governs the calls of every key whose {@code team_id} names it and of
 * the JWTs that name it, when it is the token's first stored team that may use the model asked for: its budget (shared by all of them, as hard as a key's), its model list and its
 * block. Like {@link EndUserAdmin}: changes run one at a time on one worker, the store first, then memory, so the request
 * path sees a block or a new budget with the answer; spend comes from the ledger (the calls tagged {@code team:<id>}).
 */
public final class TeamAdmin extends RowAdmin<Team> {
    /** What {@code /team/new} and {@code update} take. */
    private static final Set<String> ROW_FIELDS = Set.of("team_id", "team_alias", "max_budget", "budget_duration", "models",
            "blocked", "metadata", "rpm_limit", "tpm_limit", "team_member_budget", "team_member_rpm_limit", "team_member_tpm_limit");
    /** LiteLLM's member lists: accepted empty (scripts send them so), refused with members (a user is in a team through a key of it). */
    private static final Set<String> MEMBER_FIELDS = Set.of("members_with_roles", "members", "admins");
    /** LiteLLM's other team fields: refused by name, so a copied script learns what is not applied. */
    private static final Set<String> NOT_SUPPORTED = Set.of("organization_id", "soft_budget",
            "model_aliases", "tags", "guardrails", "policies", "prompts", "object_permission", "allowed_passthrough_routes",
            "secret_manager_settings", "model_rpm_limit", "model_tpm_limit", "rpm_limit_type", "tpm_limit_type",
            "team_member_key_duration",
            "team_member_budget_duration", "team_member_permissions", "router_settings", "access_group_ids", "budget_limits",
            "max_parallel_requests", "spend", "budget_reset_at", "default_team_member_models", "disable_global_guardrails",
            "model_max_budget", "allowed_vector_store_indexes", "allowed_mcp_servers", "mcp_tool_permissions");

    private final TeamStore store;
    private final Teams teams;
    private final KeyRegistry keys;
    private final KeySpends keySpends;

    TeamAdmin(Vertx vertx, TeamStore store, Teams teams, KeyRegistry keys, KeySpends keySpends, LongSupplier clock) {
        super(vertx, store, teams, clock, "switchboard-team-admin", "team");
        this.store = store;
        this.teams = teams;
        this.keys = keys;
        this.keySpends = keySpends;
    }

    /**
     * A key's user that this gateway's copy of the team does not list as a member: they may have been added on another
     * gateway with the key (their budget and limits in the team are in the team's row), so a look-up reads the row again.
     */
    @Override
    boolean lacks(String id, String keyUser) {
        Team t = teams.row(id);
        return t != null && keyUser != null && t.member(keyUser) == null;
    }

    /** What a {@code models} entry may name: the keys' check (set by Governance once the router is known). */
    private Supplier<KeyModelCheck> modelCheck = () -> KeyModelCheck.NONE;

    void modelCheck(Supplier<KeyModelCheck> check) { this.modelCheck = check; }

    /** {@code POST /team/new}: LiteLLM's 400 when the team exists already; an id is made when none is given. */
    public Future<ObjectNode> create(ObjectNode body) {
        return change(() -> {
            onlyKnown(body);
            String id = body.hasNonNull("team_id") ? teamId(body.get("team_id"), "team_id") : java.util.UUID.randomUUID().toString();
            long now = clock.getAsLong();
            Team t = apply(Team.blank(id, now), body, null, now);
            modelCheck.get().checkSent(body, java.util.List.of());
            List<MemberAsked> asked = membersOfNew(body);
            if (!asked.isEmpty()) { // LiteLLM's members_with_roles (or its old members / admins lists): users made as needed
                if (store.get(id) != null) throw GatewayException.badRequest("Team id = " + id + " already exists. Please use a different team id.", "team_id");
                List<User> found = users.ensure(asked.stream().map(a -> new String[] {a.userId(), a.email()}).toList());
                List<Team.Member> members = new ArrayList<>();
                for (int i = 0; i < asked.size(); i++) {
                    User u = found.get(i);
                    if (members.stream().noneMatch(m -> m.userId().equals(u.userId()))) members.add(new Team.Member(u.userId(), u.email(), asked.get(i).role(), null, now));
                }
                t = t.withMembers(members, now);
            }
            if (!store.insert(t)) {
                throw GatewayException.badRequest("Team id = " + id + " already exists. Please use a different team id.", "team_id");
            }
            teams.put(t, now);
            log.info("team {} added: {}", id, fieldsOf(body));
            flushLedger.run(); // a team made later counts what its keys already spent (their rows name it)
            return json(t, now);
        });
    }

    /**
     * {@code POST /team/update}: fields left out keep their values; LiteLLM's {@code {"team_id", "data"}}. The row is read
     * in the write's own transaction, not from memory, which another gateway's change may not have reached yet.
     */
    public Future<ObjectNode> update(ObjectNode body) {
        return change(() -> {
            onlyKnown(body, false);
            String id = requiredId(body);
            long now = clock.getAsLong();
            Team t = store.change(List.of(id), found -> {
                Team known = found.get(id);
                if (known == null) throw teamNotFound(id, "team_id");
                Team changed = apply(known, body, BudgetPeriod.of(known).start(now), now);
                modelCheck.get().checkSent(body, known.models()); // the stored entries not checked again
                return List.of(changed);
            }).get(id);
            teams.put(t, now);
            log.info("team {} updated: {}", id, fieldsOf(body));
            ObjectNode out = KeyJson.mapper().createObjectNode();
            out.put("team_id", id);
            out.set("data", json(t, now));
            return out;
        });
    }

    /** {@code GET /team/info?team_id=…}: LiteLLM's {@code {"team_id", "team_info", "keys", "team_memberships"}}. */
    public Future<ObjectNode> info(String id) {
        if (id == null || id.isBlank()) {
            return Future.failedFuture(GatewayException.badRequest("Name the team: /team/info?team_id=<id>.", "team_id"));
        }
        return vertx.executeBlocking(() -> {
            flushLedger.run();
            long now = clock.getAsLong();
            Team t = store.get(id); // the store: a team another gateway made a moment ago is there, not yet in memory
            if (t == null) throw notFound("Team not found, passed team id: " + id + ".", "team_id"); // LiteLLM's words here
            ObjectNode out = KeyJson.mapper().createObjectNode();
            out.put("team_id", id);
            out.set("team_info", json(t, now));
            out.set("keys", keysOf(List.of(t), now).get(id));
            out.set("team_memberships", memberships(t, now));
            return out;
        }, false);
    }

    /**
     * {@code GET /team/list}: every team, by alias (LiteLLM answers a JSON array, each team with its keys). LiteLLM's
     * {@code user_id} lists a user's teams: the teams they are a member of, and those of their keys; its
     * {@code organization_id} lists an organization's: here (no organizations) every team for LiteLLM's
     * {@code default_organization} (the teams of none), none for another.
     */
    public Future<ArrayNode> list(String userId, String organizationId) {
        return vertx.executeBlocking(() -> {
            flushLedger.run();
            long now = clock.getAsLong();
            ArrayNode out = KeyJson.mapper().createArrayNode();
            List<Team> listed = listed(userId, organizationId);
            java.util.Map<String, ArrayNode> keysOf = keysOf(listed, now);
            for (Team t : listed) {
                ObjectNode o = json(t, now);
                o.set("team_memberships", memberships(t, now));
                o.set("keys", keysOf.get(t.teamId()));
                out.add(o);
            }
            return out;
        }, false);
    }

    /**
     * {@code GET /v2/team/list}: LiteLLM's page ({@code teams}, {@code total}, {@code page}, {@code page_size},
     * {@code total_pages}) of the teams {@link #list} would answer, filtered by {@code team_id} (exact) and
     * {@code team_alias} (a part of it, any case), in {@code sort_by} order ({@code team_id}, {@code team_alias},
     * {@code created_at}; by alias by default). Spend is read for the page's teams only.
     */
    public Future<ObjectNode> page(String userId, String organizationId, String teamId, String alias, String sortBy, String sortOrder,
                                   int page, int pageSize) {
        if (sortBy != null && !Set.of("team_id", "team_alias", "created_at").contains(sortBy)) {
            return Future.failedFuture(GatewayException.badRequest("Invalid sort column. Must be one of: created_at, team_alias, team_id",
                    "sort_by"));
        }
        if (sortOrder != null && !sortOrder.equals("asc") && !sortOrder.equals("desc")) {
            return Future.failedFuture(GatewayException.badRequest("'sort_order' must be asc or desc.", "sort_order"));
        }
        return vertx.executeBlocking(() -> {
            flushLedger.run();
            long now = clock.getAsLong();
            List<Team> found = listed(userId, organizationId);
            if (teamId != null) found.removeIf(t -> !t.teamId().equals(teamId));
            if (alias != null) {
                String part = alias.toLowerCase(java.util.Locale.ROOT);
                found.removeIf(t -> t.alias() == null || !t.alias().toLowerCase(java.util.Locale.ROOT).contains(part));
            }
            if (sortBy != null) {
                java.util.Comparator<Team> order = switch (sortBy) {
                    case "created_at" -> java.util.Comparator.comparingLong(Team::createdAt);
                    case "team_alias" -> java.util.Comparator.comparing((Team t) -> t.alias() == null ? "" : t.alias(), String.CASE_INSENSITIVE_ORDER);
                    default -> java.util.Comparator.comparing(Team::teamId);
                };
                order = order.thenComparing(Team::teamId);
                found.sort("desc".equals(sortOrder) ? order.reversed() : order);
            } else if ("desc".equals(sortOrder)) java.util.Collections.reverse(found);
            // the page's teams' keys, their spend in one grouped sum
            java.util.Map<String, ArrayNode> keysOf = keysOf(found.subList(pageStart(page, pageSize, found.size()),
                    pageStart(page + 1L, pageSize, found.size())), now);
            return page("teams", found, page, pageSize, t -> {
                ObjectNode o = json(t, now);
                o.set("team_memberships", memberships(t, now));
                o.set("keys", keysOf.get(t.teamId()));
                return o;
            });
        }, false);
    }

    /** The teams {@code /team/list} answers for these filters, by alias. */
    /**
     * The teams a user is in: those they are a member of (any role) and those of their keys, as {@code /team/list?user_id=}
     * lists them. From memory.
     */
    public Set<String> teamIdsOf(String userId) {
        Set<String> out = new java.util.HashSet<>();
        for (Team t : listed(userId, null)) out.add(t.teamId());
        return out;
    }

    /** Each team's alias (null for a team of none), by team id. From memory. */
    public java.util.Map<String, String> aliases() {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (Team t : teams.rows()) out.put(t.teamId(), t.alias());
        return out;
    }

    private List<Team> listed(String userId, String organizationId) {
        List<Team> all = new ArrayList<>(teams.rows());
        if (organizationId != null && !organizationId.equals("default_organization")) all.clear();
        if (userId != null) {
            Set<String> ofUser = new java.util.HashSet<>();
            for (KeyState s : keys.all()) if (userId.equals(s.key().userId()) && s.key().teamId() != null) ofUser.add(s.key().teamId());
            ofUser.addAll(teams.teamsOfMember(userId)); // and the teams they are a member of (LiteLLM's answer)
            all.removeIf(t -> !ofUser.contains(t.teamId()));
        }
        all.sort(java.util.Comparator.comparing((Team t) -> t.alias() == null ? "" : t.alias()).thenComparing(Team::teamId));
        return all;
    }

    /** Whether LiteLLM would show a membership row (with its budget table) for this member: a budget or limits. */
    private static boolean hasMembership(Team t, Team.Member m) { return t.budgetOf(m) != null || t.limitsOf(m).any(); }

    /** LiteLLM's {@code team_memberships}: the members with a budget or rate limits in the team. Blocks. */
    private ArrayNode memberships(Team t, long now) {
        ArrayNode out = KeyJson.mapper().createArrayNode();
        // LiteLLM's memberships with a budget table: the members with a budget or rate limits in the team
        for (Team.Member m : t.members()) if (hasMembership(t, m)) out.add(membershipJson(t, m, now));
        return out;
    }

    /**
     * {@code POST /team/delete} with {@code team_ids}: all of them, or none when one is unknown (LiteLLM's 404). LiteLLM
     * deletes the teams' keys with them; Switchboard refuses while keys name a team instead, so no key is lost unasked.
     */
    public Future<ObjectNode> delete(ObjectNode body) {
        return change(() -> {
            KeyFields.onlyKnown(body, Set.of("team_ids"));
            List<String> ids = teamIds(body);
            for (String id : ids) {
                long n = store.keysOf(id); // the store: a key another gateway made a moment ago counts too
                if (n > 0) {
                    throw GatewayException.badRequest("Team=" + id + " has " + n + " key(s) (their team_id): delete them "
                            + "(/key/delete) or move them to another team (/key/update) first. LiteLLM deletes a team's keys with "
                            + "it; Switchboard does not delete keys unasked.", "team_ids");
                }
            }
            List<String> missing = store.deleteAll(ids);
            if (!missing.isEmpty()) throw teamNotFound(missing.get(0), "team_ids");
            long now = clock.getAsLong();
            for (String id : ids) teams.remove(id, now);
            log.info("team(s) deleted: {}", String.join(", ", ids));
            ObjectNode out = KeyJson.mapper().createObjectNode();
            ArrayNode deleted = out.putArray("deleted_teams");
            ids.forEach(deleted::add);
            return out;
        });
    }

    /** {@code POST /team/block} and {@code /team/unblock} with {@code team_id}: the team as it is now. */
    public Future<ObjectNode> block(ObjectNode body, boolean blocked) {
        return change(() -> {
            KeyFields.onlyKnown(body, Set.of("team_id"));
            String id = requiredId(body);
            long now = clock.getAsLong();
            Team t = store.change(List.of(id), found -> {
                Team known = found.get(id);
                if (known == null) throw teamNotFound(id, "team_id");
                return List.of(known.withBlocked(blocked, now));
            }).get(id);
            teams.put(t, now);
            log.info("team {} {}", id, blocked ? "blocked" : "unblocked");
            return json(t, now);
        });
    }

    /** Set by governance: users are made for members who have no row yet (LiteLLM's member_add does too). */
    private volatile UserAdmin users;

    void users(UserAdmin users) { this.users = users; }

    /**
     * {@code POST /team/member_add} with {@code team_id}, {@code member} (one or a list of {@code {user_id | user_email,
     * role}}) and {@code max_budget_in_team}: LiteLLM's answer, the team with {@code updated_users} and
     * {@code updated_team_memberships}. A member's user is made when there is none (as LiteLLM does); members already in
     * the team are LiteLLM's 400, or left out of a list that adds others too.
     */
    public Future<ObjectNode> memberAdd(ObjectNode body) {
        return change(() -> {
            KeyFields.onlyKnown(body, Set.of("team_id", "member", "max_budget_in_team"));
            String id = requiredId(body);
            JsonNode m = body.get("member");
            if (m == null || m.isNull() || (m.isArray() && m.isEmpty())) {
                throw GatewayException.badRequest("'member' must name a user: {\"user_id\": …, \"role\": \"user\"} or a list of them.", "member");
            }
            Double budget = BudgetFields.maxBudget(body, null, "for the team's team_member_budget", "max_budget_in_team");
            List<MemberAsked> asked = new ArrayList<>();
            if (m.isArray()) for (int i = 0; i < m.size(); i++) asked.add(memberAsked(m.get(i), "member[" + i + "]"));
            else asked.add(memberAsked(m, "member"));
            requireOnce(asked, "member");
            if (store.get(id) == null) throw notFound("Team not found for team_id=" + id, "team_id");
            List<User> found = users.ensure(asked.stream().map(a -> new String[] {a.userId(), a.email()}).toList());
            long now = clock.getAsLong();
            List<Team.Member> added = new ArrayList<>();
            Team t = store.change(List.of(id), rows -> {
                Team known = rows.get(id);
                if (known == null) throw notFound("Team not found for team_id=" + id, "team_id");
                List<Team.Member> members = new ArrayList<>(known.members());
                for (int i = 0; i < asked.size(); i++) {
                    User u = found.get(i);
                    if (known.member(u.userId()) != null || added.stream().anyMatch(x -> x.userId().equals(u.userId()))) continue;
                    Team.Member nm = new Team.Member(u.userId(), u.email(), asked.get(i).role(), budget, now);
                    members.add(nm);
                    added.add(nm);
                }
                if (added.isEmpty()) {
                    String existing = LogSafe.text(known.members().stream().map(Team.Member::userId).toList().toString());
                    if (asked.size() == 1) {
                        throw alreadyInTeam("User already in team. Member: user_id=" + LogSafe.text(found.get(0).userId())
                                + ", user_email=" + LogSafe.text(String.valueOf(found.get(0).email())) + ". Existing members=" + existing);
                    }
                    throw alreadyInTeam("All users are already in team. Existing members=" + existing);
                }
                return List.of(known.withMembers(members, now));
            }).get(id);
            teams.put(t, now);
            log.info("team {}: {} member(s) added", id, added.size());
            ObjectNode out = json(t, now);
            ArrayNode updatedUsers = out.putArray("updated_users");
            for (User u : found) if (added.stream().anyMatch(a -> a.userId().equals(u.userId()))) updatedUsers.add(users.userJson(u, now));
            ArrayNode memberships = out.putArray("updated_team_memberships");
            for (Team.Member a : added) if (hasMembership(t, a)) memberships.add(membershipJson(t, a, now));
            return out;
        });
    }

    /**
     * {@code POST /team/member_delete} with {@code team_id} and {@code user_id} (or {@code user_email}): the member leaves
     * the team and their keys of the team are deleted, as LiteLLM does; the team as it is now.
     */
    public Future<ObjectNode> memberDelete(ObjectNode body) {
        // the membership first, under the team's lock, then the keys (the store's: with those another gateway made a
        // moment ago), so a key of the team made meanwhile is not left with a budget no member row holds
        return this.<Removed>change(() -> {
            KeyFields.onlyKnown(body, Set.of("team_id", "user_id", "user_email"));
            String id = requiredId(body);
            long now = clock.getAsLong();
            Team.Member[] gone = new Team.Member[1];
            Team t = store.change(List.of(id), rows -> {
                Team known = rows.get(id);
                if (known == null) throw GatewayException.badRequest("Team id=" + id + " does not exist in db", "team_id");
                gone[0] = memberNamed(known, body, "Either user_id or user_email needs to be passed in");
                List<Team.Member> rest = new ArrayList<>(known.members());
                rest.removeIf(x -> x.userId().equals(gone[0].userId()));
                return List.of(known.withMembers(rest, now));
            }).get(id);
            teams.put(t, now);
            return new Removed(t, gone[0].userId());
        }).compose(done -> users.deleteKeysOf(done.userId(), done.team().teamId()).compose(deleted -> vertx.executeBlocking(() -> {
            log.info("team {}: member {} removed (and {} key(s) of theirs in the team)", done.team().teamId(), done.userId(), deleted.size());
            return json(done.team(), clock.getAsLong());
        }, false)));
    }

    /** A team as a member left it, and who left. */
    private record Removed(Team team, String userId) {}

    /**
     * {@code POST /team/member_update} with {@code team_id}, {@code user_id} (or {@code user_email}), and
     * {@code max_budget_in_team}, {@code role}, {@code rpm_limit}, {@code tpm_limit} (the member's own rate limits in the
     * team; null: the team's {@code team_member_*_limit}): LiteLLM's answer ({@code team_id}, {@code user_id},
     * {@code user_email}, {@code max_budget_in_team}, …).
     */
    public Future<ObjectNode> memberUpdate(ObjectNode body) {
        return change(() -> {
            KeyFields.onlyKnown(body, Set.of("team_id", "user_id", "user_email", "max_budget_in_team", "role", "tpm_limit", "rpm_limit"));
            String id = requiredId(body);
            String role = body.hasNonNull("role") ? role(body.get("role"), "role") : null;
            long now = clock.getAsLong();
            Team.Member[] changed = new Team.Member[1];
            Team t = store.change(List.of(id), rows -> {
                Team known = rows.get(id);
                if (known == null) throw GatewayException.badRequest("Team id=" + id + " does not exist in db", "team_id");
                Team.Member m = memberNamed(known, body, "Either user_id or user_email needs to be passed in");
                Double budget = BudgetFields.maxBudget(body, m.maxBudgetInTeam(), "for the team's team_member_budget", "max_budget_in_team");
                Long rpm = BudgetFields.limit(body, "rpm_limit", m.rpmLimit());
                Long tpm = BudgetFields.limit(body, "tpm_limit", m.tpmLimit());
                changed[0] = new Team.Member(m.userId(), m.userEmail(), role != null ? role : m.role(), budget, m.addedAt(), rpm, tpm);
                List<Team.Member> members = new ArrayList<>(known.members());
                members.replaceAll(x -> x.userId().equals(m.userId()) ? changed[0] : x);
                return List.of(known.withMembers(members, now));
            }).get(id);
            teams.put(t, now);
            log.info("team {}: member {} updated", id, changed[0].userId());
            ObjectNode out = KeyJson.mapper().createObjectNode();
            out.put("team_id", id);
            out.put("user_id", changed[0].userId());
            out.put("user_email", changed[0].userEmail());
            if (changed[0].maxBudgetInTeam() == null) out.putNull("max_budget_in_team");
            else out.put("max_budget_in_team", BigDecimal.valueOf(changed[0].maxBudgetInTeam()));
            putLimit(out, "tpm_limit", changed[0].tpmLimit());
            putLimit(out, "rpm_limit", changed[0].rpmLimit());
            return out;
        });
    }

    /** A member as {@code member_add} asks for one: a user id or an email, and LiteLLM's role. */
    private record MemberAsked(String userId, String email, String role) {}

    private static MemberAsked memberAsked(JsonNode m, String param) {
        if (!m.isObject()) throw GatewayException.badRequest("'" + param + "' must be an object: {\"user_id\": …, \"role\": \"user\"}.", param);
        KeyFields.onlyKnown((ObjectNode) m, Set.of("user_id", "user_email", "role"));
        String userId = m.hasNonNull("user_id") ? memberId(m.get("user_id"), param + ".user_id") : null;
        String email = null;
        if (m.hasNonNull("user_email")) {
            if (!m.get("user_email").isTextual() || m.get("user_email").textValue().isBlank() || m.get("user_email").textValue().length() > 255) {
                throw GatewayException.badRequest("'" + param + ".user_email' must be a non-empty string of at most 255 characters.", param);
            }
            email = m.get("user_email").textValue().strip();
        }
        if (userId == null && email == null) throw GatewayException.badRequest("Either user id or user email must be provided", param);
        return new MemberAsked(userId, email, m.hasNonNull("role") ? role(m.get("role"), param + ".role") : "user");
    }

    /** A request that names one user twice (by id, or by email in any case) is refused: which of the two was meant? */
    private static void requireOnce(List<MemberAsked> asked, String param) {
        Set<String> seen = new java.util.HashSet<>();
        for (MemberAsked a : asked) {
            String k = a.userId() != null ? "id:" + a.userId() : "email:" + a.email().toLowerCase(java.util.Locale.ROOT);
            if (!seen.add(k)) {
                throw GatewayException.badRequest("'" + param + "' names the user " + (a.userId() != null ? a.userId() : a.email())
                        + " twice: name each member once.", param);
            }
        }
    }

    /** A member's user id, held to a user's rules (what /user/new would take). */
    private static String memberId(JsonNode v, String param) { return keyLikeId(v, param, Users.MAX_ID); }

    /** LiteLLM's member roles. */
    private static String role(JsonNode v, String param) {
        if (v == null || !v.isTextual() || !(v.textValue().equals("admin") || v.textValue().equals("user"))) {
            throw GatewayException.badRequest("'" + param + "' must be admin or user, found " + v + ".", param);
        }
        return v.textValue();
    }

    /** The member a body names by {@code user_id} or {@code user_email}: LiteLLM's 400 "User not found in team" else. */
    private static Team.Member memberNamed(Team t, ObjectNode body, String neither) {
        String userId = body.hasNonNull("user_id") ? body.get("user_id").asText() : null;
        String email = body.hasNonNull("user_email") ? body.get("user_email").asText() : null;
        if (userId == null && email == null) throw GatewayException.badRequest(neither, "user_id");
        for (Team.Member m : t.members()) {
            if (userId != null ? m.userId().equals(userId) : m.userEmail() != null && m.userEmail().equalsIgnoreCase(email)) return m;
        }
        throw GatewayException.badRequest("User not found in team", userId != null ? "user_id" : "user_email");
    }

    private static GatewayException alreadyInTeam(String message) {
        return new GatewayException(dev.switchboard.model.ErrorKind.BAD_REQUEST, 400, message, "member", "team_member_already_in_team",
                "team_member_already_in_team", null);
    }

    /** LiteLLM's team membership: the member's spend in the team this period and their budget. Blocks. */
    private ObjectNode membershipJson(Team t, Team.Member m, long now) {
        ObjectNode o = KeyJson.mapper().createObjectNode();
        o.put("user_id", m.userId());
        o.put("team_id", t.teamId());
        o.putNull("budget_id");
        TeamMember row = teams.members().row(TeamMember.id(t.teamId(), m.userId()));
        long since = Math.max(m.addedAt(), row == null ? 0 : teams.members().periodStart(row, now)); // from when they joined
        o.put("spend", BigDecimal.valueOf(store.memberSpentSince(t.teamId(), m.userId(), since), 9).stripTrailingZeros());
        ObjectNode b = o.putObject("litellm_budget_table");
        Double max = t.budgetOf(m);
        if (max == null) b.putNull("max_budget");
        else b.put("max_budget", BigDecimal.valueOf(max));
        b.put("budget_duration", t.budgetDuration() == null ? null : t.budgetDuration().text());
        b.putNull("soft_budget");
        RateLimiter.Limits limits = t.limitsOf(m); // their own, else the team's team_member_*_limit
        putLimit(b, "tpm_limit", limits.tpm());
        putLimit(b, "rpm_limit", limits.rpm());
        b.putNull("max_parallel_requests");
        return o;
    }

    private static void putLimit(ObjectNode o, String field, Long v) {
        if (v == null) o.putNull(field);
        else o.put(field, v);
    }

    /** The stored teams this user is a member of (for {@code /user/info} and {@code /user/list}). */
    List<String> teamsOfMember(String userId) { return teams.teamsOfMember(userId); }

    /** Takes these users out of every team they are a member of ({@code /user/delete}, as LiteLLM's does). */
    /**
     * A user {@code /user/new} made with a {@code team_id} becomes a member of that team when it is stored (LiteLLM's
     * {@code /user/new} adds them too); a label, or a member already, is left as it is.
     */
    Future<Void> join(String teamId, User u) {
        return change(() -> {
            long now = clock.getAsLong();
            Team t = store.change(List.of(teamId), rows -> {
                Team known = rows.get(teamId);
                if (known == null || known.member(u.userId()) != null) return List.of(); // a label, or a member already
                List<Team.Member> members = new ArrayList<>(known.members());
                members.add(new Team.Member(u.userId(), u.email(), "user", null, now));
                return List.of(known.withMembers(members, now));
            }).get(teamId);
            if (t != null) {
                teams.put(t, now);
                log.info("team {}: member {} added (/user/new with the team's id)", teamId, u.userId());
            }
            return null;
        });
    }

    Future<Void> removeMembers(List<String> userIds) {
        return change(() -> {
            long now = clock.getAsLong();
            Set<String> affected = new java.util.TreeSet<>();
            for (String u : userIds) affected.addAll(teams.teamsOfMember(u));
            if (affected.isEmpty()) return null;
            java.util.Map<String, Team> changed = store.change(affected, rows -> {
                List<Team> out = new ArrayList<>();
                for (Team t : rows.values()) {
                    List<Team.Member> rest = new ArrayList<>(t.members());
                    if (rest.removeIf(m -> userIds.contains(m.userId()))) out.add(t.withMembers(rest, now));
                }
                return out;
            });
            for (Team t : changed.values()) teams.put(t, now);
            log.info("user(s) {} taken out of {} team(s)", String.join(", ", userIds), changed.size());
            return null;
        });
    }

    /** A stored team as {@code /team/info} shows it (without its keys), or null. For {@code /user/info}. Blocks. */
    ObjectNode infoRow(String teamId, long now) {
        Team t = teams.row(teamId);
        return t == null ? null : json(t, now);
    }

    /**
     * By team id, the keys whose team_id names it, as {@code /key/info} shows them: one grouped sum for them all. The
     * caller wrote the ledger's queue already (once per admin request). Blocks.
     */
    private java.util.Map<String, ArrayNode> keysOf(List<Team> shown, long now) {
        java.util.Map<String, ArrayNode> out = new java.util.HashMap<>();
        keySpends.byTeamFlushed(shown.stream().map(Team::teamId).toList(), List.copyOf(keys.all()), now).forEach((id, list) -> {
            ArrayNode a = KeyJson.mapper().createArrayNode();
            a.addAll(list);
            out.put(id, a);
        });
        return out;
    }

    /** LiteLLM's team object ({@code LiteLLM_TeamTable}), with this period's spend from the ledger. Blocks. */
    private ObjectNode json(Team t, long now) {
        return json(t, now, store.spentSince(t.teamId(), teams.periodStart(t, now)));
    }

    private ObjectNode json(Team t, long now, long spentNanos) {
        ObjectNode o = KeyJson.mapper().createObjectNode();
        o.put("team_id", t.teamId());
        o.put("team_alias", t.alias());
        o.putNull("organization_id");
        ArrayNode admins = o.putArray("admins");
        ArrayNode memberIds = o.putArray("members");
        ArrayNode withRoles = o.putArray("members_with_roles");
        for (Team.Member m : t.members()) {
            (m.role().equals("admin") ? admins : memberIds).add(m.userId());
            ObjectNode w = withRoles.addObject();
            w.put("user_id", m.userId());
            w.put("user_email", m.userEmail());
            w.put("role", m.role());
        }
        if (t.memberBudget() == null) o.putNull("team_member_budget");
        else o.put("team_member_budget", BigDecimal.valueOf(t.memberBudget()));
        putLimit(o, "team_member_rpm_limit", t.memberRpmLimit());
        putLimit(o, "team_member_tpm_limit", t.memberTpmLimit());
        o.set("metadata", t.metadata() == null ? KeyJson.mapper().createObjectNode() : t.metadata());
        if (t.tpmLimit() == null) o.putNull("tpm_limit");
        else o.put("tpm_limit", t.tpmLimit());
        if (t.rpmLimit() == null) o.putNull("rpm_limit");
        else o.put("rpm_limit", t.rpmLimit());
        if (t.maxBudget() == null) o.putNull("max_budget");
        else o.put("max_budget", BigDecimal.valueOf(t.maxBudget()));
        o.putNull("soft_budget");
        DurationSpec p = t.maxBudget() == null ? null : t.budgetDuration();
        o.put("budget_duration", t.budgetDuration() == null ? null : t.budgetDuration().text());
        ArrayNode models = o.putArray("models");
        t.models().forEach(models::add);
        o.put("blocked", t.blocked());
        o.put("spend", BigDecimal.valueOf(spentNanos, 9).stripTrailingZeros());
        o.putNull("max_parallel_requests");
        o.put("budget_reset_at", p == null ? null : Instant.ofEpochMilli(BudgetPeriod.of(t).end(now)).toString());
        o.putNull("model_id");
        o.put("created_at", Instant.ofEpochMilli(t.createdAt()).toString());
        o.put("updated_at", Instant.ofEpochMilli(t.updatedAt()).toString());
        return o;
    }

    private static Team apply(Team base, ObjectNode b, Long runningStart, long now) {
        String alias = BudgetFields.alias(b, "team_alias", base.alias()); // the fields in the order their errors are reported
        boolean blocked = BudgetFields.blocked(b, base.blocked());
        Double max = BudgetFields.maxBudget(b, base.maxBudget(), "for none");
        BudgetFields.Period period = BudgetFields.rowPeriod(b, max, base.budgetDuration(), base.budgetAnchor(), base.budgetSpendFrom(),
                runningStart, now);
        if (period.duration() != null && max == null) {
            throw GatewayException.badRequest("'budget_duration' needs a 'max_budget': it is how often the team's budget resets.",
                    "budget_duration");
        }
        List<String> models = BudgetFields.models(b, base.models(), "all-team-models", "'all-team-models' is a key's entry (the "
                + "models of its team); a team's list names models, or 'all-proxy-models' for every one.");
        Long rpm = BudgetFields.limit(b, "rpm_limit", base.rpmLimit());
        Long tpm = BudgetFields.limit(b, "tpm_limit", base.tpmLimit());
        Double memberBudget = BudgetFields.maxBudget(b, base.memberBudget(), "for none", "team_member_budget");
        Long memberRpm = BudgetFields.limit(b, "team_member_rpm_limit", base.memberRpmLimit());
        Long memberTpm = BudgetFields.limit(b, "team_member_tpm_limit", base.memberTpmLimit());
        return new Team(base.teamId(), alias, max, period.duration(), period.anchor(), period.spendFrom(), models, rpm, tpm, blocked,
                BudgetFields.metadata(b, base.metadata()), base.createdAt(), now, memberBudget, base.members(), memberRpm, memberTpm);
    }

    private static String requiredId(ObjectNode body) {
        JsonNode v = body.get("team_id");
        if (v == null || v.isNull()) throw GatewayException.badRequest("'team_id' is required.", "team_id");
        return teamId(v, "team_id");
    }

    private static List<String> teamIds(ObjectNode body) { return ids(body, "team_ids", "team", Teams.MAX_ID); }

    private static String teamId(JsonNode v, String param) { return keyLikeId(v, param, Teams.MAX_ID); }

    /** Unknown fields refused; LiteLLM's member lists accepted empty; its other team fields refused by name unless they ask for nothing. */
    private static void onlyKnown(ObjectNode body) { onlyKnown(body, true); }

    /**
     * Unknown fields refused; LiteLLM's member lists taken by {@code /team/new} ({@code isNew}) and accepted empty by
     * {@code /team/update} (its members change through {@code /team/member_*}); its other team fields refused by name
     * unless they ask for nothing ({@link NothingAsked}).
     */
    private static void onlyKnown(ObjectNode body, boolean isNew) {
        Set<String> allowed = new java.util.HashSet<>(ROW_FIELDS);
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            JsonNode v = body.get(f);
            if (MEMBER_FIELDS.contains(f)) {
                if (isNew || v.isNull() || (v.isArray() && v.isEmpty())) {
                    allowed.add(f);
                    continue;
                }
                throw GatewayException.badRequest("'" + f + "': a team's members change through /team/member_add, "
                        + "/team/member_update and /team/member_delete; leave '" + f + "' out of /team/update.", f);
            }
        }
        onlyKnown(body, allowed, NOT_SUPPORTED, "team", isNew);
    }

    /**
     * The members {@code /team/new} names: LiteLLM's {@code members_with_roles} ({@code [{user_id | user_email, role}]}),
     * or its older lists of user ids, {@code members} and {@code admins}.
     */
    private static List<MemberAsked> membersOfNew(ObjectNode body) {
        List<MemberAsked> out = new ArrayList<>();
        for (String f : List.of("members_with_roles", "admins", "members")) {
            JsonNode v = body.get(f);
            if (v == null || v.isNull()) continue;
            if (!v.isArray()) throw GatewayException.badRequest("'" + f + "' must be a list.", f);
            for (int i = 0; i < v.size(); i++) {
                JsonNode m = v.get(i);
                if (f.equals("members_with_roles")) out.add(memberAsked(m, f + "[" + i + "]"));
                else out.add(new MemberAsked(memberId(m, f + "[" + i + "]"), null, f.equals("admins") ? "admin" : "user"));
            }
        }
        requireOnce(out, "members_with_roles");
        return out;
    }

    private static GatewayException teamNotFound(String id, String param) { return notFound("Team not found, passed team_id=" + id, param); }

    private static String fieldsOf(ObjectNode body) { return fieldsOf(body, "team_id"); }
}
