package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An OpenAI-dialect image by s3:// URL reaches Bedrock as Converse's s3Location, as an Anthropic client's url image does. */
class BedrockS3ImageIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: br
                    litellm_params: { model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0, %s }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """.formatted(TestGateway.BEDROCK_PARAMS));
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> ask(String url) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"br\",\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"}}]}]}");
    }

    @Test
    void anS3ImageReachesConverseAsItsS3Location() {
        HttpResponse<String> r = ask("s3://my-bucket/photos/cat.JPG");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject image = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(1)
                .getJsonObject("image");
        assertThat(image.getString("format")).isEqualTo("jpeg");
        assertThat(image.getJsonObject("source").getJsonObject("s3Location").getString("uri")).isEqualTo("s3://my-bucket/photos/cat.JPG");
        HttpResponse<String> ftp = ask("ftp://host/cat.png");
        assertThat(ftp.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(ftp.body()).getJsonObject("error").getString("param")).isEqualTo("messages[0].content[1].image_url.url");
    }
}
