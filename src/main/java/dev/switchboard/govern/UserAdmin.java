package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.DurationSpec;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * LiteLLM's internal-user API, for the master key: {@code /user/new} (which makes the user's first key too, as LiteLLM's
 * {@code auto_create_key} does), {@code info}, {@code update}, {@code list} and {@code delete} (which deletes the user's
 * keys with them, as LiteLLM does). A stored user governs every key whose {@code user_id} names them: their budget and
 * model list hold their own keys (the keys of no team), their rate limits all of them. Like {@link TeamAdmin}: changes
 * run one at a time on one worker, the store first, then memory; spend comes from the ledger.
 */
public final class UserAdmin extends RowAdmin<User> {
    /** What {@code /user/new} and {@code update} set on the user. */
    private static final Set<String> ROW_FIELDS = Set.of("user_id", "user_alias", "user_email", "user_role", "max_budget",
            "budget_duration", "models", "rpm_limit", "tpm_limit", "metadata");
    /** What {@code /user/new} passes on to the key it makes (LiteLLM's key fields of its request). */
    private static final Set<String> KEY_FIELDS = Set.of("key_alias", "duration", "team_id", "aliases", "allowed_cache_controls",
            "blocked", "max_parallel_requests", "tags");
    /** LiteLLM's other user fields: refused by name unless they ask for nothing, so a copied script learns what is not applied. */
    private static final Set<String> NOT_SUPPORTED = Set.of("teams", "organizations", "send_invite_email", "sso_user_id",
            "password", "spend", "soft_budget", "model_max_budget", "model_rpm_limit", "model_tpm_limit", "guardrails", "policies",
            "prompts", "permissions", "config", "object_permission", "agent_id", "budget_reset_at", "organization_id");
    private static final Set<String> SORTS = Set.of("user_id", "user_email", "created_at", "spend", "user_alias", "user_role");

    private final UserStore store;
    private final Users users;
    private final KeyRegistry keys;
    private final KeyAdmin keyAdmin;
    private final GovernSettings.UserDefaults defaults;
    /** Set by governance: a user's teams (memberships) are shown, and a deleted user leaves them. */
    private volatile TeamAdmin teamAdmin;

    void teams(TeamAdmin teams) { this.teamAdmin = teams; }

    /** @param defaults LiteLLM's {@code max_internal_user_budget} / {@code internal_user_budget_duration} */
    UserAdmin(Vertx vertx, UserStore store, Users users, KeyRegistry keys, KeyAdmin keyAdmin, LongSupplier clock,
              GovernSettings.UserDefaults defaults) {
        super(vertx, store, users, clock, "switchboard-user-admin", "user");
        this.defaults = defaults;
        this.store = store;
        this.users = users;
        this.keys = keys;
        this.keyAdmin = keyAdmin;
    }

    /** What a {@code models} entry may name: the keys' check (set by Governance once the router is known). */
    private Supplier<KeyModelCheck> modelCheck = () -> KeyModelCheck.NONE;

    void modelCheck(Supplier<KeyModelCheck> check) { this.modelCheck = check; }

    /**
     * {@code POST /user/new}: the user, and unless {@code auto_create_key} is false their first key (with the request's
     * key fields and the user's metadata; the user's budget, models and limits hold it, so it has none of its own and a
     * change to the user's reaches it: LiteLLM copies the models and limits onto the key. A key given a {@code team_id}
     * is the team's, which the user's models and budget do not hold, so it gets the user's models, as LiteLLM's does).
     * The answer is LiteLLM's: the key's fields with the user's over them, and {@code key}, the secret ({@code ""}
     * without a key).
     */
    public Future<ObjectNode> create(ObjectNode body) {
        return this.<User>change(() -> {
            boolean autoKey = autoCreateKey(body);
            onlyKnown(body, true);
            if (!autoKey) {
                for (String f : KEY_FIELDS) {
                    // null, false, [] and {} ask for nothing: NewUserRequest's defaults (aliases {}, allowed_cache_controls [],
                    // blocked null), which LiteLLM's clients send on every /user/new
                    if (body.has(f) && !NothingAsked.of(f, body.get(f), true)) {
                        throw GatewayException.badRequest("'" + f + "' is a field of the key /user/new makes, and "
                                + "'auto_create_key' is false: leave it out, or make the key with /key/generate.", f);
                    }
                }
            }
            String id = body.hasNonNull("user_id") ? userId(body.get("user_id"), "user_id") : java.util.UUID.randomUUID().toString();
            long now = clock.getAsLong();
            User u = apply(User.blank(id, now), withDefaults(body), null, now);
            modelCheck.get().checkSent(body, List.of()); // the request's list, not the config's defaults
            if (store.get(id) != null) throw conflict("User with id " + id + " already exists");
            requireFreeEmail(u.email(), id);
            return u;
        }).compose(u -> {
            if (!autoCreateKey(body)) return insert(u).compose(x -> answer(u, null));
            String team = body.hasNonNull("team_id") && body.get("team_id").isTextual() ? body.get("team_id").textValue().strip() : null;
            ObjectNode keyBody = KeyJson.mapper().createObjectNode();
            for (String f : KEY_FIELDS) if (body.has(f)) keyBody.set(f, body.get(f));
            keyBody.put("user_id", u.userId());
            if (u.metadata() != null) keyBody.set("metadata", u.metadata());
            if (body.hasNonNull("team_id") && !u.models().isEmpty()) keyBody.set("models", KeyJson.mapper().valueToTree(u.models()));
            return keyAdmin.generate(keyBody).compose(key -> insert(u)
                    // the user could not be stored (made elsewhere a moment ago): their key goes too
                    .recover(e -> keyAdmin.deleteIds(List.of(key.get("key_id").asText()), "its user could not be stored")
                            .transform(ignored -> Future.failedFuture(e)))
                    .compose(x -> team == null ? Future.<Void>succeededFuture() : teamAdmin.join(team, u))
                    .compose(x -> answer(u, key)));
        });
    }

    /** Stores a new user (LiteLLM's 409 when the id or the email was taken meanwhile) and takes it in. */
    private Future<Void> insert(User u) {
        return change(() -> {
            requireFreeEmail(u.email(), u.userId());
            boolean inserted;
            try {
                inserted = store.insert(u);
            } catch (RuntimeException e) {
                throw emailTakenOr(e, u.email());
            }
            if (!inserted) throw conflict("User with id " + u.userId() + " already exists");
            users.put(u, clock.getAsLong());
            return null;
        });
    }

    /** {@code /user/new}'s answer: the key's fields (when one was made) with the user's over them, and the secret. */
    private Future<ObjectNode> answer(User u, ObjectNode key) {
        return vertx.executeBlocking(() -> {
            log.info("user {} added{}", u.userId(), key == null ? " (no key)" : ", with key " + key.path("key_id").asText());
            ObjectNode out = key == null ? KeyJson.mapper().createObjectNode() : key.deepCopy();
            ObjectNode user = json(u, clock.getAsLong()); // their own spend: their user_id may have been a label of keys before
            if (key != null) { // the key's own, not the user's (which has none)
                user.remove("team_id");
                user.remove("max_parallel_requests");
            }
            out.setAll(user);
            out.put("key", key == null ? "" : key.get("key").asText());
            return out;
        }, false);
    }

    /** {@code POST /user/update}: by {@code user_id} (or LiteLLM's {@code user_email}); fields left out keep their values. */
    public Future<ObjectNode> update(ObjectNode body) {
        return change(() -> {
            onlyKnown(body, false);
            String id;
            if (body.hasNonNull("user_id")) id = userId(body.get("user_id"), "user_id");
            else if (body.hasNonNull("user_email") && body.get("user_email").isTextual()) {
                id = store.idByEmail(body.get("user_email").textValue());
                if (id == null) throw notFound("User not found, passed user_email=" + body.get("user_email").textValue(), "user_email");
            } else throw GatewayException.badRequest("Either user id or user email must be provided", "user_id");
            long now = clock.getAsLong();
            String named = id;
            if (body.hasNonNull("user_id") && body.hasNonNull("user_email") && body.get("user_email").isTextual()) {
                requireFreeEmail(body.get("user_email").textValue().strip(), id); // before the write: a 409, not the index's error
            }
            User u;
            try {
                u = store.change(List.of(id), found -> {
                    User known = found.get(named);
                    if (known == null) throw userNotFound(named, "user_id");
                    User changed = apply(known, body, BudgetPeriod.of(known).start(now), now);
                    modelCheck.get().checkSent(body, known.models()); // the stored entries not checked again
                    return List.of(changed);
                }).get(id);
            } catch (RuntimeException e) {
                throw emailTakenOr(e, body.path("user_email").asText(null));
            }
            users.put(u, now);
            log.info("user {} updated: {}", id, fieldsOf(body, "user_id"));
            ObjectNode out = KeyJson.mapper().createObjectNode();
            out.put("user_id", id);
            out.set("data", json(u, now));
            return out;
        });
    }

    /** {@code GET /user/info?user_id=…}: LiteLLM's {@code {"user_id", "user_info", "keys", "teams"}}. */
    public Future<ObjectNode> info(String id) {
        if (id == null || id.isBlank()) {
            return Future.failedFuture(GatewayException.badRequest("Name the user: /user/info?user_id=<id>.", "user_id"));
        }
        return vertx.executeBlocking(() -> {
            flushLedger.run();
            long now = clock.getAsLong();
            User u = store.get(id); // the store: a user another gateway made a moment ago is there, not yet in memory
            if (u == null) throw notFound("User " + id + " not found", "user_id"); // LiteLLM's words
            ObjectNode out = KeyJson.mapper().createObjectNode();
            out.put("user_id", id);
            out.set("user_info", json(u, now));
            ArrayNode keyList = out.putArray("keys");
            Set<String> teamIds = new java.util.TreeSet<>(teamAdmin.teamsOfMember(id)); // LiteLLM's: the teams they are in
            List<KeyState> theirs = keys.all().stream().filter(s -> id.equals(s.key().userId())).toList();
            keyList.addAll(keyAdmin.spends().jsonFlushed(theirs, now)); // flushed above: once a request
            for (KeyState s : theirs) {
                if (s.key().teamId() != null) teamIds.add(s.key().teamId()); // and the stored teams of their keys
            }
            ArrayNode teamList = out.putArray("teams");
            for (String t : teamIds) {
                ObjectNode team = teamAdmin.infoRow(t, now);
                if (team != null) teamList.add(team);
            }
            return out;
        }, false);
    }

    /**
     * {@code GET /user/list}: LiteLLM's page ({@code users}, {@code total}, {@code page}, {@code page_size},
     * {@code total_pages}), newest first unless {@code sort_by} says otherwise; each user with their {@code key_count}.
     */
    public Future<ObjectNode> list(String role, String userIds, String email, String sortBy, String sortOrder, int page, int pageSize) {
        if (role != null && !User.ROLES.contains(role)) return Future.failedFuture(badRole(role, "role"));
        if (sortBy != null && !SORTS.contains(sortBy)) {
            return Future.failedFuture(GatewayException.badRequest("Invalid sort column. Must be one of: " + String.join(", ",
                    new java.util.TreeSet<>(SORTS)), "sort_by"));
        }
        if (sortOrder != null && !sortOrder.equals("asc") && !sortOrder.equals("desc")) {
            return Future.failedFuture(GatewayException.badRequest("'sort_order' must be asc or desc.", "sort_order"));
        }
        return vertx.executeBlocking(() -> {
            flushLedger.run();
            long now = clock.getAsLong();
            Set<String> ids = null;
            if (userIds != null) {
                ids = new HashSet<>();
                for (String id : userIds.split(",")) if (!id.isBlank()) ids.add(id.strip());
            }
            List<User> found = new ArrayList<>();
            for (User u : users.rows()) {
                if (role != null && !role.equals(u.role())) continue;
                if (ids != null && !ids.contains(u.userId())) continue;
                if (email != null && (u.email() == null || !u.email().toLowerCase(Locale.ROOT).contains(email.toLowerCase(Locale.ROOT)))) continue;
                found.add(u);
            }
            String by = sortBy == null ? "created_at" : sortBy;
            boolean desc = sortOrder == null ? sortBy == null : sortOrder.equals("desc"); // LiteLLM: newest first by default
            // spend is read for the page only (one ledger read a user), unless the page is chosen by it
            java.util.Map<String, Long> spent = new java.util.HashMap<>();
            if (by.equals("spend")) for (User u : found) spent.put(u.userId(), spentNow(u, now));
            Comparator<User> order = switch (by) {
                case "spend" -> Comparator.comparingLong((User u) -> spent.get(u.userId()));
                case "created_at" -> Comparator.comparingLong(User::createdAt);
                case "user_email" -> Comparator.comparing((User u) -> u.email() == null ? "" : u.email());
                case "user_alias" -> Comparator.comparing((User u) -> u.alias() == null ? "" : u.alias());
                case "user_role" -> Comparator.comparing(User::role);
                default -> Comparator.comparing(User::userId);
            };
            order = order.thenComparing(User::userId);
            found.sort(desc ? order.reversed() : order);
            java.util.Map<String, Integer> keyCounts = new java.util.HashMap<>();
            for (KeyState s : keys.all()) if (s.key().userId() != null) keyCounts.merge(s.key().userId(), 1, Integer::sum);
            return page("users", found, page, pageSize, u -> {
                Long known = spent.get(u.userId());
                ObjectNode o = json(u, now, known != null ? known : spentNow(u, now));
                o.put("key_count", keyCounts.getOrDefault(u.userId(), 0));
                return o;
            });
        }, false);
    }

    /**
     * {@code POST /user/delete} with {@code user_ids}: all of them and their keys (LiteLLM deletes a user's keys with
     * them: a person who leaves takes their keys along), or nothing when one is unknown (LiteLLM's 404).
     */
    public Future<ObjectNode> delete(ObjectNode body) {
        return this.<List<String>>change(() -> {
            KeyFields.onlyKnown(body, Set.of("user_ids"));
            List<String> ids = ids(body, "user_ids", "user", Users.MAX_ID);
            for (String id : ids) if (store.get(id) == null) throw userNotFound(id, "user_ids");
            return ids;
        }).compose(ids -> {
            // their keys first: a user deleted before them would leave keys no user row governs any more
            Future<List<String>> deletedKeys = Future.succeededFuture(List.of());
            for (String id : ids) {
                deletedKeys = deletedKeys.compose(sofar -> keyAdmin.deleteKeysOf(id, null, "its user was deleted").map(more -> {
                    List<String> all = new ArrayList<>(sofar);
                    all.addAll(more);
                    return all;
                }));
            }
            // then out of their teams (LiteLLM's does too): a user made later with the id is no member by inheritance
            return deletedKeys.compose(deleted -> teamAdmin.removeMembers(ids).map(x -> deleted)).compose(deleted -> change(() -> {
                List<String> missing = store.deleteAll(ids);
                if (!missing.isEmpty()) { // deleted meanwhile (another gateway): the others go too, as asked
                    List<String> rest = ids.stream().filter(id -> !missing.contains(id)).toList();
                    if (!rest.isEmpty()) store.deleteAll(rest);
                }
                long now = clock.getAsLong();
                for (String id : ids) users.remove(id, now);
                log.info("user(s) deleted: {} (and {} key(s) of theirs)", String.join(", ", ids), deleted.size());
                ObjectNode out = KeyJson.mapper().createObjectNode();
                ArrayNode du = out.putArray("deleted_users");
                ids.forEach(du::add);
                ArrayNode dk = out.putArray("deleted_keys");
                deleted.forEach(dk::add);
                return out;
            }));
        });
    }

    /**
     * The users these {@code {user_id, user_email}} pairs name, made when there are none (LiteLLM's team member_add does:
     * an internal user, with {@code max_internal_user_budget} if set; one named by email only gets a new id). Blocks:
     * called from the team API's worker.
     */
    List<User> ensure(List<String[]> asked) {
        // all checked first, then made: a refusal (an email another user has) leaves no user of the request behind
        long now = clock.getAsLong();
        List<User> out = new ArrayList<>();
        List<Integer> toMake = new ArrayList<>();
        for (String[] a : asked) {
            String id = a[0] != null ? a[0] : store.idByEmail(a[1]);
            User u = id == null ? null : store.get(id);
            if (u == null) {
                ObjectNode b = KeyJson.mapper().createObjectNode();
                if (a[1] != null) b.put("user_email", a[1]);
                u = apply(User.blank(id != null ? id : java.util.UUID.randomUUID().toString(), now), withDefaults(b), null, now);
                requireFreeEmail(u.email(), u.userId());
                toMake.add(out.size());
            }
            out.add(u);
        }
        for (int i : toMake) {
            User u = out.get(i);
            boolean made;
            try {
                made = store.insert(u);
            } catch (RuntimeException e) {
                // the email was given to a user another gateway made a moment ago: that user is the member
                String holder = u.email() == null ? null : store.idByEmail(u.email());
                if (holder == null || asked.get(i)[0] != null) throw emailTakenOr(e, u.email());
                out.set(i, store.get(holder));
                continue;
            }
            if (!made) { // made elsewhere a moment ago
                User there = store.get(u.userId());
                if (there == null) throw conflict("User with id " + u.userId() + " changed meanwhile: send the request again");
                out.set(i, there);
                continue;
            }
            users.put(u, now);
            log.info("user {} added (a new team member)", u.userId());
        }
        return out;
    }

    /** The user as {@code /user/info} shows them. Blocks. */
    ObjectNode userJson(User u, long now) { return json(u, now); }

    /** Deletes a user's keys of a team (a member leaving it, as LiteLLM's member_delete does). @return their tokens */
    Future<List<String>> deleteKeysOf(String userId, String teamId) {
        return keyAdmin.deleteKeysOf(userId, teamId, "its user left team " + teamId);
    }

    /** A stored user as {@code /user/info} shows them, or null: {@code /key/list?expand=user}'s. Blocks. */
    ObjectNode row(String id) {
        User u = store.get(id);
        return u == null ? null : json(u, clock.getAsLong());
    }

    private long spentNow(User u, long now) { return store.spentSince(u.userId(), users.periodStart(u, now)); }

    /** LiteLLM's user object ({@code LiteLLM_UserTable}), with this period's spend of their own keys from the ledger. Blocks. */
    private ObjectNode json(User u, long now) {
        return json(u, now, spentNow(u, now));
    }

    private ObjectNode json(User u, long now, long spentNanos) {
        ObjectNode o = KeyJson.mapper().createObjectNode();
        o.put("user_id", u.userId());
        o.put("user_alias", u.alias());
        o.put("user_email", u.email());
        o.put("user_role", u.role());
        o.putNull("team_id");
        ArrayNode teamIds = o.putArray("teams"); // LiteLLM's: the ids of the teams they are a member of
        if (teamAdmin != null) teamAdmin.teamsOfMember(u.userId()).forEach(teamIds::add);
        o.putNull("organization_id");
        if (u.maxBudget() == null) o.putNull("max_budget");
        else o.put("max_budget", BigDecimal.valueOf(u.maxBudget()));
        o.put("spend", BigDecimal.valueOf(spentNanos, 9).stripTrailingZeros());
        DurationSpec p = u.maxBudget() == null ? null : u.budgetDuration();
        o.put("budget_duration", u.budgetDuration() == null ? null : u.budgetDuration().text());
        o.put("budget_reset_at", p == null ? null : Instant.ofEpochMilli(BudgetPeriod.of(u).end(now)).toString());
        ArrayNode models = o.putArray("models");
        u.models().forEach(models::add);
        if (u.tpmLimit() == null) o.putNull("tpm_limit");
        else o.put("tpm_limit", u.tpmLimit());
        if (u.rpmLimit() == null) o.putNull("rpm_limit");
        else o.put("rpm_limit", u.rpmLimit());
        o.putNull("max_parallel_requests");
        o.set("metadata", u.metadata() == null ? KeyJson.mapper().createObjectNode() : u.metadata());
        o.put("created_at", Instant.ofEpochMilli(u.createdAt()).toString());
        o.put("updated_at", Instant.ofEpochMilli(u.updatedAt()).toString());
        return o;
    }

    private static User apply(User base, ObjectNode b, Long runningStart, long now) {
        String alias = BudgetFields.alias(b, "user_alias", base.alias()); // the fields in the order their errors are reported
        String email = base.email();
        if (b.has("user_email")) {
            JsonNode v = b.get("user_email");
            if (v.isNull()) email = null;
            else if (!v.isTextual() || v.textValue().isBlank() || v.textValue().length() > 255) {
                throw GatewayException.badRequest("'user_email' must be a non-empty string of at most 255 characters (or null).", "user_email");
            } else email = v.textValue().strip();
        }
        String role = base.role();
        if (b.has("user_role") && !b.get("user_role").isNull()) {
            JsonNode v = b.get("user_role");
            if (!v.isTextual() || !User.ROLES.contains(v.textValue())) throw badRole(v.toString(), "user_role");
            role = v.textValue();
        }
        Double max = BudgetFields.maxBudget(b, base.maxBudget(), "for none");
        BudgetFields.Period period = BudgetFields.rowPeriod(b, max, base.budgetDuration(), base.budgetAnchor(), base.budgetSpendFrom(),
                runningStart, now);
        if (period.duration() != null && max == null) {
            throw GatewayException.badRequest("'budget_duration' needs a 'max_budget': it is how often the user's budget resets.",
                    "budget_duration");
        }
        List<String> models = BudgetFields.models(b, base.models(), "no-default-models", "LiteLLM's 'no-default-models' (the "
                + "user may call models only through a team's keys) is not applied: give the user's keys a team instead, or "
                + "name the models they may use.");
        if (models.contains("all-team-models")) {
            throw GatewayException.badRequest("'all-team-models' is a key's entry (the models of its team); a user's list names "
                    + "models, or 'all-proxy-models' for every one.", "models");
        }
        return new User(base.userId(), alias, email, role, max, period.duration(), period.anchor(), period.spendFrom(), models,
                BudgetFields.limit(b, "rpm_limit", base.rpmLimit()), BudgetFields.limit(b, "tpm_limit", base.tpmLimit()),
                BudgetFields.metadata(b, base.metadata()), base.createdAt(), now);
    }

    /**
     * The body with LiteLLM's defaults for an internal user given no budget ({@code max_internal_user_budget}, and
     * {@code internal_user_budget_duration} unless a duration is given), as LiteLLM's {@code /user/new} fills them in.
     */
    private ObjectNode withDefaults(ObjectNode body) {
        JsonNode role = body.get("user_role");
        boolean internal = role == null || role.isNull() || "internal_user".equals(role.asText());
        if (!internal || body.hasNonNull("max_budget") || defaults.maxBudget() == null) return body;
        ObjectNode b = body.deepCopy();
        b.put("max_budget", defaults.maxBudget());
        if (!b.hasNonNull("budget_duration") && defaults.budgetDuration() != null) b.put("budget_duration", defaults.budgetDuration().text());
        return b;
    }

    /** LiteLLM's 409 for an email another user has (compared without case). Blocks. */
    private void requireFreeEmail(String email, String userId) {
        if (email == null) return;
        String holder = store.idByEmail(email);
        if (holder != null && !holder.equals(userId)) throw conflict("User with email " + email + " already exists");
    }

    private static boolean autoCreateKey(ObjectNode body) {
        JsonNode v = body.get("auto_create_key");
        if (v == null || v.isNull()) return true;
        if (!v.isBoolean()) throw GatewayException.badRequest("'auto_create_key' must be true or false.", "auto_create_key");
        return v.booleanValue();
    }

    private static GatewayException badRole(String found, String param) {
        return GatewayException.badRequest("'" + param + "' must be one of " + String.join(", ", User.ROLES) + ", found " + found
                + ". (LiteLLM's team and customer roles are not a user's.)", param);
    }

    /**
     * LiteLLM's 409 when the store's unique index refused an email another gateway gave a user a moment ago (checked
     * before, so only that race reaches the index); any other failure as it is.
     */
    private static RuntimeException emailTakenOr(RuntimeException e, String email) {
        java.sql.SQLException sql = dev.switchboard.store.Database.uniqueViolation(e);
        if (sql != null && ("23505".equals(sql.getSQLState()) || String.valueOf(sql.getMessage()).contains("users_email")
                || String.valueOf(sql.getMessage()).contains("users.user_email"))) {
            return conflict("User with email " + email + " already exists");
        }
        return e;
    }

    private static GatewayException conflict(String message) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 409, message, message.startsWith("User with email") ? "user_email" : "user_id",
                "conflict", null, null);
    }

    private static String userId(JsonNode v, String param) { return keyLikeId(v, param, Users.MAX_ID); }

    /** Unknown fields refused; LiteLLM's other user fields refused by name unless they ask for nothing (null, [], false, …). */
    private static void onlyKnown(ObjectNode body, boolean isNew) {
        Set<String> allowed = new HashSet<>(ROW_FIELDS);
        if (isNew) {
            allowed.addAll(KEY_FIELDS);
            allowed.add("auto_create_key");
        }
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            JsonNode v = body.get(f);
            if (f.equals("teams") && v.isArray() && !v.isEmpty()) {
                throw GatewayException.badRequest("'teams': add the user to a team with /team/member_add (and give them a key "
                        + "of the team: /key/generate with user_id and team_id), or leave 'teams' out.", f);
            }
        }
        onlyKnown(body, allowed, NOT_SUPPORTED, "user", isNew);
    }

    private static GatewayException userNotFound(String id, String param) { return notFound("User not found, passed user_id=" + id, param); }
}
