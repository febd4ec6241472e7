package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Where the references of one JSON Schema document lead, as JSON Schema 2020-12 resolves them inside the document
 * (nothing is fetched): each {@code $id} starts a schema resource, its URI resolved against the base around it (RFC
 * 3986), the document itself read against {@link #DEFAULT_BASE} unless it has an {@code $id} of its own; {@code $anchor}
 * and {@code $dynamicAnchor} (and draft-07's {@code "$id": "#name"}) name a subschema inside the resource they stand in.
 * A {@code $ref} is resolved against the base where it stands (its own object's {@code $id} included): the URI without
 * its fragment names a resource, the fragment is then empty (the resource), a JSON pointer inside it, or an anchor.
 * Values of data keywords ({@code default}, {@code enum}, …) are data, and names in {@code properties} and the like are
 * names, never identifiers. The first of two equal identifiers holds (the spec calls a document with two an error).
 *
 * <p>A document that declares no identifier (pydantic's, zod's: the common case) keeps no index: a scan that stops at
 * the first identifier finds none, {@code #} is then the document and {@code #/…} a pointer from its root, anything else
 * resolves nowhere. A document that declares some is walked once, recording for each schema object its base and its
 * parent (by identity, no strings): the JSON pointer of a target is built only for a reference kept as a reference.
 */
final class SchemaIds {
    /** The keywords that name a schema for references. */
    static final Set<String> IDENTIFIERS = Set.of("$id", "$anchor", "$dynamicAnchor");
    /** The base a document without an {@code $id} of its own is read against (a reserved name: never fetched). */
    static final URI DEFAULT_BASE = URI.create("https://schema.invalid/");
    private static final int MAX_WALK = 600;

    private final JsonNode root;
    /** Resources by URI (no fragment), anchors by URI#name. */
    private final Map<String, JsonNode> named = new HashMap<>();
    /** The base URI in effect inside each schema object (its own $id included). */
    private final Map<JsonNode, URI> bases = new IdentityHashMap<>();
    /** Each schema object's place: the container it stands in and its key there (and its name under a NAMED keyword). */
    private final Map<JsonNode, Step> parents = new IdentityHashMap<>();
    private boolean declared;
    /** Characters of JSON pointers built so far (for a test: they are built only for references kept as references). */
    long pointerChars;

    /** One step down from {@code parent}: {@code key} (an array's index as an Integer), then {@code name} when not null. */
    private record Step(JsonNode parent, Object key, String name) {}

    private SchemaIds(JsonNode root) { this.root = root; }

    static SchemaIds of(JsonNode root) {
        SchemaIds ids = new SchemaIds(root);
        if (!declares(root, 0)) return ids;
        ids.declared = true;
        ids.walk(root, DEFAULT_BASE, 0);
        if (ids.bases.get(root) != null) ids.named.putIfAbsent(ids.bases.get(root).toString(), root);
        return ids;
    }

    /** Whether the document declares an identifier ({@link #IDENTIFIERS}) anywhere a schema stands. */
    boolean declared() { return declared; }

    /** Whether an identifier stands in a schema position under {@code n}: the first found ends the scan, nothing is kept. */
    private static boolean declares(JsonNode n, int depth) {
        if (depth > MAX_WALK) return false;
        if (n.isArray()) {
            for (JsonNode x : n) if (declares(x, depth + 1)) return true;
            return false;
        }
        if (!n.isObject()) return false;
        for (String k : IDENTIFIERS) if (n.get(k) instanceof JsonNode v && v.isTextual()) return true;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (GeminiJsonSchema.DATA.contains(k)) continue;
            if (GeminiJsonSchema.NAMED.contains(k) && e.getValue().isObject()) {
                for (JsonNode x : e.getValue()) if (declares(x, depth + 2)) return true;
            } else if (declares(e.getValue(), depth + 1)) {
                return true;
            }
        }
        return false;
    }

    private void walk(JsonNode n, URI base, int depth) {
        if (depth > MAX_WALK) return;
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                parents.putIfAbsent(n.get(i), new Step(n, i, null));
                walk(n.get(i), base, depth + 1);
            }
            return;
        }
        if (!n.isObject()) return;
        URI b = base;
        if (n.get("$id") instanceof JsonNode id && id.isTextual()) {
            String v = id.textValue();
            int hash = v.indexOf('#');
            String uri = hash < 0 ? v : v.substring(0, hash);
            String fragment = hash < 0 ? "" : v.substring(hash + 1);
            if (!uri.isEmpty()) {
                URI resolved = resolved(b, uri);
                if (resolved != null) {
                    b = resolved;
                    named.putIfAbsent(b.toString(), n);
                }
            }
            if (!fragment.isEmpty() && !fragment.startsWith("/")) named.putIfAbsent(b + "#" + fragment, n); // draft-07's anchor
        }
        for (String k : new String[] {"$anchor", "$dynamicAnchor"}) {
            if (n.get(k) instanceof JsonNode a && a.isTextual()) named.putIfAbsent(b + "#" + a.textValue(), n);
        }
        bases.put(n, b);
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (GeminiJsonSchema.DATA.contains(k)) continue;
            if (GeminiJsonSchema.NAMED.contains(k) && e.getValue().isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> names = e.getValue().fields(); names.hasNext(); ) {
                    Map.Entry<String, JsonNode> x = names.next();
                    parents.putIfAbsent(x.getValue(), new Step(n, k, x.getKey()));
                    walk(x.getValue(), b, depth + 2);
                }
            } else {
                parents.putIfAbsent(e.getValue(), new Step(n, k, null));
                walk(e.getValue(), b, depth + 1);
            }
        }
    }

    /**
     * The subschema {@code ref} names when it is written in the object {@code at} (a node of the document), or null:
     * another document's, or nothing.
     */
    JsonNode target(String ref, JsonNode at) {
        if (!declared) {
            if (ref.equals("#")) return root;
            return ref.startsWith("#/") ? pointer(root, ref.substring(1)) : null;
        }
        URI base = bases.getOrDefault(at, bases.getOrDefault(root, DEFAULT_BASE));
        int hash = ref.indexOf('#');
        String uri = hash < 0 ? ref : ref.substring(0, hash);
        String fragment = hash < 0 ? "" : ref.substring(hash + 1);
        String document;
        if (uri.isEmpty()) {
            document = base.toString();
        } else {
            URI resolved = resolved(base, uri);
            if (resolved == null) return null;
            document = resolved.toString();
        }
        JsonNode resource = named.get(document);
        if (resource == null) return null;
        if (fragment.isEmpty()) return resource;
        if (fragment.startsWith("/")) return pointer(resource, fragment);
        String name = GeminiJsonSchema.percentDecoded(fragment);
        return name == null ? null : named.get(document + "#" + name);
    }

    /**
     * A schema object's place in the document as a reference from its root ({@code "#/$defs/A"}, tokens escaped as JSON
     * Pointer does, {@code ~0} and {@code ~1}, not percent-encoded), or null when unknown. Built on each call: only for a
     * reference kept as a reference.
     */
    String pointerOf(JsonNode target) {
        if (target == root) return "#";
        Deque<Step> steps = new ArrayDeque<>();
        for (JsonNode at = target; at != root; ) {
            Step s = parents.get(at);
            if (s == null) return null;
            steps.push(s);
            at = s.parent();
        }
        StringBuilder out = new StringBuilder("#");
        for (Step s : steps) {
            out.append('/').append(token(String.valueOf(s.key())));
            if (s.name() != null) out.append('/').append(token(s.name()));
        }
        pointerChars += out.length();
        return out.toString();
    }

    /** Whether {@code ref} is a {@code "#/…"} pointer that names {@code target} from the document's root, as written. */
    boolean fromRoot(String ref, JsonNode target) {
        return ref.startsWith("#/") && pointer(root, ref.substring(1)) == target;
    }

    /** The node a JSON pointer written as a URI fragment (percent-encoded or not) names under {@code from}, or null. */
    private static JsonNode pointer(JsonNode from, String fragment) {
        String pointer = GeminiJsonSchema.percentDecoded(fragment);
        if (pointer == null) return null;
        try {
            JsonNode t = from.at(JsonPointer.compile(pointer));
            return t.isMissingNode() ? null : t;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code uri} resolved against {@code base} (RFC 3986), without a fragment, or null when it is not a URI. */
    private static URI resolved(URI base, String uri) {
        try {
            return base.resolve(new URI(uri)).normalize(); // neither has a fragment: the caller cut it off, bases have none
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A JSON pointer token (RFC 6901): {@code ~} and {@code /} escaped. */
    static String token(String name) {
        return name.indexOf('~') < 0 && name.indexOf('/') < 0 ? name : name.replace("~", "~0").replace("/", "~1");
    }
}
