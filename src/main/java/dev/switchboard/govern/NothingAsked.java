package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Whether the value of a LiteLLM admin field Switchboard does not build asks for nothing: null, false, "", an empty list
 * or an empty object (or an object of such values), and 0 for a new row's {@code spend}: what LiteLLM's clients and
 * admin UI send for a field left at its default. Such a field is accepted and ignored; one that asks for something is
 * refused by name, so a copied script learns what is not applied rather than having it dropped. Zero is nothing only
 * where it is the default: a limit of 0 may well mean "none at all", and a spend of 0 on an update resets it in LiteLLM.
 */
final class NothingAsked {
    /** Fields whose default is 0 when a row is made (pydantic reads "0" as 0 too). */
    private static final Set<String> ZERO_DEFAULT = Set.of("spend");

    private NothingAsked() {}

    /** @param creating whether the body makes a row ({@code /key/generate}, {@code /user/new}, …) rather than changes one */
    static boolean of(String field, JsonNode v, boolean creating) {
        if (creating && ZERO_DEFAULT.contains(field)) {
            JsonNode n = LaxNumbers.of(v);
            if (n != null) return n.decimalValue().signum() == 0;
        }
        return of(v);
    }

    private static boolean of(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return true;
        if (v.isBoolean()) return !v.booleanValue();
        if (v.isTextual()) return v.textValue().isBlank();
        if (v.isArray()) return v.isEmpty();
        if (v.isObject()) {
            for (JsonNode inner : v) if (!of(inner)) return false;
            return true;
        }
        return false;
    }
}
