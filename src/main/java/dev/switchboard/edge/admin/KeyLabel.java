package dev.switchboard.edge.admin;

import dev.switchboard.govern.KeyAdmin;

/**
 * How reports and the dashboard name the caller behind a key id: the key's alias <em>now</em>, so a renamed key stays
 * one app under its new name and a new key that takes an old alias is not mixed into the old key's figures (QA run D,
 * finding 1; LiteLLM groups spend by the key's token and shows its current {@code key_alias} too). A key that no longer
 * exists keeps the last alias its calls were made under, marked deleted.
 *
 * @param keyId   the ledger's key id ({@code key_…}, {@code master}, {@code anonymous}, a JWT caller's)
 * @param alias   the current alias, or the last one a deleted key had; "" for none
 * @param deleted a virtual key ({@code key_…}) that no longer exists
 */
public record KeyLabel(String keyId, String alias, boolean deleted) {
    private static final String DELETED = " (deleted)";

    /** @param lastAlias the alias of the key's latest ledger row (or rollup day), used when the key is gone; may be null */
    public static KeyLabel of(KeyAdmin keys, String keyId, String lastAlias) {
        String current = keys.currentAlias(keyId);
        if (current != null) return new KeyLabel(keyId, current, false);
        return new KeyLabel(keyId, lastAlias == null ? "" : lastAlias, keyId != null && keyId.startsWith("key_"));
    }

    /**
     * The app's name on the dashboard: the alias, else the key id; a deleted key's with " (deleted)" after it, so it never
     * shares a name with the live key that took its alias.
     */
    public String app() {
        String name = alias.isEmpty() ? (keyId == null || keyId.isEmpty() ? "(none)" : keyId) : alias;
        return deleted ? name + DELETED : name;
    }

    /** The name a filter box holds, without the " (deleted)" mark {@link #app()} adds; null stays null. */
    public static String withoutDeletedMark(String app) {
        return app != null && app.endsWith(DELETED) ? app.substring(0, app.length() - DELETED.length()) : app;
    }

    /** The alias as JSON answers carry it: null for none. */
    public String aliasOrNull() { return alias.isEmpty() ? null : alias; }
}
