package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An image by s3:// URL reaches Bedrock as Converse's s3Location, from the buckets the deployment lists only: Bedrock
 * reads it with the gateway's AWS identity, so any other bucket (or a key without an image extension) is a 400.
 */
class BedrockS3ImageIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: br
                    litellm_params: { model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0, %s, aws_s3_image_buckets: [my-bucket] }
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
        HttpResponse<String> other = ask("s3://payroll-bucket/scan.png");
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(other.body()).contains("aws_s3_image_buckets");
        assertThat(ask("s3://my-bucket/photos/noextension").statusCode()).isEqualTo(400);
        // an Anthropic client's url image is held to the same list
        HttpResponse<String> anthropic = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"br\",\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":"
                + "\"s3://payroll-bucket/scan.png\"}},{\"type\":\"text\",\"text\":\"what is this?\"}]}]}");
        assertThat(anthropic.statusCode()).isEqualTo(400);
        HttpResponse<String> ftp = ask("ftp://host/cat.png");
        assertThat(ftp.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(ftp.body()).getJsonObject("error").getString("param")).isEqualTo("messages[0].content[1].image_url.url");
    }
}
