package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.cli.Main;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The simulator as a user runs it ({@code switchboard simulator --vertex-credentials FILE}, in-process on its own port)
 * plays the cloud providers for a gateway with no cloud account: vertex_ai/ Gemini and Claude with the service-account
 * file the command wrote (tokens from the simulator's /token, a real RS256 JWT), and bedrock/ with the AWS keys the
 * README documents. Before, the command's simulator trusted no service account, so a vertex_ai/ deployment had no way
 * to get a token from it.
 */
class SimulatorCommandCloudIT {
    static Path dir;
    static Path credentials;
    static Thread simulator;
    static String simRoot;
    static TestGateway gw;
    static OpenAIClient client;
    static AnthropicClient anthropic;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("sim-cli-");
        credentials = dir.resolve("vertex-sa.json");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        simRoot = "http://127.0.0.1:" + port;
        simulator = new Thread(() -> new CommandLine(new Main()).execute("simulator", "--port", String.valueOf(port),
                "--vertex-credentials", credentials.toString()), "simulator-command");
        simulator.setDaemon(true);
        simulator.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!(Files.exists(credentials) && Files.size(credentials) > 0) && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertThat(credentials).as("the command writes the service account").isNotEmptyFile();
        gw = TestGateway.start("""
                model_list:
                  - model_name: vgemini
                    litellm_params: { model: vertex_ai/gemini-2.5-flash, vertex_credentials: "%1$s", api_base: "%2$s" }
                  - model_name: vclaude
                    litellm_params: { model: vertex_ai/claude-sonnet-4-5@20250929, vertex_location: us-east5, vertex_credentials: "%1$s", api_base: "%2$s" }
                  - model_name: bclaude
                    litellm_params:
                      model: bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0
                      aws_access_key_id: %3$s
                      aws_secret_access_key: "%4$s"
                      aws_region_name: eu-central-1
                      api_base: "%2$s"
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """.formatted(credentials, simRoot, ProviderSimulator.BEDROCK_ACCESS_KEY, ProviderSimulator.BEDROCK_SECRET));
        client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) client.close();
        if (anthropic != null) anthropic.close();
        if (gw != null) gw.close();
        simulator.interrupt(); // the command closes its simulator
        simulator.join(10_000);
    }

    private static ChatCompletion ask(String model) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model(model).addUserMessage("hello there").build());
    }

    @Test
    void theWrittenServiceAccountIsAGoogleKeyFileForTheSimulatorOnly() throws Exception {
        JsonObject sa = new JsonObject(Files.readString(credentials));
        assertThat(sa.getString("type")).isEqualTo("service_account");
        assertThat(sa.getString("project_id")).isEqualTo(ProviderSimulator.VERTEX_PROJECT);
        assertThat(sa.getString("token_uri")).isEqualTo(simRoot + "/token");
        assertThat(sa.getString("private_key")).startsWith("-----BEGIN PRIVATE KEY-----");
        if (Files.getFileStore(credentials).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(credentials)).containsExactlyInAnyOrder(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    @Test
    void vertexGeminiAndClaudeAreServedWithTheWrittenCredentials() {
        ChatCompletion gemini = ask("vgemini");
        assertThat(gemini.choices().get(0).message().content()).isPresent();
        ChatCompletion claude = ask("vclaude");
        assertThat(claude.choices().get(0).message().content()).isPresent();
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("vclaude").maxTokens(20)
                .addUserMessage("hello from an Anthropic client").build());
        assertThat(m.content()).isNotEmpty();
    }

    @Test
    void bedrockTakesTheDocumentedSimulatorKeysInAnyRegion() throws Exception {
        ChatCompletion c = ask("bclaude");
        assertThat(c.choices().get(0).message().content()).isPresent();
        // what the README tells a user to write is what the simulator takes
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains(ProviderSimulator.BEDROCK_ACCESS_KEY).contains(ProviderSimulator.BEDROCK_SECRET)
                .contains("--vertex-credentials");
    }
}
