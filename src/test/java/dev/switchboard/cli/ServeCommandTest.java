package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
    @TempDir
    Path dir;

    private String serve(String yaml, int expectedExit, String... extra) throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, yaml);
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            String[] args = new String[3 + extra.length];
            args[0] = "serve";
            args[1] = "--config";
            args[2] = f.toString();
            System.arraycopy(extra, 0, args, 3, extra.length);
            assertThat(new CommandLine(new Main()).execute(args)).isEqualTo(expectedExit);
        } finally {
            System.setErr(old);
        }
        return err.toString();
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAMasterKey() throws Exception {
        String err = serve("model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n", 2, "--host", "0.0.0.0");
        assertThat(err).contains("Refusing to listen on 0.0.0.0 without a master key").contains("general_settings.master_key");
    }

    @Test
    void configErrorsStopTheStartWithLineAndFix() throws Exception {
        String err = serve("model_list:\n  - model_name: a\n    litellm_params: { model: openai/x, api_key: os.environ/SB_TEST_UNSET_VAR }\n", 2);
        assertThat(err).contains("line 3").contains("SB_TEST_UNSET_VAR is not set").contains("Fix:");
    }

    @Test
    void aStoreThatCannotBeOpenedIsOneClearLineNotAStackTrace() throws Exception {
        Path missing = dir.resolve("no-such-dir/switchboard.db");
        String err = serve("model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n"
                + "general_settings: { database_path: \"" + missing + "\" }\n", 2, "--port", "0");
        assertThat(err).contains("Cannot open the store (SQLite at " + missing + ")").contains("Fix:").doesNotContain("\tat ");
    }
}
