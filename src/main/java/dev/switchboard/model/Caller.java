package dev.switchboard.model;

import java.util.List;
import java.util.Map;

/**
 * An authenticated caller. {@code id} names it in logs and spend: {@code master}, {@code anonymous} (no master key
 * is configured and the gateway is loopback-only), or a virtual key's stable id ({@code key_…}).
 *
 * @param admin    may use the admin API (the master key; anyone when no master key is configured)
 * @param alias    the virtual key's {@code key_alias}, or null
 * @param tags     tags the key adds to every call it makes
 * @param autoTier the tier the key's {@code auto} requests get when no rule decides, or null for the configured default
 * @param allowedCacheControls the per-request cache controls the key may use ({@code allowed_cache_controls}), or null
 *                 for the default (all but {@code namespace})
 * @param models   the only model names this caller may use (a JWT's {@code scope_mappings}; exact names), or null when
 *                 this record does not restrict them (a virtual key's allowlist is govern's, by its id)
 * @param modelAliases a virtual key's {@code aliases} (LiteLLM's): a model name asked for → the model called instead;
 *                 empty for every other caller
 */
public record Caller(String id, boolean admin, String alias, List<String> tags, String autoTier, List<String> allowedCacheControls,
                     List<String> models, Map<String, String> modelAliases) {
    public static final Caller ANONYMOUS = new Caller("anonymous", true, null, List.of(), null, null);
    public static final Caller MASTER = new Caller("master", true, null, List.of(), null, null);

    public Caller {
        tags = tags == null ? List.of() : List.copyOf(tags);
        allowedCacheControls = allowedCacheControls == null ? null : List.copyOf(allowedCacheControls);
        models = models == null ? null : List.copyOf(models);
        modelAliases = modelAliases == null ? Map.of() : modelAliases;
    }

    public Caller(String id, boolean admin, String alias, List<String> tags, String autoTier, List<String> allowedCacheControls) {
        this(id, admin, alias, tags, autoTier, allowedCacheControls, null, Map.of());
    }

    /** A caller holding a virtual key; {@code modelAliases} as the key keeps them (an unmodifiable, ordered map). */
    public static Caller virtualKey(String keyId, String alias, List<String> tags, String autoTier, List<String> allowedCacheControls,
                                    Map<String, String> modelAliases) {
        return new Caller(keyId, false, alias, tags, autoTier, allowedCacheControls, null, modelAliases);
    }

    /**
     * The model this caller's request for {@code requested} goes to: the key's alias for it, else {@code requested}.
     * One lookup, never a chain (LiteLLM's rule); the alias is applied before anything else reads the model.
     */
    public String modelFor(String requested) {
        if (requested == null || modelAliases.isEmpty()) return requested;
        String to = modelAliases.get(requested);
        return to == null ? requested : to;
    }

    /**
     * A caller signed in by a JWT: {@code id} is {@code user:<id>}, {@code team:<id>} or {@code jwt:<sub>} (never
     * {@code key_…}), so the ledger attributes its calls and {@code /spend} groups them.
     */
    public static Caller jwt(String id, boolean admin, String alias, List<String> tags, List<String> models) {
        return new Caller(id, admin, alias, tags, null, null, models, Map.of());
    }

    /**
     * Whether {@code id} is a JWT caller's ({@link #jwt}: {@code user:…}, {@code team:…}, {@code jwt:…} or {@code jwt}),
     * as the ledger's key ids keep it. The identity provider, not the admin, decides how many there are.
     */
    public static boolean isJwtId(String id) {
        return id != null && (id.startsWith("user:") || id.startsWith("team:") || id.startsWith("jwt:") || id.equals("jwt"));
    }

    /** True when {@link #models} restricts this caller. */
    public boolean modelsRestricted() { return models != null; }

    /** True for a virtual key (not the master key, not anonymous). */
    public boolean virtualKey() { return id.startsWith("key_") && !admin; }
}
