package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class GeminiJsonSchemaTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static JsonNode json(String s) {
        try {
            return M.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSchemaWithoutReferencesIsTheSameNode() {
        JsonNode s = json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"additionalProperties\":false}");
        assertThat(GeminiJsonSchema.forGemini(s)).isSameAs(s);
        assertThat(GeminiJsonSchema.forGemini(null)).isNull();
    }

    @Test
    void referencesAreInlinedWithTheirSiblingsOnTopAndTheDefinitionsDropped() {
        JsonNode s = json("""
                {"type":"object","$defs":{"U":{"type":"string","enum":["c","f"],"description":"unit"}},
                 "properties":{"u":{"$ref":"#/$defs/U","description":"the unit","title":"T"},
                   "list":{"type":"array","items":{"$ref":"#/$defs/U"}},
                   "byPointer":{"$ref":"#/properties/list"}}}""");
        JsonNode out = GeminiJsonSchema.forGemini(s);
        assertThat(out.toString()).doesNotContain("$ref").doesNotContain("$defs");
        assertThat(out.at("/properties/u/description").asText()).isEqualTo("the unit");
        assertThat(out.at("/properties/u/title").asText()).isEqualTo("T");
        assertThat(out.at("/properties/u/enum/1").asText()).isEqualTo("f");
        assertThat(out.at("/properties/list/items/type").asText()).isEqualTo("string");
        assertThat(out.at("/properties/byPointer/items/enum/0").asText()).isEqualTo("c");
        assertThat(s.has("$defs")).as("the client's schema is not changed").isTrue();
    }

    @Test
    void aRecursiveReferenceStaysAloneWithItsDefinitions() {
        JsonNode s = json("""
                {"type":"object","$defs":{"N":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/N","title":"N"}}}}},
                 "properties":{"root":{"$ref":"#/$defs/N"},"self":{"$ref":"#","description":"again","type":"object"}}}""");
        JsonNode out = GeminiJsonSchema.forGemini(s);
        assertThat(out.at("/properties/root/properties/kids/items").toString()).isEqualTo("{\"anyOf\":[{\"$ref\":\"#/$defs/N\"}],\"title\":\"N\"}");
        assertThat(out.at("/$defs/N/properties/kids/items").toString()).isEqualTo("{\"anyOf\":[{\"$ref\":\"#/$defs/N\"}],\"title\":\"N\"}");
        assertThat(out.at("/properties/self/properties/self").toString())
                .isEqualTo("{\"anyOf\":[{\"$ref\":\"#\"}],\"description\":\"again\",\"type\":\"object\"}");
    }

    @Test
    void dataAndPropertyNamesAreNotReferences() {
        JsonNode s = json("""
                {"type":"object","$defs":{"S":{"type":"string"}},
                 "properties":{"$ref":{"type":"string"},"default":{"$ref":"#/$defs/S"},
                   "x":{"type":"object","default":{"$ref":"kept as data"},"enum":[{"$ref":"#/$defs/S"}]}}}""");
        JsonNode out = GeminiJsonSchema.forGemini(s);
        assertThat(out.at("/properties/$ref/type").asText()).isEqualTo("string");
        assertThat(out.at("/properties/default").toString()).isEqualTo("{\"type\":\"string\"}");
        assertThat(out.at("/properties/x/default/$ref").asText()).isEqualTo("kept as data");
        assertThat(out.at("/properties/x/enum/0/$ref").asText()).isEqualTo("#/$defs/S");
    }

    @Test
    void aReferenceToNothingOrElsewhereIsLeftForGoogleToName() {
        JsonNode s = json("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/Missing\",\"title\":\"A\"},"
                + "\"b\":{\"$ref\":\"https://example.com/s.json\"}}}");
        JsonNode out = GeminiJsonSchema.forGemini(s);
        assertThat(out.at("/properties/a")).isEqualTo(s.at("/properties/a"));
        assertThat(out.at("/properties/b")).isEqualTo(s.at("/properties/b"));
    }

    private static int depth(JsonNode n) {
        int d = 0;
        for (JsonNode x : n) d = Math.max(d, depth(x));
        return n.isContainerNode() ? d + 1 : 0;
    }

    private static int count(JsonNode n) {
        int c = 1;
        for (JsonNode x : n) c += count(x);
        return c;
    }

    /** The review's case: one definition of 2,000 properties referenced 1,000 times (81 KB) became a 51 MB body. */
    @Test
    void aLargeDefinitionReferencedAThousandTimesStaysSmallAndFast() throws Exception {
        StringBuilder big = new StringBuilder("{\"type\":\"object\",\"properties\":{");
        for (int i = 0; i < 2_000; i++) big.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":{\"type\":\"string\"}");
        StringBuilder s = new StringBuilder("{\"type\":\"object\",\"$defs\":{\"Big\":").append(big).append("}}},\"properties\":{");
        for (int i = 0; i < 1_000; i++) s.append(i == 0 ? "" : ",").append("\"r").append(i).append("\":{\"$ref\":\"#/$defs/Big\"}");
        JsonNode in = json(s.append("}}").toString());
        long t0 = System.nanoTime();
        JsonNode out = GeminiJsonSchema.forGemini(in);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String written = M.writeValueAsString(out);
        assertThat(count(out)).as("nodes").isLessThanOrEqualTo(count(in) + Math.max(4 * count(in), 20_000) + 10);
        assertThat(written.length()).as("bytes (input %d)", in.toString().length()).isLessThan(1_000_000);
        assertThat(ms).as("ms").isLessThan(2_000);
        // the first copies inlined, the rest references to the definitions, which stay
        assertThat(out.at("/properties/r0/properties/p1999/type").asText()).isEqualTo("string");
        assertThat(out.at("/properties/r999").toString()).isEqualTo("{\"$ref\":\"#/$defs/Big\"}");
        assertThat(out.at("/$defs/Big/properties/p1999/type").asText()).isEqualTo("string");
    }

    /** References nested in references: without a bound on the output's depth, Jackson refuses to write it (or the stack runs out). */
    @Test
    void nestedReferencesDoNotNestTheOutputPastTheBound() throws Exception {
        StringBuilder s = new StringBuilder("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/D0\"}},\"$defs\":{");
        for (int i = 0; i < 30; i++) {
            s.append(i == 0 ? "" : ",").append("\"D").append(i).append("\":");
            for (int k = 0; k < 25; k++) s.append("{\"type\":\"object\",\"properties\":{\"x\":");
            s.append(i == 29 ? "{\"type\":\"string\"}" : "{\"$ref\":\"#/$defs/D" + (i + 1) + "\",\"title\":\"next\"}");
            s.append("}}".repeat(25));
        }
        JsonNode in = json(s.append("}}").toString());
        assertThat(depth(in)).isLessThan(100);
        JsonNode out = GeminiJsonSchema.forGemini(in);
        assertThat(depth(out)).isLessThanOrEqualTo(GeminiJsonSchema.MAX_OUTPUT_DEPTH + 5);
        assertThat(M.writeValueAsString(out)).contains("\"$ref\":\"#/$defs/D");
        assertThat(out.at("/$defs/D29")).isNotNull();
        assertThat(out.has("$defs")).as("the kept references' definitions stay").isTrue();
    }

    /**
     * TypeBox writes {"$ref":"T"} to a definition with "$id":"T"; anchors are "#name": both are followed as JSON Schema
     * 2020-12 does and inlined, their definitions and the identifiers dropped (a copy would declare the id twice).
     */
    @Test
    void idAndAnchorReferencesAreInlinedAndPointersArePercentDecoded() {
        JsonNode s = json("""
                {"type":"object","$defs":{"T":{"$id":"T","type":"string"},"A":{"$anchor":"a","type":"number"},
                   "D":{"$dynamicAnchor":"d","type":"array"},"Old":{"$id":"#old","type":"null"},
                   "My Type":{"type":"boolean"},"U":{"type":"integer"}},
                 "properties":{"t":{"$ref":"T","description":"d"},"t2":{"$ref":"T"},"a":{"$ref":"#a","title":"A"},"d":{"$ref":"#d"},
                   "o":{"$ref":"#old"},"m":{"$ref":"#/$defs/My%20Type"},"u":{"$ref":"#/$defs/U","title":"U"}}}""");
        JsonNode out = GeminiJsonSchema.forGemini(s);
        assertThat(out.at("/properties/t").toString()).isEqualTo("{\"type\":\"string\",\"description\":\"d\"}");
        assertThat(out.at("/properties/t2").toString()).isEqualTo("{\"type\":\"string\"}");
        assertThat(out.at("/properties/a").toString()).isEqualTo("{\"type\":\"number\",\"title\":\"A\"}");
        assertThat(out.at("/properties/d/type").asText()).isEqualTo("array");
        assertThat(out.at("/properties/o/type").asText()).isEqualTo("null");
        assertThat(out.at("/properties/m/type").asText()).isEqualTo("boolean");
        assertThat(out.at("/properties/u").toString()).isEqualTo("{\"type\":\"integer\",\"title\":\"U\"}");
        assertThat(out.toString()).doesNotContain("$ref").doesNotContain("$defs").doesNotContain("$id").doesNotContain("Anchor");
        assertThat(s.at("/$defs/T/$id").asText()).as("the client's schema is not changed").isEqualTo("T");
        assertThat(GeminiJsonSchema.percentDecoded("/$defs/%C3%A9t%C3%A9~1x")).isEqualTo("/$defs/été~1x");
        assertThat(GeminiJsonSchema.percentDecoded("/a%2")).isNull();
        assertThat(GeminiJsonSchema.percentDecoded("/a+b")).isEqualTo("/a+b");
    }

    /**
     * References resolve against the base where they stand: an embedded resource's "#name" and "#/…" are its own, a
     * relative "$id" is resolved against the document's, and an anchor of another resource is not seen from the root.
     */
    @Test
    void referencesResolveAgainstTheBaseOfTheResourceTheyStandIn() {
        JsonNode s = json("""
                {"$id":"https://example.com/schemas/root.json","type":"object",
                 "$defs":{"A":{"$anchor":"foo","type":"integer"},
                   "B":{"$id":"other.json","type":"object",
                        "$defs":{"X":{"$anchor":"bar","type":"boolean"},"Y":{"type":"string","minLength":2}},
                        "properties":{"x":{"$ref":"#bar"},"y":{"$ref":"#/$defs/Y"},"up":{"$ref":"root.json#foo"}}},
                   "C":{"$id":"urn:uuid:ee564b8a-7a87-4125-8c96-e9f123d6766f","type":"null"}},
                 "properties":{"a":{"$ref":"#foo"},"a2":{"$ref":"https://example.com/schemas/root.json#foo"},
                   "b":{"$ref":"other.json"},"bx":{"$ref":"other.json#bar"},"by":{"$ref":"https://example.com/schemas/other.json#/$defs/Y"},
                   "c":{"$ref":"urn:uuid:ee564b8a-7a87-4125-8c96-e9f123d6766f"},"up":{"$ref":"./sub/../other.json#bar"},
                   "notHere":{"$ref":"#bar"},"elsewhere":{"$ref":"https://example.org/x.json"}}}""");
        JsonNode out = GeminiJsonSchema.forGemini(s);
        assertThat(out.at("/properties/a/type").asText()).isEqualTo("integer");
        assertThat(out.at("/properties/a2/type").asText()).isEqualTo("integer");
        assertThat(out.at("/properties/b/properties/x/type").asText()).isEqualTo("boolean");
        assertThat(out.at("/properties/b/properties/y/minLength").asInt()).isEqualTo(2);
        assertThat(out.at("/properties/b/properties/up/type").asText()).isEqualTo("integer");
        assertThat(out.at("/properties/bx/type").asText()).isEqualTo("boolean");
        assertThat(out.at("/properties/by/type").asText()).isEqualTo("string");
        assertThat(out.at("/properties/c/type").asText()).isEqualTo("null");
        assertThat(out.at("/properties/up/type").asText()).isEqualTo("boolean");
        // not followed: left as written for Google to name, the definitions kept (without their identifiers)
        assertThat(out.at("/properties/notHere").toString()).isEqualTo("{\"$ref\":\"#bar\"}");
        assertThat(out.at("/properties/elsewhere").toString()).isEqualTo("{\"$ref\":\"https://example.org/x.json\"}");
        assertThat(out.at("/$defs/B/properties/x/type").asText()).isEqualTo("boolean");
        assertThat(out.toString()).doesNotContain("\"$id\"").doesNotContain("$anchor");
    }

    /**
     * A recursive reference by id (TypeBox's Type.Recursive) is inlined once and then kept as the JSON pointer of its
     * target, which stays in the output at that place, since the output declares no ids any more.
     */
    @Test
    void aRecursiveReferenceByIdIsKeptAsThePointerOfItsTarget() {
        JsonNode s = json("""
                {"type":"object","$defs":{"My Node":{"$id":"Node","type":"object","properties":{"kids":{"type":"array","items":{"$ref":"Node"}}}}},
                 "properties":{"tree":{"$ref":"Node","title":"Tree"}}}""");
        JsonNode out = GeminiJsonSchema.forGemini(s);
        assertThat(out.at("/properties/tree/title").asText()).isEqualTo("Tree");
        assertThat(out.at("/properties/tree/properties/kids/items").toString()).isEqualTo("{\"$ref\":\"#/$defs/My Node\"}");
        assertThat(out.at("/$defs/My Node/properties/kids/items").toString()).isEqualTo("{\"$ref\":\"#/$defs/My Node\"}");
        assertThat(out.at("/$defs/My Node").has("$id")).isFalse();

        JsonNode self = json("""
                {"$id":"T","type":"object","properties":{"self":{"$ref":"T","description":"again"},"name":{"type":"string"}}}""");
        JsonNode selfOut = GeminiJsonSchema.forGemini(self);
        assertThat(selfOut.has("$id")).isFalse();
        assertThat(selfOut.at("/properties/self/description").asText()).isEqualTo("again");
        assertThat(selfOut.at("/properties/self/properties/self").toString()).isEqualTo("{\"$ref\":\"#\",\"description\":\"again\"}");
        assertThat(SchemaIds.token("a/b~c dé")).isEqualTo("a~1b~0c dé");
    }

    /** An "$id" in data or as a property's name is no identifier, and stays, in a schema that declares real ones. */
    @Test
    void identifiersInDataOrAsNamesAreNotIdentifiers() {
        JsonNode s = json("""
                {"type":"object","$defs":{"S":{"$anchor":"s","type":"string"}},
                 "properties":{"$id":{"type":"string"},"$anchor":{"$ref":"#s"},"x":{"type":"object","default":{"$id":"data"},"enum":[{"$anchor":"s2"}]},
                   "y":{"$ref":"#s2"}}}""");
        JsonNode out = GeminiJsonSchema.forGemini(s);
        assertThat(out.at("/properties/$id/type").asText()).isEqualTo("string");
        assertThat(out.at("/properties/$anchor/type").asText()).isEqualTo("string");
        assertThat(out.at("/properties/x/default/$id").asText()).isEqualTo("data");
        assertThat(out.at("/properties/x/enum/0/$anchor").asText()).isEqualTo("s2");
        assertThat(out.at("/properties/y").toString()).isEqualTo("{\"$ref\":\"#s2\"}");
    }

    /** A recursive reference with a title, type or nullable beside it: those stay, beside an anyOf of the lone reference. */
    @Test
    void aKeptReferenceKeepsItsSiblingsBesideAnAnyOf() {
        JsonNode s = json("""
                {"type":"object","$defs":{"N":{"type":"object","properties":{
                   "next":{"$ref":"#/$defs/N","title":"Next","nullable":true,"description":"d"},
                   "both":{"$ref":"#/$defs/N","anyOf":[{"type":"null"}]},
                   "plain":{"$ref":"#/$defs/N","default":null}}}},
                 "properties":{"n":{"$ref":"#/$defs/N"}}}""");
        JsonNode out = GeminiJsonSchema.forGemini(s);
        JsonNode next = out.at("/properties/n/properties/next");
        assertThat(next.at("/anyOf/0").toString()).isEqualTo("{\"$ref\":\"#/$defs/N\"}");
        assertThat(next.get("title").asText()).isEqualTo("Next");
        assertThat(next.get("nullable").asBoolean()).isTrue();
        assertThat(next.get("description").asText()).isEqualTo("d");
        JsonNode both = out.at("/properties/n/properties/both");
        assertThat(both.at("/allOf/0/anyOf/0").toString()).isEqualTo("{\"$ref\":\"#/$defs/N\"}");
        assertThat(both.at("/allOf")).as("no allOf of its own: just the two").hasSize(2);
        assertThat(both.at("/allOf/1/anyOf/0/type").asText()).isEqualTo("null");
        assertThat(out.at("/properties/n/properties/plain").toString()).isEqualTo("{\"$ref\":\"#/$defs/N\",\"default\":null}");
    }

    /**
     * A kept reference with both an anyOf and an allOf beside it: the reference and the anyOf are added to the node's own
     * allOf, which is not overwritten.
     */
    @Test
    void aKeptReferenceBesideAnyOfAndAllOfKeepsTheAllOf() {
        JsonNode s = json("""
                {"type":"object","$defs":{"N":{"type":"object","properties":{
                   "both":{"$ref":"#/$defs/N","anyOf":[{"type":"null"}],"allOf":[{"minProperties":1}]}}}},
                 "properties":{"n":{"$ref":"#/$defs/N"}}}""");
        JsonNode both = GeminiJsonSchema.forGemini(s).at("/properties/n/properties/both");
        assertThat(both.get("allOf")).hasSize(3);
        assertThat(both.at("/allOf/0/minProperties").asInt()).isEqualTo(1);
        assertThat(both.at("/allOf/1/anyOf/0").toString()).isEqualTo("{\"$ref\":\"#/$defs/N\"}");
        assertThat(both.at("/allOf/2/anyOf/0/type").asText()).isEqualTo("null");
        assertThat(both.has("anyOf")).isFalse();
    }

    /**
     * A kept reference's pointer is escaped as JSON Pointer does (~0, ~1), not percent-encoded, and a "#/…" reference
     * written from the root is kept as written.
     */
    @Test
    void aKeptPointerIsEscapedAsJsonPointerNotPercentEncoded() {
        JsonNode s = json("""
                {"type":"object","$defs":{"a/b c~":{"$anchor":"n","type":"object","properties":{"next":{"$ref":"#n"},
                    "again":{"$ref":"#/$defs/a~1b%20c~0"}}}},
                 "properties":{"n":{"$ref":"#n"}}}""");
        JsonNode out = GeminiJsonSchema.forGemini(s);
        assertThat(out.at("/properties/n/properties/next").toString()).isEqualTo("{\"$ref\":\"#/$defs/a~1b c~0\"}");
        assertThat(out.at("/properties/n/properties/again").toString()).isEqualTo("{\"$ref\":\"#/$defs/a~1b%20c~0\"}");
        assertThat(out.at("/$defs/a~1b c~0/type").asText()).isEqualTo("object");
    }

    /**
     * A $dynamicRef whose $dynamicAnchor is in the same resource is followed as a $ref (JSON Schema 2020-12 without an
     * outer dynamic scope): the anchor is dropped with the other identifiers, so the reference must not dangle.
     */
    @Test
    void aDynamicRefIsFollowedAsARefToItsAnchor() {
        JsonNode s = json("""
                {"$id":"https://example.com/tree","$dynamicAnchor":"node","type":"object",
                 "properties":{"data":{"type":"string"},"children":{"type":"array","items":{"$dynamicRef":"#node"}},
                   "leaf":{"$dynamicRef":"#item"}},
                 "$defs":{"I":{"$dynamicAnchor":"item","type":"integer"}}}""");
        JsonNode out = GeminiJsonSchema.forGemini(s);
        assertThat(out.toString()).doesNotContain("$dynamic").doesNotContain("$id");
        assertThat(out.at("/properties/leaf").toString()).isEqualTo("{\"type\":\"integer\"}");
        // the tree inlined once, then a reference to the root
        assertThat(out.at("/properties/children/items/properties/data/type").asText()).isEqualTo("string");
        assertThat(out.at("/properties/children/items/properties/children/items").toString()).isEqualTo("{\"$ref\":\"#\"}");
    }

    /** {levels} of properties named {key}0, {key}1, … down to {leaf}, and beside the outermost a property "r": {top}. */
    private static ObjectNode deep(int levels, String key, JsonNode leaf, JsonNode top) {
        ObjectNode n = (ObjectNode) leaf;
        for (int i = 0; i < levels; i++) {
            ObjectNode up = M.createObjectNode().put("type", "object");
            up.putObject("properties").set(key + i, n);
            n = up;
        }
        ((ObjectNode) n.get("properties")).set("r", top);
        return n;
    }

    /**
     * A deep schema with long names (a megabyte) and a reference: the identifier index builds no JSON pointer for the
     * nodes it walks (it once built one per node, the work growing with the square of the depth, on the event loop): none
     * at all without an identifier, and with one only the pointers of references kept as references.
     */
    @Test
    void aDeepLongNamedSchemaBuildsPointersOnlyForKeptReferences() {
        String key = "€".repeat(3000); // nine characters each, percent-encoded
        ObjectNode plain = deep(120, key, json("{\"type\":\"string\"}"), json("{\"$ref\":\"#\",\"title\":\"again\"}"));
        assertThat(plain.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isGreaterThan(1_000_000);
        SchemaIds none = SchemaIds.of(plain);
        assertThat(none.declared()).isFalse();
        assertThat(none.pointerChars).as("no identifier: no walk, no pointer").isZero();
        assertThat(GeminiJsonSchema.forGemini(plain).at("/properties/r/anyOf/0/$ref").asText()).isEqualTo("#");

        ObjectNode withIds = deep(120, key, json("""
                {"$anchor":"leaf","type":"object","properties":{"again":{"$ref":"#leaf"}}}"""), json("{\"$ref\":\"#leaf\"}"));
        SchemaIds ids = SchemaIds.of(withIds);
        assertThat(ids.declared()).isTrue();
        assertThat(ids.pointerChars).as("the walk builds no pointer").isZero();
        StringBuilder path = new StringBuilder();
        for (int i = 119; i >= 0; i--) path.append("/properties/").append(key).append(i);
        JsonNode leaf = withIds.at(path.toString());
        assertThat(leaf.path("$anchor").asText()).isEqualTo("leaf");
        String p = ids.pointerOf(leaf);
        assertThat(p).isEqualTo("#" + path);
        assertThat(ids.pointerChars).isEqualTo(p.length());
        JsonNode out = GeminiJsonSchema.forGemini(withIds);
        assertThat(out.at("/properties/r/properties/again/$ref").asText()).isEqualTo(p);
        assertThat(out.at(path + "/properties/again/$ref").asText()).isEqualTo(p);
        assertThat(out.toString()).doesNotContain("$anchor");
    }
}
