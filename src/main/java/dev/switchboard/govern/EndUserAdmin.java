package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.DurationSpec;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * LiteLLM's customer (end user) API, for the master key: {@code /customer/new}, {@code update}, {@code info},
 * {@code list}, {@code delete}, {@code block} and {@code unblock} (also spelled {@code /end_user/…}). Like
 * {@link KeyAdmin}: changes run one at a time on one worker, the store first, then memory, so the request path sees a
 * block or a new budget with the answer; spend comes from the ledger.
 */
public final class EndUserAdmin extends RowAdmin<EndUser> {
    /** What {@code /customer/new} and {@code update} take: the settable fields and the id. */
    private static final Set<String> ROW_FIELDS = Set.of("user_id", "alias", "blocked", "max_budget", "budget_duration", "metadata");
    /** LiteLLM's other customer fields: refused by name, so a copied script learns what is not applied. */
    private static final Set<String> NOT_SUPPORTED = Set.of("budget_id", "allowed_model_region", "default_model", "tpm_limit",
            "rpm_limit", "model_max_budget", "max_parallel_requests", "soft_budget", "spend", "budget_reset_at", "object_permission");

    private final EndUserStore store;
    private final EndUsers endUsers;

    EndUserAdmin(Vertx vertx, EndUserStore store, EndUsers endUsers, LongSupplier clock) {
        super(vertx, store, endUsers, clock, "switchboard-customer-admin", "end user");
        this.store = store;
        this.endUsers = endUsers;
    }

    /** {@code POST /customer/new}: LiteLLM's 400 when the end user exists already. */
    public Future<ObjectNode> create(ObjectNode body) {
        return change(() -> {
            onlyKnown(body, ROW_FIELDS, true);
            String id = userId(body);
            long now = clock.getAsLong();
            EndUser u = apply(EndUser.blank(id, now), body, null, now);
            if (!store.insert(u)) {
                throw GatewayException.badRequest("Customer already exists, passed user_id=" + id + ". Please pass a new user_id.", "user_id");
            }
            endUsers.put(u, now);
            log.info("end user {} added: {}", id, fieldsOf(body));
            return json(u, now);
        });
    }

    /**
     * {@code POST /customer/update}: fields left out keep their values. The row is read from the store in the write's
     * own transaction, not from memory, which another gateway's change may not have reached yet (its sync runs every 2 s).
     */
    public Future<ObjectNode> update(ObjectNode body) {
        return change(() -> {
            onlyKnown(body, ROW_FIELDS, false);
            String id = userId(body);
            long now = clock.getAsLong();
            EndUser u = store.change(List.of(id), found -> {
                EndUser known = found.get(id);
                if (known == null) throw notFound("End User Id=" + id + " does not exist in db", "user_id");
                return List.of(apply(known, body, BudgetPeriod.of(known).start(now), now));
            }).get(id);
            endUsers.put(u, now);
            log.info("end user {} updated: {}", id, fieldsOf(body));
            return json(u, now);
        });
    }

    /** {@code GET /customer/info?end_user_id=…}: the row with this period's spend. */
    public Future<ObjectNode> info(String id) {
        if (id == null || id.isBlank()) {
            return Future.failedFuture(GatewayException.badRequest("Name the end user: /customer/info?end_user_id=<id>.", "end_user_id"));
        }
        return vertx.executeBlocking(() -> {
            flushLedger.run();
            long now = clock.getAsLong();
            EndUser u = store.get(id); // the store: a row another gateway made a moment ago is there, not yet in memory
            if (u != null) return json(u, now);
            // an end user without a row of their own who has called: LiteLLM has a row for them (made by their spend)
            if (id.length() <= EndUsers.MAX_ID && store.spentSince(id, 0) > 0) return json(EndUser.blank(id, 0), now);
            throw notFound("End User Id=" + id + " does not exist in db", "end_user_id");
        }, false);
    }

    /** {@code GET /customer/list}: every stored end user (LiteLLM answers a JSON array). */
    public Future<ArrayNode> list() {
        return vertx.executeBlocking(() -> {
            flushLedger.run();
            long now = clock.getAsLong();
            ArrayNode out = KeyJson.mapper().createArrayNode();
            // one grouped read for the budgets that never reset; a row with periods reads its own period's sum
            java.util.Map<String, Long> forEver = store.spentForEverByRow();
            for (EndUser u : endUsers.rows()) {
                out.add(endUsers.periodStart(u, now) == 0 ? json(u, now, forEver.getOrDefault(u.userId(), 0L)) : json(u, now));
            }
            return out;
        }, false);
    }

    /** {@code POST /customer/delete} with {@code user_ids}: all of them, or none when one is unknown (LiteLLM's 404). */
    public Future<ObjectNode> delete(ObjectNode body) {
        return change(() -> {
            onlyKnown(body, Set.of("user_ids"), false);
            List<String> ids = userIds(body);
            List<String> missing = store.deleteAll(ids);
            if (!missing.isEmpty()) {
                throw notFound("End User Id(s)=" + String.join(", ", missing) + " do not exist in db", "user_ids");
            }
            long now = clock.getAsLong();
            for (String id : ids) endUsers.remove(id, now);
            log.info("end user(s) deleted: {}", String.join(", ", ids));
            ObjectNode out = KeyJson.mapper().createObjectNode();
            out.put("deleted_customers", ids.size());
            out.put("message", "Successfully deleted customers with ids: " + ids);
            return out;
        });
    }

    /**
     * {@code POST /customer/block} and {@code /customer/unblock} with {@code user_ids}. Blocking an end user who has no
     * row makes one (LiteLLM's upsert): a block needs no other setting.
     */
    public Future<ObjectNode> block(ObjectNode body, boolean blocked) {
        return change(() -> {
            onlyKnown(body, Set.of("user_ids"), false);
            List<String> ids = userIds(body);
            long now = clock.getAsLong();
            java.util.Collection<EndUser> rows = store.change(ids, blocked ? id -> EndUser.blank(id, now) : null, found -> {
                List<EndUser> out = new ArrayList<>();
                for (String id : ids) {
                    EndUser known = found.get(id);
                    if (known == null && !blocked) throw notFound("End User Id=" + id + " does not exist in db", "user_ids");
                    out.add((known == null ? EndUser.blank(id, now) : known).withBlocked(blocked, now));
                }
                return out;
            }).values();
            for (EndUser u : rows) endUsers.put(u, now);
            log.info("end user(s) {}: {}", blocked ? "blocked" : "unblocked", String.join(", ", ids));
            ObjectNode out = KeyJson.mapper().createObjectNode();
            ArrayNode list = out.putArray(blocked ? "blocked_users" : "unblocked_users");
            for (EndUser u : rows) list.add(json(u, now));
            return out;
        });
    }

    /** LiteLLM's customer object ({@code LiteLLM_EndUserTable}), with this period's spend from the ledger. Blocks. */
    private ObjectNode json(EndUser u, long now) {
        return json(u, now, store.spentSince(u.userId(), endUsers.periodStart(u, now)));
    }

    private ObjectNode json(EndUser u, long now, long spentNanos) {
        ObjectNode o = KeyJson.mapper().createObjectNode();
        o.put("user_id", u.userId());
        o.put("alias", u.alias());
        o.put("spend", usd(spentNanos));
        o.putNull("allowed_model_region");
        o.putNull("default_model");
        o.putNull("budget_id");
        long max = endUsers.maxNanos(u);
        if (max == Budget.NO_LIMIT) {
            o.putNull("litellm_budget_table");
        } else {
            ObjectNode b = o.putObject("litellm_budget_table");
            b.put("max_budget", usd(max));
            boolean own = u.maxBudget() != null;
            b.put("budget_duration", own && u.budgetDuration() != null ? u.budgetDuration().text() : null);
            DurationSpec p = own ? u.budgetDuration() : null;
            b.put("budget_reset_at", p == null ? null : Instant.ofEpochMilli(BudgetPeriod.of(u).end(now)).toString());
            b.put("default", !own); // Switchboard's: the budget is litellm_settings.max_end_user_budget
        }
        o.put("blocked", u.blocked());
        o.set("metadata", u.metadata());
        // an end user who only spent has no row: no time it was made
        o.put("created_at", u.createdAt() == 0 ? null : Instant.ofEpochMilli(u.createdAt()).toString());
        o.put("updated_at", u.updatedAt() == 0 ? null : Instant.ofEpochMilli(u.updatedAt()).toString());
        return o;
    }

    private static EndUser apply(EndUser base, ObjectNode b, Long runningStart, long now) {
        String alias = BudgetFields.alias(b, "alias", base.alias()); // the fields in the order their errors are reported
        boolean blocked = BudgetFields.blocked(b, base.blocked());
        Double max = BudgetFields.maxBudget(b, base.maxBudget(), "for the default, litellm_settings.max_end_user_budget");
        BudgetFields.Period period = BudgetFields.rowPeriod(b, max, base.budgetDuration(), base.budgetAnchor(), base.budgetSpendFrom(),
                runningStart, now);
        if (period.duration() != null && max == null) {
            throw GatewayException.badRequest("'budget_duration' needs a 'max_budget' of the end user's own: the default budget "
                    + "(litellm_settings.max_end_user_budget) never resets.", "budget_duration");
        }
        return new EndUser(base.userId(), alias, max, period.duration(), period.anchor(), period.spendFrom(), blocked,
                BudgetFields.metadata(b, base.metadata()), base.createdAt(), now);
    }

    private static String userId(ObjectNode body) {
        JsonNode v = body.get("user_id");
        if (v == null || v.isNull()) throw GatewayException.badRequest("'user_id' is required: the end user's id, as requests "
                + "name it in 'user'.", "user_id");
        // logged when the customer is added, and shown in reports: no control characters, as for every admin-set name
        return withoutControl(checkedId(v, "user_id", EndUsers.MAX_ID), "user_id");
    }

    private static List<String> userIds(ObjectNode body) { return ids(body, "user_ids", "end user", EndUsers.MAX_ID); }

    private static void onlyKnown(ObjectNode body, Set<String> allowed, boolean creating) {
        onlyKnown(body, allowed, NOT_SUPPORTED, "customer", creating);
    }

    private static BigDecimal usd(long nanos) { return BigDecimal.valueOf(nanos, 9).stripTrailingZeros(); }

    private static String fieldsOf(ObjectNode body) { return fieldsOf(body, "user_id"); }
}
