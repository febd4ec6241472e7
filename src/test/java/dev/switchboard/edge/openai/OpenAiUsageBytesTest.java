package dev.switchboard.edge.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A relayed answer's usage is appended without a JSON generator ({@link OpenAiResponseEncoder#usageInto}); its bytes
 * must be exactly what the generator writes ({@link OpenAiResponseEncoder#usageObject}, the canonical answer's and the
 * stream's writer) for every count, sign, cache write, image count and cost.
 */
class OpenAiUsageBytesTest {
    private static final int[] EDGES = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 65_535, 99_999_999, 100_000_000,
            999_999_999, 1_000_000_000, Integer.MAX_VALUE, -1, -9, -10, -1_000_000_000, Integer.MIN_VALUE + 1, Integer.MIN_VALUE};

    private static String generated(Usage u) throws IOException {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator g = OpenAiRequestDecoder.MAPPER.getFactory().createGenerator(out)) {
            OpenAiResponseEncoder.usageObject(g, u);
        }
        return new String(out.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String appended(Usage u) {
        Buffer out = Buffer.buffer(8);
        out.appendString("x"); // after other bytes, as in a relayed answer
        OpenAiResponseEncoder.usageInto(out, u);
        return out.toString().substring(1);
    }

    @Test
    void everyEdgeCountIsWrittenAsTheGeneratorWritesIt() throws IOException {
        for (int n : EDGES) {
            Usage u = new Usage(n, 3, n, n, n, 0, new Usage.Details(n, n, n, n, n), null);
            assertThat(appended(u)).isEqualTo(generated(u));
            Usage priced = u.withCost(n / 1e6);
            assertThat(appended(priced)).isEqualTo(generated(priced));
        }
    }

    /**
     * A generated image's tokens go where LiteLLM reports them, {@code completion_tokens_details.image_tokens}, and only
     * when there are some: every other usage keeps its bytes.
     */
    @Test
    void imageTokensAreWrittenOnlyWhenThereAreSome() throws IOException {
        Usage none = new Usage(7, 4, 0, 0, 0, 0, Usage.Details.NONE, 0.5);
        assertThat(appended(none)).isEqualTo("{\"prompt_tokens\":7,\"completion_tokens\":4,\"total_tokens\":11,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
                + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0},"
                + "\"cost\":0.5}");
        Usage drawn = new Usage(7, 1294, 0, 0, 0, 0, new Usage.Details(0, 0, 0, 0, 1290), 0.0387121);
        assertThat(appended(drawn)).isEqualTo(generated(drawn)).contains(
                "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
                        + "\"rejected_prediction_tokens\":0,\"image_tokens\":1290}");
    }

    @Test
    void randomUsagesAreByteForByteTheGeneratorsOwn() throws IOException {
        SplittableRandom rnd = new SplittableRandom(15);
        for (int i = 0; i < 20_000; i++) {
            Usage u = new Usage(count(rnd), count(rnd), count(rnd), count(rnd), count(rnd), count(rnd),
                    rnd.nextBoolean() ? null : new Usage.Details(count(rnd), count(rnd), count(rnd), count(rnd), count(rnd)),
                    rnd.nextInt(4) == 0 ? null : rnd.nextInt(3) == 0 ? (double) rnd.nextInt(100) : rnd.nextDouble() * Math.pow(10, rnd.nextInt(-9, 4)));
            assertThat(appended(u)).as("usage %s", u).isEqualTo(generated(u));
        }
    }

    private static int count(SplittableRandom rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(10);
            case 2 -> rnd.nextInt(100_000);
            case 3 -> rnd.nextInt();
            default -> rnd.nextInt(1, 10_000_000);
        };
    }
}
