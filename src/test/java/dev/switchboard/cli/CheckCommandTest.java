package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckCommandTest {
    @TempDir
    Path dir;

    private String run(String yaml, int expectedExit) throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, yaml);
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            int code = new CommandLine(new Main()).execute("check", "--config", f.toString());
            assertThat(code).as(out.toString()).isEqualTo(expectedExit);
        } finally {
            System.setOut(old);
        }
        return out.toString();
    }

    @Test
    void printsTheResolvedModelListWithKeysMasked() throws Exception {
        String out = run("""
                model_list:
                  - model_name: fast
                    litellm_params: { model: groq/llama-3.1-8b-instant, api_key: sk-groq-secret-value-123456 }
                  - model_name: local
                    litellm_params: { model: ollama/llama3.1 }
                general_settings: { master_key: sk-master-secret-abcdef }
                """, 0);
        assertThat(out).contains("OK").contains("fast").contains("groq/llama-3.1-8b-instant")
                .contains("ollama/llama3.1").contains("****3456").contains("****cdef");
        assertThat(out).doesNotContain("sk-groq-secret").doesNotContain("sk-master-secret");
    }

    @Test
    void reportsUnknownProvidersAndMissingBaseUrls() throws Exception {
        String out = run("""
                model_list:
                  - model_name: x
                    litellm_params: { model: nosuch/model }
                  - model_name: y
                    litellm_params: { model: hosted_vllm/llama }
                """, 1);
        assertThat(out).contains("line 2").contains("unknown provider 'nosuch'").contains("line 4")
                .contains("set litellm_params.api_base");
    }

    @Test
    void reportsConfigErrors() throws Exception {
        String out = run("model_list:\n  - model_name: x\n", 1);
        assertThat(out).contains("INVALID").contains("line 2: model_list[0].litellm_params: missing");
    }
}
