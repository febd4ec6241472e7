package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What LiteLLM's customer, team and user APIs share ({@link EndUserAdmin}, {@link TeamAdmin}, {@link UserAdmin}):
 * changes run one at a time on one worker, the store first, then memory, so the request path sees a block or a new
 * budget with the answer; reads run on the worker pool (a long list never holds up changes); the rows other gateways
 * changed are taken in every key sync.
 */
abstract class RowAdmin<R extends BudgetedRow> {
    static final Logger log = LoggerFactory.getLogger("switchboard.budget");

    final RowTable<R> store;
    final RowBudgets<R> rows;
    final LongSupplier clock;
    final Vertx vertx;
    private final WorkerExecutor worker;
    private final String what;
    private final java.util.concurrent.atomic.AtomicBoolean syncing = new java.util.concurrent.atomic.AtomicBoolean();
    /** Writes what the ledger still queues, before spend is read (set by the pipeline, which owns the ledger). */
    volatile Runnable flushLedger = () -> {};

    /** @param what the rows' name in log lines ({@code end user}, {@code team}) */
    RowAdmin(Vertx vertx, RowTable<R> store, RowBudgets<R> rows, LongSupplier clock, String workerName, String what) {
        this.store = store;
        this.rows = rows;
        this.clock = clock;
        this.vertx = vertx;
        this.worker = vertx.createSharedWorkerExecutor(workerName, 1);
        this.what = what;
    }

    /** What writes the ledger's queued rows: info and list then show every call that ended. */
    public void flushLedgerWith(Runnable flush) { this.flushLedger = flush; }

    /** Takes in the rows other gateways on the same database added, changed or deleted (every key sync). */
    Future<Integer> syncFromStore() {
        if (!syncing.compareAndSet(false, true)) return Future.succeededFuture(0);
        return this.<Integer>change(() -> {
            try {
                long now = clock.getAsLong();
                int changed = 0;
                Set<String> ids = new java.util.HashSet<>();
                for (R stored : store.all()) {
                    ids.add(stored.id());
                    if (!stored.equals(rows.row(stored.id()))) {
                        rows.put(stored, now);
                        changed++;
                    }
                }
                for (R known : rows.rows()) {
                    if (ids.contains(known.id())) continue;
                    rows.remove(known.id(), now);
                    changed++;
                }
                if (changed > 0) log.info("{} {}(s) changed by another gateway on this database, taken in", changed, what);
                return changed;
            } finally {
                syncing.set(false);
            }
        });
    }

    /** Whether this gateway holds the row of this id in memory. */
    boolean knows(String id) {
        return rows.row(id) != null;
    }

    /**
     * The stored row of this id into memory, read by id on this admin's worker (so it never races this gateway's own
     * changes nor the sync): the user or team of a key another gateway made since the last sync, taken in before the
     * key is ({@link KeyAdmin#lookUp}), so the key's first call here is held to its user's and team's budget, models
     * and limits; also a row this gateway holds that {@link #lacks} the key's user (a team's new member, whose budget in
     * the team comes with the team's row). Completes with whether the row is in memory now (false: the store has none).
     */
    Future<Boolean> takeIn(String id, String keyUser) {
        return change(() -> {
            R known = rows.row(id);
            if (known != null && !lacks(id, keyUser)) return true; // the sync or a change here took it in meanwhile
            R stored = store.get(KeyAdmin.KEY_LOOKUP_MILLIS, id);
            if (stored == null) return known != null; // deleted elsewhere since: the sync lets it go
            if (stored.equals(known)) return true;
            rows.put(stored, clock.getAsLong());
            log.info("{} {} {} by another gateway on this database, taken in with its key's first call here", what, id,
                    known == null ? "made" : "changed");
            return true;
        });
    }

    /**
     * Whether this gateway's copy of row {@code id} may be older than a key of it and of user {@code keyUser} that
     * another gateway made: false here; a team whose copy does not list the key's user as a member says true
     * ({@link TeamAdmin}), since the member (and their budget and limits in the team) may have been added with the key.
     */
    boolean lacks(String id, String keyUser) {
        return false;
    }

    <T> Future<T> change(Supplier<T> work) {
        return worker.executeBlocking(work::get, true);
    }

    /** The ids a body lists in {@code field}: at least one, each checked, each once. */
    static List<String> ids(ObjectNode body, String field, String what, int maxLength) {
        JsonNode v = body.get(field);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw GatewayException.badRequest("'" + field + "' must list at least one " + what + " id.", field);
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < v.size(); i++) out.add(checkedId(v.get(i), field + "[" + i + "]", maxLength));
        return List.copyOf(out);
    }

    static String checkedId(JsonNode v, String param, int maxLength) {
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw GatewayException.badRequest("'" + param + "' must be a string that is not empty or only spaces.", param);
        }
        String id = v.textValue();
        if (id.length() > maxLength) throw GatewayException.badRequest("'" + param + "' is longer than " + maxLength + " characters.", param);
        if (id.indexOf('\u0000') >= 0) throw GatewayException.badRequest("'" + param + "' must not contain NUL characters.", param);
        for (int i = 0; i < id.length(); i++) { // a lone surrogate: no UTF-8 spells it, so no URL or key could name the id
            char c = id.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c)) throw GatewayException.badRequest("'" + param + "' holds a lone UTF-16 surrogate.", param);
        }
        return id;
    }

    /**
     * {@link KeyFields#onlyKnown}, after naming LiteLLM's fields this API does not apply ({@code notSupported}): one that
     * asks for nothing ({@link NothingAsked}: null, false, [], {}, …, what LiteLLM's clients send at the defaults) is
     * accepted and ignored; one that asks for something is refused, so a copied script learns what is not applied
     * rather than having it ignored.
     *
     * @param creating whether the body makes a row (a spend of 0 is then its default, where on an update it is a reset)
     */
    static void onlyKnown(ObjectNode body, Set<String> allowed, Set<String> notSupported, String what, boolean creating) {
        Set<String> taken = new java.util.HashSet<>(allowed);
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (allowed.contains(f) || !notSupported.contains(f)) continue;
            if (NothingAsked.of(f, body.get(f), creating)) {
                taken.add(f);
                continue;
            }
            throw GatewayException.badRequest("'" + f + "' is a LiteLLM " + what + " field Switchboard does not apply; leave it "
                    + "out. Supported: " + new TreeSet<>(allowed) + ".", f);
        }
        KeyFields.onlyKnown(body, taken);
    }

    /**
     * {@link #checkedId}, and no spaces around it nor control characters in it: a key's {@code team_id} and
     * {@code user_id} are stripped (KeyFields), so an id with spaces around it could never be a key's team or user, and
     * a member's budget row is named by the team's and the user's ids with a tab between them.
     */
    static String keyLikeId(JsonNode v, String param, int maxLength) {
        String id = checkedId(v, param, maxLength);
        if (!id.equals(id.strip()) || holdsControl(id)) {
            throw GatewayException.badRequest("'" + param + "' must not begin or end with spaces or hold control characters.", param);
        }
        return id;
    }

    /**
     * The rule for every name an admin sets that the log, {@code /metrics} or a report shows (ids, a key's alias, a
     * customer's id): no control characters. A line break in one would start a forged line in the log, where
     * {@code %msg} is written as it is.
     */
    static boolean holdsControl(String name) {
        return name.chars().anyMatch(Character::isISOControl);
    }

    /** {@code name} as given, or a 400 naming {@code param} when it {@link #holdsControl holds control characters}. */
    static String withoutControl(String name, String param) {
        if (name != null && holdsControl(name)) {
            throw GatewayException.badRequest("'" + param + "' must not hold control characters (line breaks, tabs, ...).", param);
        }
        return name;
    }

    /**
     * LiteLLM's page of a list ({@code /user/list}, {@code /v2/team/list}): {@code field} with the rows of page
     * {@code page} (from 1) made into JSON (only those: their spend is read then), {@code total}, {@code page},
     * {@code page_size} and {@code total_pages}.
     */
    static <T> ObjectNode page(String field, List<T> all, int page, int pageSize, java.util.function.Function<T, ObjectNode> json) {
        int total = all.size();
        ObjectNode out = KeyJson.mapper().createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode rows = out.putArray(field);
        for (T row : all.subList(pageStart(page, pageSize, total), pageStart(page + 1L, pageSize, total))) rows.add(json.apply(row));
        out.put("total", total);
        out.put("page", page);
        out.put("page_size", pageSize);
        out.put("total_pages", (total + pageSize - 1) / pageSize);
        return out;
    }

    /** Where page {@code page} (from 1) starts in a list of {@code total}, at most its end: in long, so a page far past the end is empty, not an overflow. */
    static int pageStart(long page, int pageSize, int total) {
        return (int) Math.min(total, (page - 1) * pageSize);
    }

    static GatewayException notFound(String message, String param) {
        return new GatewayException(ErrorKind.NOT_FOUND, 404, message, param, "not_found", null, null);
    }

    /** The fields a change set, for its log line. */
    static String fieldsOf(ObjectNode body, String idField) {
        List<String> f = new ArrayList<>();
        body.fieldNames().forEachRemaining(n -> { if (!n.equals(idField)) f.add(n); });
        return f.isEmpty() ? "defaults" : String.join(", ", f);
    }
}
