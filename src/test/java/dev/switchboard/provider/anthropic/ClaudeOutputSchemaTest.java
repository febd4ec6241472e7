package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * An OpenAI json_schema made into the subset Anthropic's structured outputs take, as Anthropic's SDKs make it: the
 * keywords Claude cannot enforce go into the description, every object is closed, oneOf reads as anyOf.
 */
class ClaudeOutputSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception { return JSON.readTree(s); }

    @Test
    void whatZodWritesForAnOpenAiSchemaBecomesWhatClaudeTakes() throws Exception {
        // openai-node's zodTextFormat: an integer gets Number.MIN/MAX_SAFE_INTEGER bounds, a schema its $schema
        JsonNode schema = json("""
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{
                  "age":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},
                  "email":{"type":"string","format":"email","minLength":3,"description":"where to write"},
                  "color":{"type":"string","format":"color"},
                  "tags":{"type":"array","items":{"type":"string","pattern":"^[a-z]+$"},"minItems":2,"maxItems":5},
                  "one":{"type":"array","items":{"type":"number"},"minItems":1},
                  "nick":{"oneOf":[{"type":"string"},{"type":"null"}]},
                  "extra":{"type":"object","properties":{},"additionalProperties":{"type":"string"}}
                },"required":["age","email"],"additionalProperties":true}""");
        String before = schema.toString();
        JsonNode out = ClaudeOutputSchema.of(schema);
        assertThat(schema.toString()).as("the request's own schema is left as it was").isEqualTo(before);
        assertThat(out).isEqualTo(json("""
                {"type":"object","properties":{
                  "age":{"type":"integer","description":"{minimum: -9007199254740991, maximum: 9007199254740991}"},
                  "email":{"type":"string","description":"where to write\\n\\n{minLength: 3}","format":"email"},
                  "color":{"type":"string","description":"{format: \\"color\\"}"},
                  "tags":{"type":"array","items":{"type":"string","description":"{pattern: \\"^[a-z]+$\\"}"},
                          "description":"{minItems: 2, maxItems: 5}"},
                  "one":{"type":"array","items":{"type":"number"},"minItems":1},
                  "nick":{"anyOf":[{"type":"string"},{"type":"null"}]},
                  "extra":{"type":"object","properties":{},"additionalProperties":false}
                },"additionalProperties":false,"required":["age","email"],
                "description":"{$schema: \\"http://json-schema.org/draft-07/schema#\\"}"}"""));
    }

    @Test
    void definitionsAndReferencesKeepTheirShape() throws Exception {
        JsonNode out = ClaudeOutputSchema.of(json("""
                {"type":"object","$defs":{"step":{"type":"object","properties":{"n":{"type":"integer","multipleOf":2}},
                 "required":["n"]}},"properties":{"steps":{"type":"array","items":{"$ref":"#/$defs/step"}},
                 "kind":{"type":"string","enum":["a","b"],"title":"Kind","const":"a"}}}"""));
        assertThat(out).isEqualTo(json("""
                {"$defs":{"step":{"type":"object","properties":{"n":{"type":"integer","description":"{multipleOf: 2}"}},
                 "additionalProperties":false,"required":["n"]}},"type":"object","properties":{
                 "steps":{"type":"array","items":{"$ref":"#/$defs/step"}},
                 "kind":{"type":"string","title":"Kind","const":"a","enum":["a","b"]}},"additionalProperties":false}"""));
    }

    @Test
    void draft07DefinitionsAreKeptUnderTheirNameSoReferencesResolve() throws Exception {
        // openai-node's zodResponseFormat for z.object({home: Address, work: Address})
        JsonNode out = ClaudeOutputSchema.of(json("""
                {"type":"object","definitions":{"Address":{"type":"object","properties":{"zip":{"type":"string","maxLength":5}},
                 "required":["zip"]}},"properties":{"home":{"$ref":"#/definitions/Address"},"work":{"$ref":"#/definitions/Address"}},
                 "required":["home","work"],"additionalProperties":false}"""));
        assertThat(out).isEqualTo(json("""
                {"definitions":{"Address":{"type":"object","properties":{"zip":{"type":"string","description":"{maxLength: 5}"}},
                 "additionalProperties":false,"required":["zip"]}},"type":"object","properties":{"home":{"$ref":"#/definitions/Address"},
                 "work":{"$ref":"#/definitions/Address"}},"additionalProperties":false,"required":["home","work"]}"""));
    }

    @Test
    void aSchemaClaudeTakesAsItIsIsSentAsItIs() throws Exception {
        JsonNode schema = json("""
                {"type":"object","properties":{"name":{"type":"string"},"when":{"type":"string","format":"date-time"}},
                 "required":["name"],"additionalProperties":false}""");
        assertThat(ClaudeOutputSchema.of(schema)).isEqualTo(schema);
    }
}
