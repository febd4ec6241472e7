package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QA hardening F7: the log's key mask hid a directory whose name is a piece of the master key. Every 8 characters of
 * a key were masked in any log line, so the store's path showed as {@code /…/***************} with master key
 * {@code sk-master-test-key-9876543210} and directory {@code master-test-key}. A log line's pieces of a key are
 * masked from 16 characters on, or when they hold a whole key; the keys themselves never appear.
 */
class LogKeyMaskIT {
    @TempDir
    Path dir;

    @Test
    void aPathThatSharesAShortPieceWithTheMasterKeyIsShownButTheKeysAreNot() throws Exception {
        Path data = Files.createDirectories(dir.resolve("master-test-key")); // 15 characters of the master key
        List<String> written;
        try (LogCapture log = LogCapture.root()) {
            TestGateway gw = TestGateway.start("""
                    model_list:
                      - model_name: gpt
                        litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    general_settings:
                      master_key: os.environ/MASTER_KEY
                      database_path: "%s"
                    """.formatted(data.resolve("sb.db")));
            try {
                HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                        "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                // what a library might write: the keys whole, in another case, a long piece of one
                org.slf4j.Logger library = org.slf4j.LoggerFactory.getLogger("com.example.SomeLibrary");
                library.warn("request failed: Authorization: Bearer {} (provider key {})", TestGateway.MASTER_KEY, TestGateway.PROVIDER_KEY);
                library.warn("echo: {}", TestGateway.PROVIDER_KEY.toUpperCase(java.util.Locale.ROOT));
                library.warn("cut: key-begins {}...", TestGateway.PROVIDER_KEY.substring(0, 18));
                library.warn("the pieces alone: master-test and 0123456789abcdef"); // 11 and 16 characters
                written = log.written(); // laid out now: the gateway takes its secrets away from the log as it stops
            } finally {
                gw.close();
            }
        }
        String all = String.join("", written);
        assertThat(written).as("the store's path as it is").anySatisfy(l -> assertThat(l).contains("store: SQLite at")
                .contains("master-test-key" + java.io.File.separator + "sb.db"));
        assertThat(all.toLowerCase(java.util.Locale.ROOT)).doesNotContain(TestGateway.MASTER_KEY.toLowerCase(java.util.Locale.ROOT))
                .doesNotContain(TestGateway.PROVIDER_KEY.toLowerCase(java.util.Locale.ROOT))
                .doesNotContain(TestGateway.PROVIDER_KEY.substring(0, 18).toLowerCase(java.util.Locale.ROOT))
                .contains("the pieces alone: master-test and ****************");
    }

    @Test
    void keysHoldingASpaceOrAQuoteNeverReachTheLogWhole() {
        // QA hardening review: such a key is indexed as its pieces, each judged alone, and each was under 16 characters
        String master = "sk-master key with space 2026";
        String provider = "Tr0ub4dor\"&3xyz";
        List<String> written;
        try (LogCapture log = LogCapture.root()) {
            TestGateway gw = TestGateway.start("""
                    model_list:
                      - model_name: gpt
                        litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/QUOTED_KEY }
                    general_settings:
                      master_key: os.environ/SPACED_KEY
                    """, java.util.Map.of("SPACED_KEY", master, "QUOTED_KEY", provider));
            try {
                org.slf4j.Logger library = org.slf4j.LoggerFactory.getLogger("com.example.SomeLibrary");
                library.warn("request failed: Authorization: Bearer {} (provider key {})", master, provider);
                library.warn("echo: {}", master.toUpperCase(java.util.Locale.ROOT));
                written = log.written();
            } finally {
                gw.close();
            }
        }
        String all = String.join("", written).toLowerCase(java.util.Locale.ROOT);
        assertThat(written).anySatisfy(l -> assertThat(l).contains("request failed: Authorization: Bearer"));
        assertThat(all).doesNotContain(master.toLowerCase(java.util.Locale.ROOT)).doesNotContain(provider.toLowerCase(java.util.Locale.ROOT));
    }
}
