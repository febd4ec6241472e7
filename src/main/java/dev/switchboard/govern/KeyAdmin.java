package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LiteLLM's key management API, for the master key: generate, update, delete, block / unblock, regenerate, info and
 * list. Changes run one at a time on one worker thread: the store is written first, then the in-memory registry, so
 * a change the caller saw succeed survives a restart, and the request path sees it at once (a rotated or deleted
 * key stops working with the answer). A change of a key reads the key's row in the transaction that writes it, locked
 * ({@link KeyStore#change}), and applies only what the request sent: the registry may be up to a sync old when another
 * gateway on the same database changed the key a moment ago, and writing from it would undo that change (unblock a key,
 * bring a rotated-away secret back). Reads take the keys from memory and their spend from the ledger
 * ({@link KeySpends}), so they block: the edge runs them on a worker.
 */
public final class KeyAdmin {
    private static final Logger log = LoggerFactory.getLogger("switchboard.keys");
    private static final Set<String> UPDATE_FIELDS = with(KeyFields.SETTABLE, "key");

    private final KeyStore store;
    private final KeyRegistry registry;
    private final RateLimiter limiter;
    private final LongSupplier clock;
    /** The last generated key's created_at (generate runs on the ordered admin worker, one at a time). */
    private long lastCreatedAt;
    private final WorkerExecutor worker;
    private final KeySpends spends;
    private final RetiredTokens retired;

    /** LiteLLM's LITELLM_KEY_ROTATION_GRACE_PERIOD: the grace_period of a regenerate that gives none (null: none). */
    private volatile String defaultGracePeriod;

    /** LiteLLM's default_key_generate_params and upperbound_key_generate_params. */
    private volatile KeyGenerateRules generateRules = KeyGenerateRules.NONE;
    /** Whether a {@code models} entry a request sends names something this gateway has. */
    private volatile KeyModelCheck modelCheck = KeyModelCheck.NONE;

    /** The master key's test, for a chosen secret; null when no master key is configured. */
    private final java.util.function.Predicate<String> isMasterKey;

    KeyAdmin(Vertx vertx, KeyStore store, RetiredTokens retired, KeyRegistry registry, RateLimiter limiter, LongSupplier clock) {
        this(vertx, store, retired, registry, limiter, clock, null);
    }

    KeyAdmin(Vertx vertx, KeyStore store, RetiredTokens retired, KeyRegistry registry, RateLimiter limiter, LongSupplier clock,
             java.util.function.Predicate<String> isMasterKey) {
        this.isMasterKey = isMasterKey;
        this.store = store;
        this.retired = retired;
        this.registry = registry;
        this.limiter = limiter;
        this.clock = clock;
        this.worker = vertx.createSharedWorkerExecutor("switchboard-key-admin", 1);
        this.spends = new KeySpends(store);
    }

    /**
     * LiteLLM's {@code LITELLM_KEY_ROTATION_GRACE_PERIOD}: the {@code grace_period} of a {@code /key/regenerate} that gives
     * none, a duration the config loader checked ({@code 24h}); null for none (the old secret stops at once).
     */
    public void defaultGracePeriod(String duration) {
        this.defaultGracePeriod = duration;
        if (duration != null) {
            log.info("a key rotation without grace_period keeps the old secret working for {} (LITELLM_KEY_ROTATION_GRACE_PERIOD)", duration);
        }
    }

    /** The grace of a rotation that gives none ({@link #defaultGracePeriod(String)}); null for none. */
    public String defaultGracePeriod() { return defaultGracePeriod; }

    /** LiteLLM's defaults and bounds of a new key's fields (from litellm_settings). */
    void generateRules(KeyGenerateRules rules) { this.generateRules = rules; }

    /**
     * What a key's {@code models} may name, from the router (govern does not see it): {@code known} says whether the
     * gateway serves a name or has an access group of that name, {@code served} whether it serves it (an alias's target
     * must be served), {@code names} are the model names a refusal lists. Not called: nothing is checked.
     */
    public void knownModels(java.util.function.Predicate<String> known, java.util.function.Predicate<String> served,
                            Supplier<? extends java.util.Collection<String>> names) {
        this.modelCheck = new KeyModelCheck(known, served, names);
    }

    /** The check of a {@code models} list a request sends (teams and users use the key's). */
    KeyModelCheck modelCheck() { return modelCheck; }

    /** What writes the ledger's queued rows: a key's spend is then read with every call that ended here. */
    public void flushLedgerWith(Runnable flush) { spends.flushLedgerWith(flush); }

    /** Keys as the admin API shows them, spend included (for the user and team APIs' lists of keys). */
    KeySpends spends() { return spends; }

    /**
     * Whether {@code secret} is one of this gateway's virtual keys, or an old secret of one still in its grace period
     * (from memory: the store's keys as loaded at start and synced since). serve asks it of a provider key before it
     * listens, so the gateway's own key is never sent to a provider (pipeline.OwnKeyUpstream).
     */
    public boolean knows(String secret) {
        String hash = KeySecrets.hash(secret);
        return registry.byToken(hash) != null || registry.byGraceToken(hash, clock.getAsLong()) != null;
    }

    /** {@code POST /key/generate}: a new key; its secret is in this answer and nowhere else, ever. */
    public Future<ObjectNode> generate(ObjectNode request) {
        return change(() -> {
            ObjectNode body = UnbuiltKeyFields.dropped(request, true); // LiteLLM's fields at their defaults: its clients send them
            KeyFields.onlyKnown(body, UPDATE_FIELDS); // the settable fields and key (generate: a secret of the caller's own)
            boolean modelsSent = sendsModels(body); // checked: the request's own list, not the config's defaults
            long now = clock.getAsLong();
            body = generateRules.forGenerate(body, now);
            String chosen = chosenSecret(body.get("key"), "key");
            if (chosen != null && (registry.byToken(KeySecrets.hash(chosen)) != null
                    || registry.byGraceToken(KeySecrets.hash(chosen), now) != null)) throw secretTaken("key"); // an old secret in grace too
            String secret = chosen != null ? chosen : KeySecrets.newKey();
            // created_at strictly after the previous key's: keys a script makes in one millisecond still list newest
            // first in the order made (their ids, random, broke the tie before)
            long created = Math.max(now, lastCreatedAt + 1);
            lastCreatedAt = created;
            VirtualKey blank = new VirtualKey(KeySecrets.newKeyId(), KeySecrets.hash(secret), KeySecrets.mask(secret), null,
                    List.of(), null, null, null, now, null, null, null, null, null, null, null, List.of(), false, created, created, null, null, null, null);
            ObjectNode fields = body;
            if (chosen != null) {
                fields = body.deepCopy();
                fields.remove("key");
            }
            VirtualKey key = KeyFields.apply(blank, fields, now);
            if (modelsSent) modelCheck.check(key.models(), key.aliases(), List.of(), java.util.Map.of());
            modelCheck.checkAliases(fields, key.aliases(), java.util.Map.of());
            requireFreeAlias(key.alias(), null);
            store.insert(key);
            registry.put(key, 0, now);
            log.info("key {} generated ({}{})", key.keyId(), key.keyName(), key.alias() == null ? "" : ", alias " + key.alias());
            ObjectNode out = spends.json(registry.byId(key.keyId()), now);
            out.put("key", secret);
            out.put("token_id", key.token()); // LiteLLM's GenerateKeyResponse names the hash so too
            return out;
        });
    }

    /**
     * {@code POST /key/update}: {@code key} names it (and {@code key_alias}, if sent, is its new alias), or, as recent
     * LiteLLM, {@code key_alias} alone does; fields left out keep their values.
     */
    public Future<ObjectNode> update(ObjectNode request) {
        return change(() -> {
            ObjectNode body = UnbuiltKeyFields.dropped(request, false);
            KeyFields.onlyKnown(body, UPDATE_FIELDS);
            long now = clock.getAsLong();
            KeyState s = changed(updated(body), (stored, holders) -> {
                generateRules.checkUpdate(body, now);
                VirtualKey key = KeyFields.apply(stored, body, now);
                // what the request adds is checked; the stored row's entries and alias pairs are not checked again
                modelCheck.check(key.models(), key.aliases(), stored.models(), stored.aliases());
                modelCheck.checkAliases(body, key.aliases(), stored.aliases());
                requireFreeAlias(key, holders);
                return key;
            }, now);
            log.info("key {} updated: {}", s.key().keyId(), fieldsOf(body));
            return spends.json(s, now);
        });
    }

    /** The request sends a list of models of its own ({@code null} keeps the key's, {@code []} is every model). */
    private static boolean sendsModels(ObjectNode body) {
        JsonNode m = body.get("models");
        return m != null && m.isArray() && !m.isEmpty();
    }

    /**
     * The key an update names: by {@code key} (a secret, hash, key_id or alias, as everywhere), else by {@code key_alias}
     * alone, matched exactly, as recent LiteLLM's {@code UpdateKeyRequest} allows ("either key or key_alias must be
     * provided"; the alias must match exactly one key, which it does here: aliases are unique among live keys).
     */
    private Named updated(ObjectNode body) {
        if (body.hasNonNull("key") || !body.hasNonNull("key_alias")) {
            if (!body.hasNonNull("key")) throw GatewayException.badRequest("either key or key_alias must be provided", "key");
            return named(KeyFields.required(body, "key"));
        }
        String alias = KeyFields.required(body, "key_alias");
        return new Named(KeyRef.alias(alias), () -> registry.byAlias(alias), "Key not found. No key with key_alias='" + alias + "'.");
    }

    /** {@code POST /key/block} and {@code /key/unblock}. */
    public Future<ObjectNode> block(ObjectNode body, boolean blocked) {
        return change(() -> {
            KeyFields.onlyKnown(body, Set.of("key"));
            Named named = named(KeyFields.required(body, "key"));
            long now = clock.getAsLong();
            KeyState s = changed(named, (stored, holders) -> stored.withBlocked(blocked, now), now);
            log.info("key {} {}", s.key().keyId(), blocked ? "blocked" : "unblocked");
            return spends.json(s, now);
        });
    }

    /**
     * {@code POST /key/regenerate}: a new secret for the same key. Budget, spend, limits and history stay (they belong
     * to the key id); the old secret stops working when this answers, or, with LiteLLM's {@code grace_period}
     * ({@link GracePeriod}), goes on working as the same key until that time has passed, on every gateway on the store.
     * A rotation ends the grace an earlier one gave. Settable fields may be changed in the same call.
     */
    public Future<ObjectNode> regenerate(ObjectNode request) {
        return change(() -> {
            // LiteLLM's new_key: the rotated key's secret, chosen by the caller (checked as /key/generate's key); its
            // grace_period: how long the old secret keeps working
            JsonNode newKey = request.get("new_key");
            JsonNode grace = request.get(GracePeriod.FIELD);
            ObjectNode body = request;
            if (newKey != null || grace != null) {
                body = request.deepCopy();
                body.remove("new_key");
                body.remove(GracePeriod.FIELD);
            }
            body = UnbuiltKeyFields.dropped(body, false);
            KeyFields.onlyKnown(body, UPDATE_FIELDS);
            Named named = named(KeyFields.required(body, "key"));
            long now = clock.getAsLong();
            Long graceUntil = GracePeriod.until(grace, defaultGracePeriod, now);
            String chosen = chosenSecret(newKey, "new_key");
            String secret = chosen != null ? chosen : KeySecrets.newKey();
            String hash = KeySecrets.hash(secret);
            ObjectNode fields = body;
            KeyState s = changed(named, (stored, holders) -> {
                if (hash.equals(stored.token())) {
                    throw GatewayException.badRequest("'new_key' is the key's current secret; a rotation needs a new one.", "new_key");
                }
                if (holders.keyWithToken(hash) != null) throw secretTaken("new_key");
                String inGrace = holders.keyInGrace(hash, now); // another key's old secret, still working as that key
                if (inGrace != null && !inGrace.equals(stored.keyId())) throw secretTaken("new_key");
                VirtualKey changed = KeyFields.apply(stored, fields, now);
                modelCheck.check(changed.models(), changed.aliases(), stored.models(), stored.aliases()); // as /key/update's
                modelCheck.checkAliases(fields, changed.aliases(), stored.aliases());
                requireFreeAlias(changed, holders);
                return changed.withSecret(hash, KeySecrets.mask(secret), now);
            }, graceUntil, now);
            if (graceUntil == null) log.info("key {} regenerated (now {})", s.key().keyId(), s.key().keyName());
            else log.info("key {} regenerated (now {}); the old secret works until {}", s.key().keyId(), s.key().keyName(),
                    java.time.Instant.ofEpochMilli(graceUntil));
            ObjectNode out = spends.json(s, now);
            out.put("key", secret);
            out.put("token_id", s.key().token()); // LiteLLM's regenerate answer names the new hash so
            return out;
        });
    }

    /**
     * {@code POST /key/delete} with {@code keys} or {@code key_aliases}, as LiteLLM's {@code delete_key_fn}: the keys found
     * are deleted, and only a batch of which none is found is a 404. The answer lists in {@code deleted_keys} the names
     * of the deleted keys as the caller sent them (LiteLLM's shape, so {@code r["deleted_keys"] == keys} holds), and in
     * {@code not_found_keys} the names that matched no key. Unlike LiteLLM, which lists those as deleted too, they are
     * kept apart: a mistyped name must not read as a key revoked while the real one still works. A list that is null or
     * empty names nothing, as in LiteLLM: its Python client sends both fields, the unused one null.
     */
    public Future<ObjectNode> delete(ObjectNode body) {
        return change(() -> {
            KeyFields.onlyKnown(body, Set.of("keys", "key_aliases"));
            List<String> names = new ArrayList<>(); // as sent
            List<Named> asked = new ArrayList<>();
            List<String> byKey = KeyFields.strings(body, "keys");
            for (String ref : byKey) {
                names.add(ref);
                asked.add(named(ref));
            }
            for (String alias : KeyFields.strings(body, "key_aliases")) {
                names.add(alias);
                asked.add(new Named(KeyRef.alias(alias), () -> registry.byAlias(alias), null));
            }
            if (asked.isEmpty()) throw GatewayException.badRequest("Send 'keys' or 'key_aliases' with the keys to delete.", "keys");
            // the store's keys, not memory's: a secret another gateway rotated away a moment ago deletes nothing
            List<VirtualKey> deletedRows = store.deleteNamed(asked.stream().map(Named::ref).toList(), clock.getAsLong());
            java.util.Map<String, VirtualKey> found = new java.util.LinkedHashMap<>(); // name as sent -> key
            List<String> unknown = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (deletedRows.get(i) != null) found.put(names.get(i), deletedRows.get(i));
                else {
                    unknown.add(i < byKey.size() ? shown(names.get(i)) : names.get(i)); // a secret masked
                    refreshStale(asked.get(i), clock.getAsLong());
                }
            }
            if (found.isEmpty()) throw notFound("No keys found: nothing matches " + String.join(", ", unknown) + ".");
            List<String> ids = found.values().stream().map(VirtualKey::keyId).distinct().toList();
            for (String id : ids) {
                registry.remove(id);
                limiter.forget(id);
                log.info("key {} deleted", id);
            }
            if (!unknown.isEmpty()) log.warn("key delete: no key matches {}", String.join(", ", unknown));
            ObjectNode out = KeyJson.mapper().createObjectNode();
            var deleted = out.putArray("deleted_keys");
            found.keySet().forEach(deleted::add);
            var missing = out.putArray("not_found_keys");
            unknown.forEach(missing::add);
            return out;
        });
    }

    /**
     * Deletes a user's keys, or their keys of one team ({@code teamId}; null for all of theirs), as the store holds them
     * (with those another gateway made a moment ago): {@code /user/delete}'s and {@code /team/member_delete}'s.
     *
     * @param why for the log lines ({@code its user was deleted}, …)
     * @return the deleted keys' tokens
     */
    public Future<List<String>> deleteKeysOf(String userId, String teamId, String why) {
        return change(() -> deleteKeys(store.keysOf(userId, teamId), why));
    }

    /** Deletes the keys of these ids, those still stored (one deleted meanwhile is left out). @return their tokens */
    public Future<List<String>> deleteIds(List<String> keyIds, String why) {
        return change(() -> deleteKeys(store.tokensOf(keyIds), why)); // the store's: with a key another gateway made or rotated a moment ago
    }

    private List<String> deleteKeys(java.util.Map<String, String> tokens, String why) {
        if (tokens.isEmpty()) return List.of();
        store.delete(new ArrayList<>(tokens.keySet()), clock.getAsLong());
        for (String id : tokens.keySet()) {
            registry.remove(id);
            limiter.forget(id);
            log.info("key {} deleted ({})", id, why);
        }
        return new ArrayList<>(tokens.values());
    }

    /**
     * {@code GET /key/info}: LiteLLM's {@code {"key": <token>, "info": {...}}} with the spend of the current period.
     * A virtual key may ask about itself only (with no {@code key}, or its own); the master key about any. Blocks (the
     * spend is the ledger's, {@link KeySpends}).
     */
    public ObjectNode info(String ref, Caller caller) {
        KeyState s;
        if (caller.admin()) {
            if (ref == null || ref.isBlank()) throw GatewayException.badRequest("Name the key: /key/info?key=<key, hash or alias>.", "key");
            s = resolve(ref);
        } else {
            s = registry.byId(caller.id());
            if (s == null || (ref != null && !ref.isBlank() && resolveOrNull(ref) != s)) {
                throw new GatewayException(ErrorKind.PERMISSION, 403, "A virtual key may only ask about itself.", "key", null, null, null);
            }
        }
        ObjectNode out = KeyJson.mapper().createObjectNode();
        out.put("key", s.key().token());
        out.set("info", spends.json(s, clock.getAsLong()));
        return out;
    }

    /**
     * LiteLLM's {@code POST /v2/key/info}: several keys at once, as {@code {"key": [the refs as sent], "info": [the keys
     * found, in that order]}}, their spend read in one grouped sum. LiteLLM leaves a key it does not find out of
     * {@code info}; so does this, and names it in {@code not_found} rather than dropping it silently. A virtual key may
     * name only itself (403 otherwise), as on {@code /key/info}. Blocks (the spend is the ledger's).
     */
    public ObjectNode info(List<String> refs, Caller caller) {
        List<KeyState> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        KeyState own = caller.admin() ? null : registry.byId(caller.id());
        for (String ref : refs) {
            KeyState s = resolveOrNull(ref);
            if (!caller.admin() && (s == null || s != own)) {
                throw new GatewayException(ErrorKind.PERMISSION, 403, "A virtual key may only ask about itself.", "keys", null, null, null);
            }
            if (s == null) missing.add(shown(ref));
            else if (!found.contains(s)) found.add(s);
        }
        ObjectNode out = KeyJson.mapper().createObjectNode();
        var asked = out.putArray("key");
        // a secret sent is shown masked, as everywhere: an answer is logged and cached by clients more than a request
        for (String ref : refs) asked.add(shown(ref));
        out.putArray("info").addAll(spends.json(found, clock.getAsLong()));
        var notFound = out.putArray("not_found");
        missing.forEach(notFound::add);
        return out;
    }

    /**
     * LiteLLM's {@code POST /key/health} for the calling key: {@code {"key": "healthy", "logging_callbacks": null}}. LiteLLM
     * checks there the key's own logging callbacks ({@code metadata.logging}); Switchboard sends no key's logs to
     * callbacks of its own, so a key whose metadata asks for them is answered {@code unhealthy}, with why, rather than
     * told its logs go somewhere they do not.
     */
    public ObjectNode health(Caller caller) {
        ObjectNode out = KeyJson.mapper().createObjectNode();
        KeyState s = caller.admin() ? null : registry.byId(caller.id());
        com.fasterxml.jackson.databind.JsonNode logging = s == null || s.key().metadata() == null ? null : s.key().metadata().get("logging");
        if (logging == null || logging.isNull() || (logging.isArray() && logging.isEmpty())) {
            out.put("key", "healthy");
            out.putNull("logging_callbacks");
            return out;
        }
        out.put("key", "unhealthy");
        ObjectNode callbacks = out.putObject("logging_callbacks");
        var names = callbacks.putArray("callbacks");
        if (logging.isArray()) for (var c : logging) if (c.path("callback_name").isTextual()) names.add(c.path("callback_name").textValue());
        callbacks.put("status", "unhealthy");
        callbacks.put("details", "This key's metadata.logging asks for logging callbacks of its own; Switchboard does not "
                + "send a key's logs to callbacks of its own. Its calls are in the request log, the spend ledger and the "
                + "traces (OTLP) like every call.");
        return out;
    }

    /** The masked name of the key with this id ({@code sk-sb-...abcd}), or null (the master key, a deleted key). */
    public String keyName(String keyId) {
        KeyState s = keyId == null ? null : registry.byId(keyId);
        return s == null ? null : s.key().keyName();
    }

    /** Every key, newest first, a page of them: the dashboard's listing ({@link KeyListQuery#all}). Blocks with {@code full}. */
    public ObjectNode list(int page, int size, String alias, boolean full) { return list(KeyListQuery.all(page, size, alias, full)); }

    /**
     * Every key as {@code /key/list}'s whole objects, newest first, from one read of the registry (the dashboard's
     * overview: reading page after page could list a key twice or skip one made or deleted in between). Blocks.
     */
    public List<ObjectNode> all() { return spends.json(registry.all(), clock.getAsLong()); }

    /**
     * {@code GET /key/list}, filtered, sorted and paged as LiteLLM's {@code list_keys} ({@link KeyListQuery}): tokens by
     * default (LiteLLM's answer), whole keys with {@code return_full_object} or {@code expand=user}. Blocks with whole keys
     * or a sort by spend (the spend is read from the ledger, {@link KeySpends}).
     */
    public ObjectNode list(KeyListQuery q) {
        long now = clock.getAsLong();
        List<KeyState> all = registry.all().stream().filter(s -> q.matches(s.key())).toList(); // newest first
        java.util.Comparator<KeyState> order = q.order(q.sortsBySpend() ? spends.spent(all, now) : java.util.Map.of());
        if (order != null) all = all.stream().sorted(order).toList();
        ObjectNode out = KeyJson.mapper().createObjectNode();
        var keys = out.putArray("keys");
        int size = q.size();
        List<KeyState> shown = all.subList(RowAdmin.pageStart(q.page(), size, all.size()), RowAdmin.pageStart(q.page() + 1L, size, all.size()));
        if (q.fullObjects() || q.expandUser()) {
            List<ObjectNode> objects = spends.json(shown, now);
            if (q.expandUser()) for (ObjectNode k : objects) withUser(k);
            keys.addAll(objects);
        } else for (KeyState s : shown) keys.add(s.key().token());
        out.put("total_count", all.size());
        out.put("current_page", q.page());
        out.put("total_pages", (all.size() + size - 1) / size);
        return out;
    }

    /** LiteLLM's {@code expand=user}: the key's stored user under {@code user}; none for a key of no stored user. Blocks. */
    private void withUser(ObjectNode key) {
        String userId = key.path("user_id").textValue();
        var users = userRows;
        ObjectNode user = userId == null || users == null ? null : users.apply(userId);
        if (user != null) key.set("user", user);
    }

    /** A stored user as the user API shows it, or null (set by governance: the user API is built after this one). */
    private volatile java.util.function.Function<String, ObjectNode> userRows;

    void expandUsersWith(java.util.function.Function<String, ObjectNode> rows) { this.userRows = rows; }

    /**
     * The alias the key with this id has now ("" when it has none), or null when no key has this id any more (a deleted
     * key, the master key, a JWT caller): reports name a key by its current alias, not the one a call was made under.
     */
    public String currentAlias(String keyId) {
        KeyState s = keyId == null ? null : registry.byId(keyId);
        return s == null ? null : s.key().alias() == null ? "" : s.key().alias();
    }

    /**
     * The text of the field {@code name} of the key's current {@code metadata} (a number or boolean as written), "" when
     * the key has no such field (or a null, or an object there), or null when no key has this id any more.
     */
    public String metadataField(String keyId, String name) {
        KeyState s = keyId == null ? null : registry.byId(keyId);
        if (s == null) return null;
        com.fasterxml.jackson.databind.JsonNode v = s.key().metadata() == null ? null : s.key().metadata().get(name);
        return v == null || !v.isValueNode() || v.isNull() ? "" : v.asText();
    }

    /** The id of the key that has this alias now, or null (aliases are unique among live keys). */
    public String keyIdWithAlias(String alias) {
        KeyState s = alias == null || alias.isEmpty() ? null : registry.byAlias(alias);
        return s == null ? null : s.key().keyId();
    }

    /** The {@code user_id} the key with this id has now, or null (none, the master key, a deleted key). */
    public String userOf(String keyId) {
        KeyState s = keyId == null ? null : registry.byId(keyId);
        return s == null ? null : s.key().userId();
    }

    /** The {@code team_id} the key with this id has now, or null (none, the master key, a deleted key). */
    public String teamOf(String keyId) {
        KeyState s = keyId == null ? null : registry.byId(keyId);
        return s == null ? null : s.key().teamId();
    }

    /**
     * The ids of the keys whose {@code user_id} is this user, read from the store (keys another gateway made a moment
     * ago included): the keys whose calls count as the user's in the daily activity. Blocks.
     */
    public java.util.Set<String> keyIdsOfUser(String userId) {
        return java.util.Set.copyOf(store.keysOf(userId, null).keySet());
    }

    /** The current token hash (SHA-256) of the key with this id, or null (the master key, a deleted key). */
    public String token(String keyId) {
        KeyState s = keyId == null ? null : registry.byId(keyId);
        return s == null ? null : s.key().token();
    }

    /**
     * The key id a spend filter names: a {@code key_…} id (also of a deleted key), {@code master}, {@code anonymous}, a
     * JWT caller's, or a key, token hash or alias of a key that exists. A secret or token hash this gateway's keys do not
     * have is looked up in the store ({@link RetiredTokens}): a key another gateway made or rotated a moment ago, else
     * the key it was retired from (a deleted key's, a rotated key's old one), as LiteLLM's filter on its api_key column
     * finds a deleted key's calls by the hash they were logged under: the ledger files them by key id.
     * A hash never retired either is returned as it is, which no ledger row has as its key id: an empty answer, as
     * LiteLLM's for a hash it never saw, not a 404 that reads as "no such key". Any other name that matches no key is a
     * 404. Blocks (the retired hashes are the store's, so those another gateway retired are found too): a worker only.
     */
    public String spendKeyId(String ref) {
        if (ref.startsWith("key_") || ref.equals("master") || ref.equals("anonymous")) return ref;
        // JWT callers (govern.JwtIdentity): spend is filed under user:<id>, team:<id> or jwt:<sub>
        if (ref.startsWith("user:") || ref.startsWith("team:") || ref.startsWith("jwt:") || ref.equals("jwt")) return ref;
        KeyState live = resolveOrNull(ref);
        if (live != null) return live.key().keyId();
        String token = ref.startsWith("sk-") ? KeySecrets.hash(ref) : KeySecrets.looksLikeHash(ref) ? ref : null;
        String retiredFrom = token == null ? null : retired.keyIdOf(token);
        if (retiredFrom != null) return retiredFrom;
        if (token != null && token.equals(ref)) return ref;
        return resolve(ref).key().keyId(); // the 404
    }

    /**
     * A secret the caller chose: LiteLLM's {@code key} on {@code /key/generate}, so keys handed out by a LiteLLM proxy
     * keep working after the move, and its {@code new_key} on {@code /key/regenerate}. It must start with {@code sk-}
     * (LiteLLM's rule) and be long enough not to be guessed; the master key is refused (and, by the callers, a secret a
     * key has, the rotated key's own included: a rotation must change it). Null when none is sent (the gateway makes one).
     */
    private String chosenSecret(JsonNode k, String field) {
        if (k == null || k.isNull()) return null;
        if (!k.isTextual()) throw GatewayException.badRequest("'" + field + "' must be a string: the key's own secret, starting with 'sk-'.", field);
        String secret = k.textValue();
        if (!secret.startsWith("sk-") || secret.length() < 20 || secret.length() > 200
                || !secret.chars().allMatch(c -> c > 32 && c < 127)) {
            throw GatewayException.badRequest("'" + field + "' must start with 'sk-' and have 20 to 200 visible ASCII characters, no spaces.", field);
        }
        if (isMasterKey != null && isMasterKey.test(secret)) {
            throw GatewayException.badRequest("'" + field + "' is the master key; choose another secret.", field);
        }
        return secret;
    }

    private static GatewayException secretTaken(String field) {
        return GatewayException.badRequest("Another key already has this secret; choose another.", field);
    }

    /**
     * A key as an admin change names it: how to find it in the store ({@code ref}), in memory ({@code known}, to refresh a
     * stale copy when the store no longer has it), and the 404's words.
     */
    private record Named(KeyRef ref, Supplier<KeyState> known, String notFound) {}

    /** A key named by its secret, hash, id or alias. */
    private Named named(String ref) { return new Named(KeyRef.of(ref), () -> resolveOrNull(ref), unknownKey(ref)); }

    /**
     * Changes the stored key {@code named} names, from its row as stored now ({@link KeyStore#change}), and takes the
     * row written into memory. A name no stored key has any more (another gateway deleted the key or rotated that secret
     * away, and this gateway's sync has not taken it in yet) is an unknown key, LiteLLM's 404, and the stale copy in
     * memory is refreshed at once: the change never brings the key or the old secret back.
     */
    private KeyState changed(Named named, KeyStore.KeyChange change, long now) { return changed(named, change, null, now); }

    /**
     * As {@link #changed(Named, KeyStore.KeyChange, long)}; a change that rotates the secret lets the old one work until
     * {@code graceUntil} (null: not at all) and ends the grace of the key's earlier secrets, in the store and here. The
     * old secret's grace is in memory before the new secret replaces it, so no call with it falls between the two.
     */
    private KeyState changed(Named named, KeyStore.KeyChange change, Long graceUntil, long now) {
        String[] before = new String[1];
        VirtualKey written = store.change(named.ref(), (stored, holders) -> {
            before[0] = stored.token();
            return change.apply(stored, holders);
        }, graceUntil);
        if (written == null) {
            refreshStale(named, now);
            throw notFound(named.notFound());
        }
        if (!written.token().equals(before[0])) {
            registry.endGraces(written.keyId());
            if (graceUntil != null) registry.grace(before[0], new GraceToken(written.keyId(), graceUntil));
        }
        return remember(written, now);
    }

    /** Puts a row read or written in the store into memory; a key not yet there comes with its spend this period. */
    private KeyState remember(VirtualKey k, long now) {
        registry.put(k, registry.byId(k.keyId()) == null ? store.spentThisPeriod(k, now) : 0, now);
        return registry.byId(k.keyId());
    }

    /** The key memory knows by this name, as the store holds it now (or gone, when the store has it no more). */
    private void refreshStale(Named named, long now) {
        KeyState s = named.known().get();
        if (s == null) return;
        String id = s.key().keyId();
        VirtualKey stored = store.byId(id);
        if (stored == null) {
            registry.remove(id);
            limiter.forget(id);
            log.info("key {} deleted by another gateway on this database", id);
        } else {
            registry.graces(retired.graces(now)); // first: a rotation there may have left the old secret a grace period
            registry.put(stored, 0, now);
            log.info("key {} changed by another gateway on this database, taken in", id);
        }
    }

    /** Secrets looked up in the store and not found there: token hash → when (not asked again within a key sync). */
    private final java.util.concurrent.ConcurrentHashMap<String, Long> recentMisses = new java.util.concurrent.ConcurrentHashMap<>();
    /** Look-ups queued or running, by token hash: a burst of calls with one new key asks the store once. */
    private final java.util.concurrent.ConcurrentHashMap<String, PendingLookUp> lookups = new java.util.concurrent.ConcurrentHashMap<>();
    /** A look-up under way and when it began (one older than {@link #KEY_LOOKUP_MILLIS} is not waited for). */
    private record PendingLookUp(Future<Boolean> done, long startedMillis) {}
    /** At most this many different secrets are looked up at once; more get the 401 at once (a flood of invented keys). */
    static final int MAX_LOOKUPS = 8;
    /**
     * At most this many of {@link #MAX_LOOKUPS} for one client address: one address flooding invented keys took every
     * place (its share of the misses was as large), so another client's new key arriving then was refused 401 at once.
     */
    static final int MAX_LOOKUPS_PER_CLIENT = MAX_LOOKUPS / 2;
    /** Places an address that already has a look-up running cannot take: they stay for addresses with none. */
    static final int KEPT_LOOKUPS = 2;
    /**
     * Look-ups the store may answer "no such key" between two key syncs. The cap of {@link #MAX_LOOKUPS} bounds how many
     * run at once, not how often: one client sending new invented {@code sk-} secrets back to back would keep the
     * one-thread admin worker and a pooled connection busy. 32 per sync (16 a second at the 2 s default) is far more than
     * the keys a team makes on other gateways between two syncs, and a look-up that finds its key gives its miss back;
     * once spent, a key this gateway does not know gets the 401 at once until the next sync has read the store. Shared
     * between client addresses by {@link LookUpShares}: an address's first miss of a sync from one half, its others from
     * the other half, at most {@code 16 / addresses holding misses} each (one address alone: 16).
     */
    static final int MISSES_PER_SYNC = 32;
    /** The places and misses of the look-ups, by client address (an IPv6 one by its /64, {@code AuthThrottle.group}). */
    private final LookUpShares shares = new LookUpShares(MISSES_PER_SYNC, MAX_LOOKUPS, MAX_LOOKUPS_PER_CLIENT, KEPT_LOOKUPS);
    /** Look-ups that read the store (the burst and repeat tests count them). */
    private final java.util.concurrent.atomic.AtomicLong storeLookUps = new java.util.concurrent.atomic.AtomicLong();
    /** More misses than this are forgotten at once rather than kept (a flood of invented keys does not grow the heap). */
    static final int MAX_MISSES = 10_000;
    /** The longest a call waits for its unknown key's look-up in the store (then it is refused as unknown). */
    public static final long KEY_LOOKUP_MILLIS = 2_000;

    /** The admins of users and teams, whose rows a key taken in needs first (set by {@link Governance}). */
    private volatile RowAdmin<?> ownerUsers;
    private volatile RowAdmin<?> ownerTeams;

    /** Where {@link #lookUp} takes a new key's user and team rows in from before the key. */
    void ownersFrom(RowAdmin<?> users, RowAdmin<?> teams) {
        this.ownerUsers = users;
        this.ownerTeams = teams;
    }

    /** How many look-ups have read the store since start (for tests and diagnostics). */
    public long storeLookUps() { return storeLookUps.get(); }

    /**
     * Looks a secret this gateway does not know up in the store, for a key another gateway on the database made or
     * rotated since the last key sync: its first calls here are served, not refused 401 for up to a sync (as LiteLLM,
     * which reads a key missing from its cache from the database). Taken in as the sync would take it (with its spend
     * this period), on the admin worker, so it never races this gateway's own changes; its user and team rows first when
     * this gateway has not got them yet (else its first calls would skip their budget, models and limits). Only a call
     * with a key of the shape a key may have ({@code sk-}, 20 to 200 characters) that no key here has asks; a secret the
     * store did not have is not asked about again for a sync ({@link Governance#KEY_SYNC_MILLIS}: by then the sync has
     * read it), no more than {@link #MAX_LOOKUPS} secrets are asked about at once, no more than {@link #MISSES_PER_SYNC}
     * misses between two syncs, and a look-up older than {@link #KEY_LOOKUP_MILLIS} (a hung store) is not joined.
     *
     * @return null when the store is not asked (the caller answers its 401 at once), else whether the key is now known
     */
    public Future<Boolean> lookUp(String presentedKey) {
        return lookUp(presentedKey, null);
    }

    /**
     * {@link #lookUp(String)} for a call from {@code client} (its address group, or null for none known): a look-up that
     * the store answers "no such key" spends the client's share of the misses ({@link LookUpShares}), so floods from one
     * address or several leave the other clients' new keys their look-ups.
     */
    public Future<Boolean> lookUp(String presentedKey, String client) {
        if (presentedKey == null || !presentedKey.startsWith("sk-") || presentedKey.length() < 20 || presentedKey.length() > 200) return null;
        String hash = KeySecrets.hash(presentedKey);
        long now = clock.getAsLong();
        Long missed = recentMisses.get(hash);
        if (missed != null) {
            if (now - missed < Governance.KEY_SYNC_MILLIS) return null;
            recentMisses.remove(hash, missed);
        }
        PendingLookUp pending = lookups.get(hash);
        if (pending != null) return now - pending.startedMillis() < KEY_LOOKUP_MILLIS ? pending.done() : null;
        return startLookUp(hash, client, now, this::lookUpStored);
    }

    /**
     * {@link #lookUp}'s start, once no look-up of {@code hash} runs: a place and a miss of the client's share, and
     * {@code stored} (the store's read) begun; null when the share is spent. If {@code stored} throws (the admin
     * worker refused the task), what was taken is given back before the exception goes on: else each such throw kept
     * a place, and after {@link #MAX_LOOKUPS} of them no look-up would run again.
     */
    Future<Boolean> startLookUp(String hash, String client, long now, java.util.function.Function<String, Future<Boolean>> stored) {
        LookUpShares.Taken taken = shares.enter(client == null ? "" : client);
        if (taken == null) return null;
        PendingLookUp[] mine = new PendingLookUp[1];
        PendingLookUp pending;
        try {
            pending = lookups.computeIfAbsent(hash, h -> mine[0] = new PendingLookUp(stored.apply(h), now));
        } catch (RuntimeException | Error e) {
            shares.end(taken, false);
            throw e;
        }
        if (mine[0] == null) { // another call started the same look-up between the get and here
            shares.end(taken, false);
            return pending.done();
        }
        mine[0].done().onComplete(ar -> {
            lookups.remove(hash, mine[0]);
            // a key found gives its miss back: only "no such key" spends it (a failure too: the store hangs)
            shares.end(taken, !(ar.succeeded() && ar.result()));
        });
        return mine[0].done();
    }

    /** Look-ups queued or running now (for tests and diagnostics). */
    public int lookUpsRunning() { return shares.running(); }

    /**
     * {@link #lookUp}'s work: the key read on the admin worker; when its user or team is a row this gateway has not
     * got, those rows are read on their own admins' workers and the key is read and taken in again after them (a
     * failure there fails the look-up, so the 401 stands until the sync, and is not remembered as a miss).
     */
    private Future<Boolean> lookUpStored(String hash) {
        return change(() -> takeIn(hash, true)).compose(step -> {
            if (step.missingUser() == null && step.missingTeam() == null) return Future.succeededFuture(step.known());
            Future<Boolean> user = step.missingUser() == null ? Future.succeededFuture(true) : ownerUsers.takeIn(step.missingUser(), null);
            Future<Boolean> team = step.missingTeam() == null ? Future.succeededFuture(true)
                    : ownerTeams.takeIn(step.missingTeam(), step.keyUser());
            return Future.all(user, team).compose(v -> change(() -> takeIn(hash, false).known()));
        });
    }

    /**
     * What one pass of {@link #takeIn} did: the key is known, or not in the store, or waits for these owner rows (a team
     * row this gateway lacks, or holds without the key's user as a member: {@link RowAdmin#lacks}).
     */
    private record TakeIn(boolean known, String missingUser, String missingTeam, String keyUser) {
        static final TakeIn KNOWN = new TakeIn(true, null, null, null);
        static final TakeIn MISS = new TakeIn(false, null, null, null);
    }

    /**
     * {@link #lookUp}'s work on the admin worker: the stored key of this hash into memory, or the old secret of a key
     * rotated with a grace period. With {@code ownersFirst}, a key whose user or team row this gateway lacks is not
     * taken in: the rows it needs are named instead.
     */
    private TakeIn takeIn(String hash, boolean ownersFirst) {
        if (registry.byToken(hash) != null) return TakeIn.KNOWN; // a sync or a change here took it in meanwhile
        long now = clock.getAsLong();
        if (registry.byGraceToken(hash, now) != null) return TakeIn.KNOWN;
        storeLookUps.incrementAndGet();
        VirtualKey k = store.byToken(hash);
        boolean grace = false;
        if (k == null) {
            String keyId = store.inGrace(hash, now); // a rotation with a grace period elsewhere: the old secret still works
            k = keyId == null ? null : store.byId(keyId);
            grace = k != null;
        }
        if (k == null) {
            if (recentMisses.size() >= MAX_MISSES) recentMisses.clear();
            recentMisses.put(hash, now);
            return TakeIn.MISS;
        }
        if (ownersFirst) {
            String user = missingUser(k);
            String team = missingTeam(k);
            if (user != null || team != null) return new TakeIn(false, user, team, k.userId());
        }
        KeyState known = registry.byId(k.keyId());
        if (grace || known != null) registry.graces(retired.graces(now)); // first: the old secret's grace, then its key
        if (known == null) {
            registry.put(k, store.spentThisPeriod(k, now), now);
            log.info("key {} made by another gateway on this database, taken in at its first call here", k.keyId());
        } else {
            registry.put(k, 0, now);
            log.info("key {} changed by another gateway on this database, taken in at its first call here", k.keyId());
        }
        return TakeIn.KNOWN;
    }

    /** The key's user when this gateway has not got their row (it comes in before the key), else null. */
    private String missingUser(VirtualKey k) {
        return k.userId() != null && ownerUsers != null && !ownerUsers.knows(k.userId()) ? k.userId() : null;
    }

    /**
     * The key's team when this gateway has not got its row, or holds it without the key's user as a member (a team is
     * read again then: a member added with the key on the other gateway has a budget and limits in the team that its
     * first call here must keep), else null.
     */
    private String missingTeam(VirtualKey k) {
        return k.teamId() != null && ownerTeams != null
                && (!ownerTeams.knows(k.teamId()) || ownerTeams.lacks(k.teamId(), k.userId())) ? k.teamId() : null;
    }

    /**
     * A new key the sync found whose user or team row this gateway lacks ({@link #missingUser}, {@link #missingTeam}):
     * those rows are read on their own admins' workers first, then the key is read by id and taken in (unless a look-up
     * did meanwhile), as a look-up does; until then its calls look it up, and wait for the same rows.
     */
    private Future<Boolean> takeInAfterOwners(VirtualKey k) {
        String u = missingUser(k);
        String t = missingTeam(k);
        Future<Boolean> user = u == null ? Future.succeededFuture(true) : ownerUsers.takeIn(u, null);
        Future<Boolean> team = t == null ? Future.succeededFuture(true) : ownerTeams.takeIn(t, k.userId());
        return Future.all(user, team).compose(v -> change(() -> {
            if (registry.byId(k.keyId()) != null) return false; // a look-up (or a change here) took it in meanwhile
            long now = clock.getAsLong();
            VirtualKey stored = store.byId(k.keyId());
            if (stored == null) return false; // deleted since: nothing to take in
            registry.put(stored, store.spentThisPeriod(stored, now), now);
            log.info("key {} made by another gateway on this database, taken in after its user's and team's rows", k.keyId());
            return true;
        }));
    }

    /** A sync from the store is queued or running: the next tick is skipped rather than queued behind it. */
    private final java.util.concurrent.atomic.AtomicBoolean syncing = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Takes in what other gateways on the same database changed: keys they made (with their spend this period), updated,
     * blocked, rotated or deleted. On the admin worker, so it never races this gateway's own changes (each is in the
     * store before the registry); nothing on the request path waits for it. {@link Governance} calls it every
     * {@link Governance#KEY_SYNC_MILLIS}.
     */
    Future<Integer> syncFromStore() {
        if (!syncing.compareAndSet(false, true)) return Future.succeededFuture(0);
        List<VirtualKey> ownersFirst = new java.util.ArrayList<>();
        return this.<Integer>change(() -> {
            try {
                long now = clock.getAsLong();
                List<VirtualKey> stored = store.all();
                // the old secrets in grace, read after the keys and taken in before them: a rotation the keys show is
                // in this read too (one transaction wrote both), so its old secret never falls between the two
                registry.graces(retired.graces(now));
                Set<String> ids = new java.util.HashSet<>();
                List<VirtualKey> made = new java.util.ArrayList<>();
                int changed = 0;
                for (VirtualKey k : stored) {
                    ids.add(k.keyId());
                    KeyState s = registry.byId(k.keyId());
                    if (s == null && (missingUser(k) != null || missingTeam(k) != null)) {
                        // not taken in before its user's and team's rows: its first calls here would skip a budget
                        // (a member added on the other gateway with the key, whom this team copy does not list yet)
                        ownersFirst.add(k);
                    } else if (s == null) {
                        made.add(k);
                    } else if (changedElsewhere(k, s.key())) {
                        registry.put(k, 0, now);
                        log.info("key {} changed by another gateway on this database, taken in", k.keyId());
                        changed++;
                    }
                }
                // the keys other gateways made, with their period's spend: one grouped sum per 500 keys, not one read a key
                java.util.Map<String, Long> spent = store.spentThisPeriod(made, now);
                for (VirtualKey k : made) {
                    registry.put(k, spent.getOrDefault(k.keyId(), 0L), now);
                    log.info("key {} made by another gateway on this database, taken in", k.keyId());
                    changed++;
                }
                for (KeyState s : registry.all()) {
                    if (ids.contains(s.key().keyId())) continue;
                    registry.remove(s.key().keyId());
                    limiter.forget(s.key().keyId());
                    log.info("key {} deleted by another gateway on this database", s.key().keyId());
                    changed++;
                }
                shares.synced(); // the store was read whole: unknown keys may be looked up again, each address its share
                return changed;
            } finally {
                syncing.set(false);
            }
        }).compose(changed -> {
            if (ownersFirst.isEmpty()) return Future.succeededFuture(changed);
            List<Future<Boolean>> after = new java.util.ArrayList<>();
            for (VirtualKey k : ownersFirst) after.add(takeInAfterOwners(k));
            return Future.all(after).map(v -> changed + ownersFirst.size());
        });
    }

    /**
     * Whether the stored row is a change the registry has not seen: every change stamps {@code updated_at} (rotation and
     * blocking included), compared with the token and the block so two changes in one millisecond are seen too. Not
     * the whole record: a stored row reads back with its JSON fields re-parsed, unequal to the written one though the same.
     */
    private static boolean changedElsewhere(VirtualKey stored, VirtualKey known) {
        return stored.updatedAt() != known.updatedAt() || !stored.token().equals(known.token()) || stored.blocked() != known.blocked();
    }

    private <T> Future<T> change(Supplier<T> work) {
        return worker.executeBlocking(() -> {
            try {
                return work.get();
            } catch (RuntimeException e) {
                throw takenElsewhere(e);
            }
        }, true);
    }

    /**
     * An alias or secret this gateway found free, which another gateway's key took in the store meanwhile: the
     * columns' unique constraint refuses the write, and the caller gets the 400 a clash seen in memory gets, not a 500.
     */
    private static RuntimeException takenElsewhere(RuntimeException e) {
        java.sql.SQLException sql = dev.switchboard.store.Database.uniqueViolation(e);
        String m = sql == null ? "" : String.valueOf(sql.getMessage());
        if (m.contains("key_alias")) return GatewayException.badRequest("key_alias is already used by another key.", "key_alias");
        if (m.contains("token")) return secretTaken("key");
        return e;
    }

    /** A key by its secret, hash, id or alias: how the admin API and the CLI name keys. */
    private KeyState resolve(String ref) {
        KeyState s = resolveOrNull(ref);
        if (s == null) throw notFound(unknownKey(ref));
        return s;
    }

    private static String unknownKey(String ref) {
        return "No key matches '" + shown(ref) + "' (a key, its token hash, its key_id or its alias).";
    }

    /** A name of a key as errors, logs and answers may show it: a secret masked (it may be a real key mistyped). */
    private static String shown(String ref) {
        return ref.startsWith("sk-") ? KeySecrets.mask(ref.length() >= 10 ? ref : ref + "??????????") : ref;
    }

    private KeyState resolveOrNull(String ref) {
        if (ref.startsWith("sk-")) return registry.byToken(KeySecrets.hash(ref));
        if (KeySecrets.looksLikeHash(ref)) return registry.byToken(ref);
        if (ref.startsWith("key_")) {
            KeyState s = registry.byId(ref);
            if (s != null) return s;
        }
        return registry.byAlias(ref);
    }

    private void requireFreeAlias(String alias, String keyId) {
        if (alias == null) return;
        KeyState other = registry.byAlias(alias);
        if (other != null && !other.key().keyId().equals(keyId)) throw aliasTaken(alias);
    }

    /** The same, asked of the store in a change's transaction (another gateway may have taken the alias a moment ago). */
    private static void requireFreeAlias(VirtualKey key, KeyStore.Holders holders) throws java.sql.SQLException {
        if (key.alias() == null) return;
        String other = holders.keyWithAlias(key.alias());
        if (other != null && !other.equals(key.keyId())) throw aliasTaken(key.alias());
    }

    private static GatewayException aliasTaken(String alias) {
        return GatewayException.badRequest("key_alias '" + alias + "' is already used by another key.", "key_alias");
    }

    private static GatewayException notFound(String message) {
        return new GatewayException(ErrorKind.NOT_FOUND, 404, message, "key", "key_not_found", null, null);
    }

    private static String fieldsOf(ObjectNode body) {
        List<String> f = new ArrayList<>();
        body.fieldNames().forEachRemaining(n -> { if (!n.equals("key")) f.add(n); });
        return String.join(", ", f);
    }

    private static Set<String> with(Set<String> base, String extra) {
        Set<String> s = new java.util.HashSet<>(base);
        s.add(extra);
        return Set.copyOf(s);
    }
}
