package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.cli.Main;
import dev.switchboard.support.ServiceAccount;
import dev.switchboard.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The vertex_ai configs of LiteLLM's documentation (providers/vertex.md, the Claude Code tutorial, the Veo page), as
 * written there but for the service-account path, pass {@code switchboard check} and then serve through the simulator:
 * each config again with {@code api_base} pointing at it, every alias answering an OpenAI SDK request with the
 * project and location the config names in the Vertex URL.
 */
class VertexConfigsIT {
    @TempDir
    Path dir;

    /** Each: the config text with SA_FILE for the service account's path. */
    private static final String[] CONFIGS = {
            // vertex.md, "Different location per model" (application-default credentials)
            """
            model_list:
              - model_name: gemini-vision
                litellm_params:
                  model: vertex_ai/gemini-1.0-pro-vision-001
                  vertex_project: "project-id"
                  vertex_location: "us-central1"
              - model_name: gemini-vision
                litellm_params:
                  model: vertex_ai/gemini-1.0-pro-vision-001
                  vertex_project: "project-id2"
                  vertex_location: "us-east"
            """,
            // vertex.md, "One location all vertex models"
            """
            litellm_settings:
              vertex_project: "hardy-device-38811" # Your Project ID
              vertex_location: "us-central1" # proj location

            model_list:
              - model_name: team1-gemini-2.5-pro
                litellm_params:
                  model: gemini-2.5-pro
            """,
            // vertex.md, JSON Schema section
            """
            model_list:
              - model_name: gemini-2.5-pro
                litellm_params:
                  model: vertex_ai/gemini-1.5-pro
                  vertex_project: "project-id"
                  vertex_location: "us-central1"
                  vertex_credentials: "SA_FILE" # [OPTIONAL] Do this OR `!gcloud auth application-default login`
            """,
            // vertex.md, "Dynamic Params" (PROXY tab), bare model name with vertex_* params
            """
            environment_variables:
              VERTEX_FILE_PATH_ENV_VAR: SA_FILE
            model_list:
                - model_name: gemini-1.5-pro
                  litellm_params:
                    model: gemini-1.5-pro
                    vertex_credentials: os.environ/VERTEX_FILE_PATH_ENV_VAR # os.environ["VERTEX_FILE_PATH_ENV_VAR"] = "/path/to/service_account.json"
                    vertex_project: "my-special-project"
                    vertex_location: "my-special-location"
            """,
            // Claude Code tutorial: Claude on Vertex with LiteLLM's vertex_ai_* spellings
            """
            environment_variables:
              VERTEX_FILE_PATH_ENV_VAR: SA_FILE
            model_list:
              - model_name: anthropic-vertex
                litellm_params:
                  model: vertex_ai/claude-haiku-4-5@20251001
                  vertex_ai_project: "my-test-project"
                  vertex_ai_location: "us-east-1"
                  vertex_credentials: os.environ/VERTEX_FILE_PATH_ENV_VAR # os.environ["VERTEX_FILE_PATH_ENV_VAR"] = "/path/to/service_account.json"
              - model_name: vertex-gemini-3-flash-preview
                litellm_params:
                  model: vertex_ai/gemini-3-flash-preview
                  vertex_credentials: os.environ/VERTEX_FILE_PATH_ENV_VAR
                  vertex_project: "my-test-project"
                  vertex_location: "us-east-1"
            """,
            // the Veo page's shape: all three from the environment
            """
            environment_variables:
              VERTEXAI_PROJECT: veo-project
              VERTEXAI_LOCATION: us-central1
              VERTEXAI_CREDENTIALS: SA_FILE
            model_list:
              - model_name: flash
                litellm_params:
                  model: vertex_ai/gemini-2.5-flash
                  vertex_project: os.environ/VERTEXAI_PROJECT
                  vertex_location: os.environ/VERTEXAI_LOCATION
                  vertex_credentials: os.environ/VERTEXAI_CREDENTIALS
            """,
    };

    @Test
    void litellmDocsConfigsPassCheckAndServe() throws Exception {
        Path checkSa = ServiceAccount.create("docs", "docs-project", "https://oauth2.googleapis.com/token").write(dir, "check-sa.json");
        for (String config : CONFIGS) {
            String out = check(config.replace("SA_FILE", checkSa.toString()));
            assertThat(out).as(config).contains("OK").contains("vertex_ai/").doesNotContain("openai/gemini")
                    .doesNotContain("BEGIN PRIVATE KEY");
            serve(config);
        }
    }

    private String check(String yaml) throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, yaml + "general_settings: { database_path: \"" + dir.resolve("check.db") + "\" }\n");
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            int code = new CommandLine(new Main()).execute("check", "--config", f.toString());
            assertThat(code).as(out.toString()).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString();
    }

    /** The same config against the simulator: api_base on every entry, the account trusted, ADC by its variable. */
    private void serve(String config) {
        Map<String, String> env = new ConcurrentHashMap<>();
        Set<String> aliases = new LinkedHashSet<>();
        Matcher m = Pattern.compile("model_name: (\\S+)").matcher(config);
        while (m.find()) aliases.add(m.group(1));
        try (TestGateway gw = TestGateway.start(sim -> {
            Path file = ServiceAccount.trusted(sim, "docs", "docs-project").write(dir, "sa-" + sim.port() + ".json");
            env.put("GOOGLE_APPLICATION_CREDENTIALS", file.toString());
            return config.replace("SA_FILE", file.toString())
                    .replaceAll("(?m)^(\\s+)litellm_params:\\n", "$1litellm_params:\n$1  api_base: \\${SIM_ROOT}\n");
        }, env)) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey("none").maxRetries(0).build();
            for (String alias : aliases) {
                var answer = client.chat().completions().create(ChatCompletionCreateParams.builder().model(alias)
                        .addUserMessage("hi from the docs").build());
                assertThat(answer.choices().get(0).message().content().orElseThrow()).as(alias).endsWith("hi from the docs");
                assertThat(gw.simulator.last().path()).as(alias).startsWith("/v1/projects/").contains("/locations/")
                        .contains(alias.contains("anthropic") ? "/publishers/anthropic/" : "/publishers/google/");
            }
            client.close();
        }
    }
}
