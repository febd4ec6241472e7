package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.CannedGateway;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upstream's {@code retry-after} reaches the client only as a number of seconds from 0 to 3600: delta-seconds
 * and HTTP-dates are read, {@code retry-after-ms} is preferred, and {@code -5}, 10²⁰ or words are not passed on as is.
 */
class RetryAfterIT {
    static CannedGateway env;
    static int next;

    @BeforeAll
    static void start() {
        StringBuilder models = new StringBuilder("model_list:\n");
        // one deployment per case: a 429 cools its deployment down, and the next case must reach the upstream
        for (int i = 0; i < 10; i++) {
            models.append("  - model_name: r").append(i).append("\n    litellm_params: { model: openai/retry-").append(i)
                    .append(", api_base: \"%1$s/v1\", api_key: os.environ/PROVIDER_KEY }\n");
        }
        env = CannedGateway.start(models + """
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { env.close(); }

    private static HttpResponse<String> rateLimited(String... headers) {
        String tag = env.up().json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}", headers);
        HttpResponse<String> r = Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"r" + next++ + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        return r;
    }

    @Test
    void deltaSecondsPassAsTheyAre() {
        assertThat(rateLimited("retry-after", "7").headers().firstValue("retry-after")).hasValue("7");
    }

    @Test
    void aHugeValueIsClampedToAnHour() {
        assertThat(rateLimited("retry-after", "100000000000000000000").headers().firstValue("retry-after")).hasValue("3600");
    }

    @Test
    void aNegativeOrWordyValueIsDropped() {
        assertThat(rateLimited("retry-after", "-5").headers().firstValue("retry-after")).isEmpty();
        assertThat(rateLimited("retry-after", "soon").headers().firstValue("retry-after")).isEmpty();
    }

    @Test
    void anHttpDateBecomesSecondsFromNow() {
        String in30s = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
        long wait = Long.parseLong(rateLimited("retry-after", in30s).headers().firstValue("retry-after").orElseThrow());
        assertThat(wait).isBetween(27L, 31L);
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));
        assertThat(rateLimited("retry-after", past).headers().firstValue("retry-after")).hasValue("0");
    }

    @Test
    void retryAfterMsIsPreferredAndRoundedUp() {
        assertThat(rateLimited("retry-after-ms", "1500", "retry-after", "9").headers().firstValue("retry-after")).hasValue("2");
        assertThat(rateLimited("retry-after-ms", "oops", "retry-after", "4").headers().firstValue("retry-after")).hasValue("4");
    }
}
