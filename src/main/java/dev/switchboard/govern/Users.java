package dev.switchboard.govern;

import java.util.List;
import java.util.Map;

/**
 * Internal users (LiteLLM's {@code /user/*}) in memory ({@link LimitedRows}): the stored rows, each with its model list
 * compiled and its rate limits, and the running budgets of the users whose keys called lately. A user has no default
 * budget: a key's {@code user_id} naming no stored user is a label only, as it always was.
 */
final class Users extends LimitedRows<User> {
    @Override
    String alertGroup() { return "user"; }

    /** The ledger's tags hold 255 characters, {@code user:} and the id. */
    static final int MAX_ID = 250;

    /** @param accessGroups LiteLLM's model access groups: a user's models may name one, as a key's may */
    Users(Map<String, List<String>> accessGroups) {
        super("us:", accessGroups);
    }

    @Override Budget.Grant grant(String id) { return Budget.Grant.user(id); }

    /**
     * The user a ledger row counts for: its {@code user:} tag when it counts for no team (LiteLLM's personal spend). The
     * last one: a key's {@code user_id} is added after its own tags ({@code VirtualKey.callTags}), where a key made before
     * identity tags were refused may still hold another {@code user:} tag.
     */
    static String countedFor(String team, List<String> tags) {
        if (team != null || tags == null) return null;
        for (int i = tags.size() - 1; i >= 0; i--) if (tags.get(i).startsWith("user:")) return tags.get(i).substring(5);
        return null;
    }
}
