package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistral on Azure as LiteLLM reads it (MISTRAL_AZURE_API_BASE, MISTRAL_AZURE_API_KEY before MISTRAL_API_KEY, /v1 added
 * to any base): what check says when the pieces do not go together. Before 2026-12-07 (thirty-eighth session, follow-up)
 * an Azure base with La Plateforme's key, or the reverse, and a /v1 quietly added to an entry's own api_base went
 * unsaid, and a keyless entry at the Azure base was told to export MISTRAL_API_KEY.
 */
class CheckMistralBaseAndKeyTest {
    private static final String AZURE = "https://my-mistral.eastus.models.ai.azure.com";

    @TempDir
    Path dir;

    private String check(String env) throws Exception {
        Path f = Files.writeString(dir.resolve("config.yaml"), """
                model_list:
                  - model_name: small
                    litellm_params: { model: mistral/mistral-small-latest }
                environment_variables: { %s }
                """.formatted(env));
        CliRun r = CliRun.of("check", "--config", f.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        return r.out();
    }

    @Test
    void anAzureBaseWithLaPlateformesKeyIsSaid() throws Exception {
        String out = check("MISTRAL_AZURE_API_BASE: \"" + AZURE + "\", MISTRAL_AZURE_API_KEY: \"\", MISTRAL_API_KEY: \"m-plateforme-0123456789\"");
        assertThat(out).contains("its base comes from MISTRAL_AZURE_API_BASE but its key from MISTRAL_API_KEY")
                .doesNotContain("m-plateforme-0123456789");
    }

    @Test
    void laPlateformeWithAnAzureKeyIsSaid() throws Exception {
        String out = check("MISTRAL_AZURE_API_BASE: \"\", MISTRAL_AZURE_API_KEY: \"az-0123456789abcdef\", MISTRAL_API_KEY: \"\"");
        assertThat(out).contains("its key comes from MISTRAL_AZURE_API_KEY but its base is https://api.mistral.ai/v1")
                .doesNotContain("az-0123456789abcdef");
    }

    @Test
    void matchingPiecesAreNotWarnedOf() throws Exception {
        assertThat(check("MISTRAL_AZURE_API_BASE: \"" + AZURE + "\", MISTRAL_AZURE_API_KEY: \"az-0123456789abcdef\", MISTRAL_API_KEY: \"\""))
                .doesNotContain("its base comes from").doesNotContain("its key comes from").doesNotContain("/v1 is added");
        assertThat(check("MISTRAL_AZURE_API_BASE: \"\", MISTRAL_AZURE_API_KEY: \"\", MISTRAL_API_KEY: \"m-plateforme-0123456789\""))
                .doesNotContain("its base comes from").doesNotContain("its key comes from");
    }

    @Test
    void aKeylessEntryAtTheAzureBaseIsToldTheAzureKey() throws Exception {
        String out = check("MISTRAL_AZURE_API_BASE: \"" + AZURE + "\", MISTRAL_AZURE_API_KEY: \"\", MISTRAL_API_KEY: \"\"");
        assertThat(out).contains("MISTRAL_AZURE_API_KEY is not set: its requests go without a key")
                .doesNotContain("MISTRAL_API_KEY is not set");
    }

    @Test
    void v1AddedToAnEntrysOwnApiBaseIsSaid() throws Exception {
        Path f = Files.writeString(dir.resolve("config.yaml"), """
                model_list:
                  - model_name: own
                    litellm_params: { model: mistral/mistral-large-latest, api_base: "https://mistral-proxy.test", api_key: m-0123456789 }
                  - model_name: given
                    litellm_params: { model: mistral/mistral-large-latest, api_base: "https://mistral-proxy.test/v1/", api_key: m-0123456789 }
                """);
        CliRun r = CliRun.of("check", "--config", f.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("entry 'own' (").contains("/v1 is added to its api_base (https://mistral-proxy.test)")
                .satisfies(out -> assertThat(out.lines().filter(l -> l.contains("'given'") && l.contains("/v1 is added"))).isEmpty());
    }
}
