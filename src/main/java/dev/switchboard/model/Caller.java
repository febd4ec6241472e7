package dev.switchboard.model;

import java.util.List;

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
 */
public record Caller(String id, boolean admin, String alias, List<String> tags, String autoTier, List<String> allowedCacheControls) {
    public static final Caller ANONYMOUS = new Caller("anonymous", true, null, List.of(), null, null);
    public static final Caller MASTER = new Caller("master", true, null, List.of(), null, null);

    public Caller {
        tags = tags == null ? List.of() : List.copyOf(tags);
        allowedCacheControls = allowedCacheControls == null ? null : List.copyOf(allowedCacheControls);
    }

    /** A caller holding a virtual key. */
    public static Caller virtualKey(String keyId, String alias, List<String> tags, String autoTier, List<String> allowedCacheControls) {
        return new Caller(keyId, false, alias, tags, autoTier, allowedCacheControls);
    }

    /** True for a virtual key (not the master key, not anonymous). */
    public boolean virtualKey() { return id.startsWith("key_") && !admin; }
}
