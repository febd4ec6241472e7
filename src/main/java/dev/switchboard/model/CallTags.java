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
        List<Brought> brought = brought(ctx, metadata, extra);
        // most calls: no tags anywhere, and no set, iterator and copy made per call to find that out
        if (brought.isEmpty()) return ctx.caller().tags();
        Set<String> out = new LinkedHashSet<>(ctx.caller().tags());
        for (Brought b : brought) out.addAll(b.tags());
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
        for (String t : callTags) if (!identity(t)) out.add(t);
        return out;
    }

    /**
     * True for a label that says who called ({@code user:…}, {@code team:…}, {@code org:…}, {@code end_user:…}): the
     * gateway adds these from the key or the JWT, and {@code /spend/logs} reads a call's user and team from them, so a
     * request may not bring its own (RequestChecksStage).
     */
    public static boolean identity(String tag) {
        // any case: "Team:red" is no identity the gateway reads, but it would stand beside "team:blue" in reports;
        // and any look-alike of one for the same reason
        String t = withoutLookalikes(tag);
        int colon = colonAt(t);
        if (colon < 0) return false;
        // white space inside the name does not change how it reads ("team :red", "end_ user:x")
        int[] name = t.substring(0, colon).codePoints().filter(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c)).toArray();
        for (String p : IDENTITY_NAMES) if (readsAs(name, p)) return true;
        return false;
    }

    /**
     * Whether a tag's name reads as the reserved {@code name}: equal to it in any case, or a look-alike of it, the same
     * length with every ASCII character matching (any case) and the others letters from another script where the
     * reserved name has a letter ({@code tеam} with a Cyrillic е, {@code оrg} with a Cyrillic о). Any non-ASCII letter in
     * such a place counts, not only the ones Unicode lists as confusable: none of them makes a name a reader of a report
     * could tell from {@code team} at a glance, and no honest tag needs one there.
     */
    private static boolean readsAs(int[] tagName, String name) {
        if (tagName.length != name.length()) return false;
        for (int i = 0; i < tagName.length; i++) {
            int c = tagName[i];
            char want = name.charAt(i);
            if (c < 0x80) {
                if (Character.toLowerCase(c) != want) return false;
            } else if (!Character.isLetter(c) || !Character.isLetter(want)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the tag's name ends: its first ':' or a character that looks like one and that NFKC leaves as it is
     * (the modifier letter colons U+02D0 and U+A789, the ratio sign U+2236, the Armenian full stop U+0589, the Hebrew
     * sof pasuq U+05C3, the runic U+16EC, the Mongolian U+1803 and U+1809, the two-dot punctuation U+205A, the presentation
     * form U+FE13); -1 for none.
     */
    private static int colonAt(String t) {
        for (int i = 0; i < t.length(); i++) if (COLONS.indexOf(t.charAt(i)) >= 0) return i;
        return -1;
    }

    private static final String COLONS = ":\u02d0\ua789\u2236\u0589\u05c3\u16ec\u1803\u1809\u205a\ufe13";

    /**
     * {@code tag} as a reader of a report sees it: NFKC-normalised (a full-width colon or letter becomes the ASCII one, a
     * no-break space a space), invisible format characters (zero-width space and joiners, the BOM) taken out, and
     * stripped. So a no-break space before {@code team:red} (U+00A0), a zero-width space before its colon (U+200B) or a
     * full-width colon (U+FF1A), which all read as {@code team:red}, are identity tags too. An ASCII tag (nearly every
     * one) is returned as it is, after one pass over its characters.
     */
    static String withoutLookalikes(String tag) {
        int i = 0;
        while (i < tag.length() && tag.charAt(i) < 0x80) i++;
        if (i == tag.length()) return tag;
        String n = java.text.Normalizer.normalize(tag, java.text.Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(n.length());
        n.codePoints().filter(c -> Character.getType(c) != Character.FORMAT).forEach(out::appendCodePoint);
        return out.toString().strip();
    }

    private static final String[] IDENTITY_NAMES = {"user", "team", "org", "end_user"};

    /** Tags the request itself brought, and where: {@code source} is the body field or header that holds them. */
    public record Brought(String source, List<String> tags) {}

    /**
     * The tags the request brought itself, not its key's: the body's {@code tags}, its {@code metadata.tags}, the
     * {@code x-switchboard-tags} and {@code x-litellm-tags} headers, in that order, each source once; empty for most calls
     * (four map reads).
     */
    public static List<Brought> brought(CallContext ctx, Map<String, String> metadata, Map<String, JsonNode> extra) {
        String meta = metadata.get("tags");
        JsonNode body = extra.get("tags");
        String header = ctx.hint("tags");
        String litellm = ctx.hint(LITELLM_HINT);
        if (meta == null && body == null && header == null && litellm == null) return List.of();
        List<Brought> out = new java.util.ArrayList<>(2);
        if (body != null) {
            Set<String> t = new LinkedHashSet<>();
            if (body.isArray()) body.forEach(n -> { if (n.isTextual() && !n.textValue().isBlank()) t.add(n.textValue().strip()); });
            else if (body.isTextual()) add(t, body.textValue());
            out.add(new Brought("tags", List.copyOf(t)));
        }
        if (meta != null) out.add(new Brought("metadata.tags", parsed(meta)));
        if (header != null) out.add(new Brought("x-switchboard-tags", parsed(header)));
        if (litellm != null) out.add(new Brought("x-litellm-tags", parsed(litellm)));
        return out;
    }

    private static List<String> parsed(String value) {
        Set<String> t = new LinkedHashSet<>();
        add(t, value);
        return List.copyOf(t);
    }

    /**
     * The hint under which the edge keeps the client's {@code User-Agent}, for tag routing's {@code tag_regex}: only when
     * tag routing is on and some deployment has one (Gateway#routesByUserAgent), so other calls are spared the copy.
     */
    public static final String USER_AGENT_HINT = "user-agent";

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
