package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.Secret;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each refusal of a provider this gateway has, for one of the entry's settings, is a {@link ProviderRefusal.Setting}
 * naming that setting (and whether it is missing), never an {@link ProviderRefusal.UnknownProvider}: the router's 400
 * for a wildcard's name then names the setting instead of saying "not a provider" (ModelNamesTest). One test a refusal,
 * with the real registry.
 */
class ProviderRefusalTest {
    private static final ProviderRegistry REGISTRY = ProviderRegistry.standard();

    private static Deployment entry(String provider, String model, String apiBase, Secret key, Map<String, Object> params) {
        return new Deployment("m", provider, model, apiBase, key, null, null, null, Map.of(), params, Map.of(), 7);
    }

    private static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** The refusal {@code check} (or, with {@code create}, the provider's making) gives, as a setting refusal. */
    private static ProviderRefusal.Setting refusal(Deployment d, boolean create) {
        return refusal(d, create, k -> null);
    }

    private static ProviderRefusal.Setting refusal(Deployment d, boolean create, java.util.function.Function<String, String> env) {
        Throwable t = catchThrowable(() -> {
            if (create) REGISTRY.create(d, new ProviderContext(null, null, env));
            else REGISTRY.check(d, env);
        });
        assertThat(t).as(d.id()).isInstanceOf(ProviderRefusal.Setting.class).isNotInstanceOf(ProviderRefusal.UnknownProvider.class);
        assertThat(t.getMessage()).contains("line 7");
        return (ProviderRefusal.Setting) t;
    }

    private static void says(ProviderRefusal.Setting s, String setting, boolean missing) {
        says(s, setting, missing, ProviderRefusal.Setting.Fix.SET);
    }

    /** With what the operator does about it: set it, remove it, give all or none, or fix the gateway's environment. */
    private static void says(ProviderRefusal.Setting s, String setting, boolean missing, ProviderRefusal.Setting.Fix fix) {
        assertThat(s.setting()).isEqualTo(setting);
        assertThat(s.missing()).as("missing").isEqualTo(missing);
        assertThat(s.fix()).as("fix").isEqualTo(fix);
    }

    @Test
    void aVertexEntryWithoutAProjectNamesVertexProject() {
        String userCredentials = "{\"type\":\"authorized_user\",\"client_id\":\"c\",\"client_secret\":\"s\",\"refresh_token\":\"r\"}";
        says(refusal(entry("vertex_ai", "gemini-2.5-flash", null, null, params("vertex_credentials", userCredentials)), true),
                "vertex_project", true);
    }

    @Test
    void aVertexProjectOrLocationThatIsNoneNamesIt() {
        says(refusal(entry("vertex_ai", "gemini-2.5-flash", null, null, params("vertex_project", "Not A Project!")), false),
                "vertex_project", false);
        says(refusal(entry("vertex_ai", "gemini-2.5-flash", null, null, params("vertex_project", "p-1", "vertex_location", "mars/1")), false),
                "vertex_location", false);
    }

    @Test
    void vertexCredentialsThatAreNoneNameThem() {
        says(refusal(entry("vertex_ai", "gemini-2.5-flash", null, null, params("vertex_project", "p-1", "vertex_credentials", "{not json")), true),
                "vertex_credentials", false);
        says(refusal(entry("vertex_ai", "gemini-2.5-flash", null, null, params("vertex_project", "p-1", "vertex_ai_credentials", "{not json")), true),
                "vertex_ai_credentials", false); // the key the entry used
    }

    /** GOOGLE_APPLICATION_CREDENTIALS is the gateway's environment, not a setting of the entry: said so. */
    @Test
    void applicationDefaultCredentialsThatAreNoneAreTheEnvironments() {
        says(refusal(entry("vertex_ai", "gemini-2.5-flash", null, null, params("vertex_project", "p-1")), true,
                k -> k.equals("GOOGLE_APPLICATION_CREDENTIALS") ? "/nonexistent/adc.json" : null),
                "GOOGLE_APPLICATION_CREDENTIALS", false, ProviderRefusal.Setting.Fix.ENVIRONMENT);
    }

    @Test
    void aGeminiApiBaseThatIsNoBaseNamesApiBase() {
        says(refusal(entry("gemini", "gemini-2.5-flash", "https://generativelanguage.googleapis.com/v1beta/openai", null, Map.of()), false),
                "api_base", false);
    }

    @Test
    void anAzureEntryWithoutACredentialNamesApiKey() {
        says(refusal(entry("azure", "gpt4o", "https://r.openai.azure.com", null, Map.of()), false), "api_key", true);
    }

    @Test
    void anAzureApiBaseWithAQueryNamesApiBase() {
        says(refusal(entry("azure", "gpt4o", "https://r.openai.azure.com/openai?x=1", new Secret("k"), Map.of()), false),
                "api_base", false);
    }

    @Test
    void azureEntraCredentialsHalfGivenNameThem() {
        says(refusal(entry("azure", "gpt4o", "https://r.openai.azure.com", null, params("tenant_id", "t")), false),
                "tenant_id / client_id / client_secret", true, ProviderRefusal.Setting.Fix.ALL_OR_NONE);
    }

    @Test
    void azureUsernameAndPasswordNameThemselves() {
        says(refusal(entry("azure", "gpt4o", "https://r.openai.azure.com", new Secret("k"), params("azure_username", "u")), false),
                "azure_username / azure_password", false, ProviderRefusal.Setting.Fix.REMOVE);
    }

    @Test
    void aBedrockRoleNamesItsSetting() {
        says(refusal(entry("bedrock", "anthropic.claude-3-haiku-20240307-v1:0", null, null, params("aws_role_name", "r")), false),
                "aws_role_name", false, ProviderRefusal.Setting.Fix.REMOVE);
    }

    @Test
    void bedrockKeysHalfGivenNameBoth() {
        says(refusal(entry("bedrock", "anthropic.claude-3-haiku-20240307-v1:0", null, null,
                params("aws_access_key_id", "AKIA", "aws_region_name", "us-east-1")), true), "aws_access_key_id / aws_secret_access_key", true,
                ProviderRefusal.Setting.Fix.ALL_OR_NONE);
    }

    @Test
    void anOpenAiCompatibleApiBaseOfTheWrongShapeNamesApiBase() {
        says(refusal(entry("openai", "gpt-4o", "http://localhost:8000/v1/chat/completions", null, Map.of()), false), "api_base", false);
        says(refusal(entry("hosted_vllm", "llama", null, null, Map.of()), false), "api_base", true); // MissingApiBase, as before
    }

    @Test
    void anUnknownPrefixIsStillAnUnknownProvider() {
        assertThat(catchThrowable(() -> REGISTRY.check(entry("nosuch", "m", null, null, Map.of()), k -> null)))
                .isInstanceOf(ProviderRefusal.UnknownProvider.class);
    }
}
