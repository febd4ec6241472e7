package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each further entry of one provider/model gets an id of its own; the first and single deployments keep theirs (none). */
class DeploymentIdsTest {
    private static List<Deployment> load(String yaml, Map<String, String> env) {
        return new ConfigLoader(env::get).parse(yaml).deployments();
    }

    private static Object id(Deployment d) { return d.modelInfo().get("id"); }

    private static final String TWO_REGIONS = """
            model_list:
              - model_name: gpt-4o
                litellm_params: { model: azure/gpt-4o, api_base: "https://east.openai.azure.com", api_key: os.environ/EAST }
              - model_name: gpt-4o
                litellm_params: { model: azure/gpt-4o, api_base: "https://west.openai.azure.com", api_key: os.environ/WEST }
              - model_name: mini
                litellm_params: { model: azure/gpt-4o-mini, api_base: "https://east.openai.azure.com", api_key: os.environ/EAST }
            """;

    @Test
    void theSecondEntryOfAProviderModelGetsAStableIdOfItsOwn() {
        List<Deployment> ds = load(TWO_REGIONS, Map.of("EAST", "k-east-1", "WEST", "k-west-1"));
        assertThat(id(ds.get(0))).as("the first keeps the id stored rows name").isNull();
        assertThat(id(ds.get(2))).as("a single deployment is unchanged").isNull();
        assertThat(id(ds.get(1))).asString().matches("[0-9a-f]{16}");
        assertThat(ds.get(1).sources().get("model_info.id")).startsWith("generated");
        // the same on every load, and a rotated key does not change it
        assertThat(id(load(TWO_REGIONS, Map.of("EAST", "k-east-1", "WEST", "k-west-2")).get(1))).isEqualTo(id(ds.get(1)));
        // another place is another id
        assertThat(id(load(TWO_REGIONS.replace("west.openai", "north.openai"), Map.of("EAST", "a", "WEST", "b")).get(1)))
                .isNotEqualTo(id(ds.get(1)));
    }

    @Test
    void explicitIdsAreKeptAndEntriesAlikeInEverythingAreNumbered() {
        String yaml = """
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: k1 }
                    model_info: { id: mine }
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: k2 }
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: k3 }
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: k4 }
                  - model_name: "openai/*"
                    litellm_params: { model: "openai/*" }
                  - model_name: "other/*"
                    litellm_params: { model: "openai/*" }
                """;
        List<Deployment> ds = load(yaml, Map.of());
        assertThat(id(ds.get(0))).isEqualTo("mine");
        assertThat(id(ds.get(1))).as("the first without an id keeps none").isNull();
        String third = String.valueOf(id(ds.get(2)));
        assertThat(third).matches("[0-9a-f]{16}");
        assertThat(id(ds.get(3))).isEqualTo(third + "-2");
        assertThat(id(ds.get(4))).isNull();
        assertThat(id(ds.get(5))).as("wildcard entries are left alone").isNull();
    }
}
