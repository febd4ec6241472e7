package dev.switchboard.govern;

import java.util.List;

/**
 * How an admin call names a key — its secret, its token hash, its {@code key_id} or its alias — as the stored columns to
 * find it by, tried in order: a {@code key_…} that is no key's id may still be an alias, as in memory
 * ({@link KeyAdmin}). A secret is looked up by its hash, so a secret rotated away names no stored key, whatever a
 * gateway still remembers of it. The columns are constants, never input.
 */
record KeyRef(List<Lookup> lookups) {
    /** One way to find the key: its row where {@code column} is {@code value}. */
    record Lookup(String column, String value) {}

    static KeyRef of(String ref) {
        if (ref.startsWith("sk-")) return new KeyRef(List.of(new Lookup("token", KeySecrets.hash(ref))));
        if (KeySecrets.looksLikeHash(ref)) return new KeyRef(List.of(new Lookup("token", ref)));
        if (ref.startsWith("key_")) return new KeyRef(List.of(new Lookup("key_id", ref), new Lookup("key_alias", ref)));
        return alias(ref);
    }

    /** A key named by its alias only ({@code /key/update}'s {@code key_alias} alone, {@code /key/delete}'s {@code key_aliases}). */
    static KeyRef alias(String alias) {
        return new KeyRef(List.of(new Lookup("key_alias", alias)));
    }
}
