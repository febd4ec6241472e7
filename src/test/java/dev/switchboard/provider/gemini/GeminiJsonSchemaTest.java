package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
        assertThat(out.at("/properties/root/properties/kids/items").toString()).isEqualTo("{\"$ref\":\"#/$defs/N\"}");
        assertThat(out.at("/$defs/N/properties/kids/items").toString()).isEqualTo("{\"$ref\":\"#/$defs/N\"}");
        assertThat(out.at("/properties/self/properties/self").toString()).isEqualTo("{\"$ref\":\"#\",\"description\":\"again\"}");
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
}
