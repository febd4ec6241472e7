package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.CallTags;
import dev.switchboard.model.GatewayException;
import java.util.List;

/**
 * A key's tags, which reach a key two ways: Switchboard's top-level {@code tags}, and LiteLLM's {@code metadata.tags},
 * where LiteLLM keeps them (its {@code /key/generate} copies {@code tags} there, and scripts and imported keys set them
 * there directly). Both set the one list {@link VirtualKey#tags}, which every call of the key carries; the stored
 * metadata never holds a second copy that could disagree with it, and every answer shows the list in both places.
 *
 * <p>The rules: top-level {@code tags} wins when both are sent (LiteLLM writes {@code tags} over {@code metadata.tags});
 * a null or absent value changes nothing (LiteLLM's clients send {@code "tags": null} by default, and a metadata edit
 * must not drop the tags spend is reported by); {@code []} clears them.
 */
final class KeyTags {
    private KeyTags() {}

    /**
     * The tags the body sets, checked; null when it sets none (the key keeps its own).
     *
     * @param had the key's tags before: one that spells an identity label ({@code team:…}) may be sent back unchanged
     */
    static List<String> fromBody(ObjectNode b, List<String> had) {
        List<String> asked = null;
        if (b.hasNonNull("tags")) asked = KeyFields.strings(b.get("tags"), "tags");
        else if (b.get("metadata") instanceof ObjectNode m && m.hasNonNull("tags")) {
            asked = KeyFields.strings(m.get("tags"), "metadata.tags");
        }
        if (asked == null) return null;
        for (String t : asked) {
            // who a key's calls are for comes from its user_id and team_id (a team's budget, models and block follow
            // team_id): a tag spelling another would put its spend under someone else, as a request's may not
            if (CallTags.identity(t) && !had.contains(t)) {
                throw GatewayException.badRequest("'tags' may not hold '" + t + "': the labels user:, team:, org: and "
                        + "end_user: say who calls. Set the key's user_id / team_id instead.", "tags");
            }
        }
        return asked;
    }

    /** The metadata to store: the body's, without {@code tags} (they are the key's tags, kept in one place). */
    static ObjectNode stored(ObjectNode metadata) {
        if (metadata == null || !metadata.has("tags")) return metadata;
        ObjectNode out = metadata.deepCopy();
        out.remove("tags");
        return out;
    }

    /** The metadata as the admin API shows it: with {@code tags} when the key has any, where LiteLLM's readers look. */
    static ObjectNode shown(ObjectNode metadata, List<String> tags) {
        ObjectNode out = metadata == null ? KeyJson.mapper().createObjectNode() : metadata.deepCopy();
        if (tags.isEmpty()) return out;
        var list = out.putArray("tags");
        tags.forEach(list::add);
        return out;
    }

    /**
     * A key as stored before {@code metadata.tags} were applied: its metadata's tags (strings that are no identity label)
     * become its tags when it has none, so a key made the LiteLLM way is tagged from now on, as it was meant to be.
     */
    static VirtualKey adopted(VirtualKey k) {
        if (k.metadata() == null || !k.metadata().has("tags")) return k;
        List<String> tags = k.tags();
        JsonNode v = k.metadata().get("tags");
        if (tags.isEmpty() && v.isArray()) {
            List<String> found = new java.util.ArrayList<>();
            for (JsonNode e : v) if (e.isTextual() && !e.textValue().isBlank() && !CallTags.identity(e.textValue())) found.add(e.textValue().strip());
            tags = found;
        }
        return new VirtualKey(k.keyId(), k.token(), k.keyName(), k.alias(), k.models(), k.maxBudget(), k.softBudget(),
                k.budgetDuration(), k.budgetAnchor(), k.budgetSpendFrom(), k.expiresAt(), k.rpmLimit(), k.tpmLimit(), k.maxParallelRequests(),
                k.autoTier(), stored(k.metadata()), tags, k.blocked(), k.createdAt(), k.updatedAt(), k.allowedCacheControls(),
                k.userId(), k.teamId(), k.aliases());
    }
}
