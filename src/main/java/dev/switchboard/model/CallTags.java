package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A call's tags, in one place for the ledger, the trace and tag routing: the key's, then the request body's {@code tags}
 * (LiteLLM's, which its proxy moves into the metadata), its {@code metadata.tags} (a JSON list, or text separated by
 * commas), then the {@code x-switchboard-tags} and LiteLLM's {@code x-litellm-tags} headers (commas), each once.
 */
public final class CallTags {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CallTags() {}

    /** @param extra the request's fields beyond the canonical ones (where a body's {@code tags} is); may be empty */
    public static List<String> of(CallContext ctx, Map<String, String> metadata, Map<String, JsonNode> extra) {
        List<String> known = ctx.attached(GATHERED);
        if (known != null) return known; // the ledger, the trace, the cache and the router each ask; gathered once
        String meta = metadata.get("tags");
        JsonNode body = extra.get("tags");
        String header = ctx.hint("tags");
        String litellm = ctx.hint(LITELLM_HINT);
        // most calls: no tags anywhere, and no set, iterator and copy made per call to find that out
        if (meta == null && body == null && header == null && litellm == null && ctx.caller().tags().isEmpty()) return List.of();
        Set<String> out = new LinkedHashSet<>(ctx.caller().tags());
        if (body != null) {
            if (body.isArray()) body.forEach(t -> { if (t.isTextual() && !t.textValue().isBlank()) out.add(t.textValue().strip()); });
            else if (body.isTextual()) add(out, body.textValue());
        }
        if (meta != null) add(out, meta);
        if (header != null) add(out, header);
        if (litellm != null) add(out, litellm);
        List<String> tags = List.copyOf(out);
        ctx.attach(GATHERED, tags);
        return tags;
    }

    /** A call's tags once gathered (only calls that have some: gathering none costs four map reads). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final CallContext.Key<List<String>> GATHERED = (CallContext.Key) new CallContext.Key<>(List.class);

    /**
     * The tags that route (tag routing): the call's, less the labels the gateway adds itself ({@code user:…} and
     * {@code team:…} of a key, {@code org:…} and {@code end_user:…} of a JWT), which say who called, not where to go.
     */
    public static List<String> routing(List<String> callTags) {
        if (callTags.isEmpty()) return callTags;
        List<String> out = new java.util.ArrayList<>(callTags.size());
        for (String t : callTags) {
            if (!(t.startsWith("user:") || t.startsWith("team:") || t.startsWith("org:") || t.startsWith("end_user:"))) out.add(t);
        }
        return out;
    }

    /** The hint under which the edge keeps LiteLLM's {@code x-litellm-tags} header. */
    public static final String LITELLM_HINT = "litellm-tags";

    private static void add(Set<String> out, String value) {
        String v = value.strip();
        if (v.startsWith("[")) {
            try {
                JSON.readTree(v).forEach(t -> { if (t.isTextual() && !t.textValue().isBlank()) out.add(t.textValue().strip()); });
                return;
            } catch (Exception e) {
                // not JSON after all: read as a comma list
            }
        }
        for (String t : v.split(",")) if (!t.isBlank()) out.add(t.strip());
    }
}
