package dev.switchboard.govern;

import dev.switchboard.model.GatewayException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code GET /key/list}'s query, read as LiteLLM's {@code list_keys} reads it, so its admin UI (which always sends
 * {@code sort_by} and {@code include_team_keys}) and scripts (which find a key by {@code key_hash}) work unchanged:
 * the same parameters, defaults (10 a page, at most 100; newest first) and refusals (an unknown sort column or order,
 * a {@code status} other than {@code deleted}).
 *
 * <p>Three parameters cannot narrow anything here, and say so rather than being dropped: {@code include_team_keys} and
 * {@code include_created_by_keys} widen a team admin's or a user's view to more keys, and the admin API answers only
 * the master key, which sees every key already (LiteLLM's proxy admin gets the same answer); {@code organization_id},
 * {@code project_id} and {@code access_group_id} filter as LiteLLM does, on fields no key here has (they are refused
 * on {@code /key/generate}), so they match no key. {@code status=deleted} is a 400: a deleted key is not kept.
 *
 * @param size        keys a page; internal readers (the dashboard) may ask up to {@link #MAX_INTERNAL_SIZE}
 * @param sortBy      one of {@link #SORTS}, or null for newest first
 * @param expandUser  LiteLLM's {@code expand=user}: each key with its stored user, and whole keys
 */
public record KeyListQuery(int page, int size, String keyAlias, String userId, String teamId, String keyHash,
                           String organizationId, String projectId, String accessGroupId, boolean fullObjects,
                           String sortBy, boolean descending, boolean expandUser) {
    /** LiteLLM's page size when none is asked for, and its largest. */
    public static final int DEFAULT_SIZE = 10;
    public static final int MAX_SIZE = 100;
    static final int MAX_INTERNAL_SIZE = 1000;
    /** The columns LiteLLM's {@code _validate_sort_params} allows. */
    static final List<String> SORTS = List.of("spend", "max_budget", "created_at", "updated_at", "token", "key_alias");
    /** Every query parameter of LiteLLM's {@code list_keys}. */
    public static final Set<String> PARAMS = Set.of("page", "size", "user_id", "team_id", "organization_id", "key_hash",
            "key_alias", "return_full_object", "include_team_keys", "include_created_by_keys", "sort_by", "sort_order",
            "expand", "status", "project_id", "access_group_id");

    public KeyListQuery {
        if (page < 1) throw GatewayException.badRequest("'page' must be 1 or more.", "page");
        if (size < 1 || size > MAX_INTERNAL_SIZE) throw GatewayException.badRequest("'size' must be from 1 to " + MAX_SIZE + ".", "size");
    }

    /** Every key, newest first, one page of {@code size}: the dashboard's and the CLI's listing. */
    public static KeyListQuery all(int page, int size, String keyAlias, boolean fullObjects) {
        return new KeyListQuery(page, size, keyAlias, null, null, null, null, null, null, fullObjects, null, true, false);
    }

    /**
     * The query of an HTTP request.
     *
     * @param values a parameter's values as sent (empty when absent); LiteLLM's {@code expand} may be repeated
     * @throws GatewayException 400 naming the parameter that is wrong, and why
     */
    public static KeyListQuery parse(Function<String, List<String>> values) {
        Function<String, String> one = name -> values.apply(name).isEmpty() ? null : values.apply(name).get(0);
        int page = whole(one.apply("page"), "page", 1);
        int size = whole(one.apply("size"), "size", DEFAULT_SIZE);
        if (size < 1 || size > MAX_SIZE) {
            throw GatewayException.badRequest("'size' must be from 1 to " + MAX_SIZE + " (LiteLLM's bounds), found " + size + ".", "size");
        }
        // checked for LiteLLM's clients' sake, but they widen only a non-admin's view: the master key sees every key
        bool(one.apply("include_team_keys"), "include_team_keys");
        bool(one.apply("include_created_by_keys"), "include_created_by_keys");
        String status = one.apply("status");
        if ("deleted".equals(status)) {
            throw GatewayException.badRequest("'status=deleted' lists deleted keys, and Switchboard does not keep them: a deleted "
                    + "key's row is gone (its calls stay in the ledger under its key_id: /spend/logs?key=key_…).", "status");
        }
        if (status != null) throw GatewayException.badRequest("Invalid status value. Currently only 'deleted' is supported.", "status");
        boolean expandUser = false;
        for (String e : values.apply("expand")) {
            for (String part : e.split(",")) {
                if (part.strip().equals("user")) expandUser = true;
                else if (!part.isBlank()) {
                    throw GatewayException.badRequest("'expand' may only be user (each key with its user), found '" + part.strip() + "'.", "expand");
                }
            }
        }
        String sortBy = one.apply("sort_by");
        if (sortBy != null && !SORTS.contains(sortBy)) {
            throw GatewayException.badRequest("Invalid sort column. Must be one of: " + String.join(", ", SORTS) + ".", "sort_by");
        }
        String order = one.apply("sort_order") == null ? "desc" : one.apply("sort_order").toLowerCase(Locale.ROOT);
        if (!order.equals("asc") && !order.equals("desc")) {
            throw GatewayException.badRequest("Invalid sort order. Must be 'asc' or 'desc'.", "sort_order");
        }
        return new KeyListQuery(page, size, one.apply("key_alias"), one.apply("user_id"), one.apply("team_id"),
                one.apply("key_hash"), one.apply("organization_id"), one.apply("project_id"), one.apply("access_group_id"),
                bool(one.apply("return_full_object"), "return_full_object"), sortBy, order.equals("desc"), expandUser);
    }

    /** Whether the key is listed: every filter given matches (LiteLLM's filters are exact). */
    boolean matches(VirtualKey k) {
        if (organizationId != null || projectId != null || accessGroupId != null) return false; // no key has one here
        return (keyAlias == null || keyAlias.equals(k.alias())) && (userId == null || userId.equals(k.userId()))
                && (teamId == null || teamId.equals(k.teamId())) && (keyHash == null || keyHash.equals(k.token()));
    }

    /** Whether {@link #order} needs each key's spend this period (a read of the ledger). */
    boolean sortsBySpend() { return "spend".equals(sortBy); }

    /**
     * The order asked for, or null to keep newest first. Keys without the value (no alias, no budget) come last going up
     * and first going down, as PostgreSQL orders LiteLLM's nulls; ties keep newest first (the sort is stable).
     *
     * @param spent each key's spend this period by key id, when {@link #sortsBySpend}
     */
    Comparator<KeyState> order(Map<String, Long> spent) {
        if (sortBy == null) return null;
        Comparator<KeyState> up = switch (sortBy) {
            case "spend" -> Comparator.comparingLong(s -> spent.getOrDefault(s.key().keyId(), 0L));
            case "max_budget" -> Comparator.comparing(s -> s.key().maxBudget(), Comparator.nullsLast(Comparator.naturalOrder()));
            case "created_at" -> Comparator.comparingLong(s -> s.key().createdAt());
            case "updated_at" -> Comparator.comparingLong(s -> s.key().updatedAt());
            case "token" -> Comparator.comparing(s -> s.key().token());
            default -> Comparator.comparing(s -> s.key().alias(), Comparator.nullsLast(Comparator.naturalOrder()));
        };
        return descending ? up.reversed() : up;
    }

    private static int whole(String v, String name, int dflt) {
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("'" + name + "' must be a whole number, found '" + v + "'.", name);
        }
    }

    /** A boolean as FastAPI reads a query parameter (true/false, 1/0, yes/no, on/off). */
    private static boolean bool(String v, String name) {
        if (v == null) return false;
        switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> { return true; }
            case "false", "0", "no", "off" -> { return false; }
            default -> throw GatewayException.badRequest("'" + name + "' must be true or false, found '" + v + "'.", name);
        }
    }
}
