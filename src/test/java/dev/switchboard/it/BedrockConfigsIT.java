package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.Main;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bedrock configs as LiteLLM's docs print them (docs/my-website/docs/providers/bedrock.md and the proxy quick start),
 * with the variables they name given in {@code environment_variables}: each passes {@code switchboard check} (the
 * secret masked) and serves a chat through the simulator, which verifies the signature made from those variables.
 */
class BedrockConfigsIT {
    private static final String ENV = """
            environment_variables:
              CUSTOM_AWS_ACCESS_KEY_ID: %s
              CUSTOM_AWS_SECRET_ACCESS_KEY: "%s"
              CUSTOM_AWS_REGION_NAME: us-east-2
            """.formatted(ProviderSimulator.BEDROCK_ACCESS_KEY, ProviderSimulator.BEDROCK_SECRET);

    /** Verbatim from LiteLLM's docs. */
    private static final List<String[]> DOC_CONFIGS = List.of(
            new String[] {"bedrock-claude-v1", """
                model_list:
                  - model_name: bedrock-claude-v1
                    litellm_params:
                      model: bedrock/anthropic.claude-instant-v1
                      aws_access_key_id: os.environ/CUSTOM_AWS_ACCESS_KEY_ID
                      aws_secret_access_key: os.environ/CUSTOM_AWS_SECRET_ACCESS_KEY
                      aws_region_name: os.environ/CUSTOM_AWS_REGION_NAME
                """},
            new String[] {"bedrock-claude-3-7", """
                model_list:
                  - model_name: bedrock-claude-3-7
                    litellm_params:
                      model: bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0 # specify invoke via `bedrock/invoke/<model_name>`
                      aws_access_key_id: os.environ/CUSTOM_AWS_ACCESS_KEY_ID
                      aws_secret_access_key: os.environ/CUSTOM_AWS_SECRET_ACCESS_KEY
                      aws_region_name: os.environ/CUSTOM_AWS_REGION_NAME
                """},
            new String[] {"bedrock-titan", """
                model_list:

                  - model_name: local-pixtral
                    litellm_params:
                      model: openai/mistralai/Pixtral-12B-2409
                      api_base: http://localhost:8000/v1
                      api_key: myAPIkey

                  - model_name: bedrock-titan
                    litellm_params:
                      model: bedrock/amazon.titan-text-premier-v1:0
                      aws_access_key_id: os.environ/CUSTOM_AWS_ACCESS_KEY_ID
                      aws_secret_access_key: os.environ/CUSTOM_AWS_SECRET_ACCESS_KEY
                      aws_region_name: os.environ/CUSTOM_AWS_REGION_NAME

                  - model_name: gpt-3.5-turbo
                    litellm_params:
                      model: openai/gpt-3.5-turbo
                      api_key: os.environ/OPENAI_API_KEY
                """});

    @TempDir
    Path dir;

    @Test
    void docConfigsPassCheck() throws Exception {
        for (String[] c : DOC_CONFIGS) {
            String yaml = c[1] + ENV + (c[1].contains("OPENAI_API_KEY") ? "  OPENAI_API_KEY: sk-openai-placeholder-0000\n" : "")
                    + "general_settings: { database_path: \"" + dir.resolve(c[0] + ".db") + "\" }\n";
            Path f = dir.resolve(c[0] + ".yaml");
            Files.writeString(f, yaml);
            PrintStream old = System.out;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true));
            int code;
            try {
                code = new CommandLine(new Main()).execute("check", "--config", f.toString());
            } finally {
                System.setOut(old);
            }
            assertThat(code).as(out.toString()).isZero();
            assertThat(out.toString()).contains(c[0]).contains("****").doesNotContain(ProviderSimulator.BEDROCK_SECRET)
                    .doesNotContain("(null)");
        }
    }

    @Test
    void docConfigsServeThroughTheSimulator() {
        for (String[] c : DOC_CONFIGS) {
            String yaml = c[1].replaceAll("(model: bedrock/[^\\n]*)", "$1\n      api_base: \"\\${SIM_ROOT}\"") + ENV
                    + (c[1].contains("OPENAI_API_KEY") ? "  OPENAI_API_KEY: sk-openai-placeholder-0000\n" : "");
            try (TestGateway gw = TestGateway.start(yaml)) {
                HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", null,
                        "{\"model\":\"" + c[0] + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(200);
                assertThat(r.body()).contains("Hello from the simulator! You said: hi");
                assertThat(gw.simulator.last().headers().get("authorization")).contains("/us-east-2/bedrock/aws4_request");
            }
        }
    }
}
