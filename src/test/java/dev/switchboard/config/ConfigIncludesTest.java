package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LiteLLM's top-level {@code include:} (docs/proxy/config_management.md; {@code ProxyConfig._process_includes}): the
 * listed files' lists extend the config's, their other sections replace the config's, paths from the config's directory.
 */
class ConfigIncludesTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("ANTHROPIC_API_KEY", "sk-ant-test-0123456789",
            "OPENAI_API_KEY", "sk-test-abcdefghijklmnop")::get);
    @TempDir Path dir;

    private static ConfigException refused(Runnable r) {
        try {
            r.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("the config loaded");
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    /** A config split as LiteLLM's docs split one (our own two files): the models come from the included file. */
    @Test
    void aMainConfigLoadsTheModelsOfItsIncludedFile() {
        GatewayConfig c = loader.load(Path.of("src/test/resources/include-example/gateway.yaml"));
        assertThat(c.deployments()).extracting(Deployment::alias).containsExactly("team-chat", "team-claude");
        assertThat(c.deployments().get(0).apiBase()).isEqualTo("https://llm-proxy.team.example/v1");
        assertThat(c.deployments().get(0).where()).isEqualTo("line 3 of team-models.yaml");
        assertThat(c.deployments().get(0).sources().get("api_base")).isEqualTo("line 6 of team-models.yaml");
        // the main file's own section is still read (its callback warned as before), and include itself is no warning
        assertThat(c.warnings()).anyMatch(w -> w.contains("litellm_settings.callbacks"));
        assertThat(c.warnings()).noneMatch(w -> w.contains("include"));
    }

    @Test
    void listsAddUpAndOtherSectionsReplaceTheConfigsWithAWarningNamingWhatIsLost() throws IOException {
        write("models/more.yaml", """
                model_list:
                  - model_name: b
                    litellm_params: {model: openai/gpt-4o-mini, rpm: -5}
                router_settings:
                  num_retries: 7
                """);
        Path main = write("config.yaml", """
                include: [models/more.yaml]
                model_list:
                  - model_name: a
                    litellm_params: {model: openai/gpt-4o}
                router_settings:
                  routing_strategy: least-busy
                  allowed_fails: 2
                """);
        ConfigException e = refused(() -> loader.load(main));
        // a problem in the included file names that file and its line
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 3 of models/more.yaml: ") && p.contains("rpm"));
        assertThat(e.warnings()).anyMatch(w -> w.startsWith("line 5: router_settings: replaced whole by models/more.yaml's "
                + "router_settings (line 5 of models/more.yaml)") && w.contains("routing_strategy, allowed_fails are not read"));

        write("models/more.yaml", """
                model_list:
                  - model_name: b
                    litellm_params: {model: openai/gpt-4o-mini}
                router_settings:
                  num_retries: 7
                """);
        GatewayConfig c = loader.load(main);
        assertThat(c.deployments()).extracting(Deployment::alias).containsExactly("a", "b");
        assertThat(c.routerSettings()).containsKey("num_retries").doesNotContainKey("routing_strategy");
        assertThat(((Number) c.routerSettings().get("num_retries")).intValue()).isEqualTo(7);
    }

    /**
     * LiteLLM's include replaces any value that is not a list, an empty one too: an included empty guardrails: or
     * model_list: silently replaced the config's list (only a lost mapping was warned).
     */
    /**
     * Review (thirty-ninth session): with model_list written twice in the config file and an include, the included
     * entries extended the first list, which the later one replaces, so they were lost; a list written twice in the
     * included file was read twice over, where LiteLLM reads the later one only, and not warned.
     */
    @Test
    void anIncludedListExtendsTheListThatIsReadAndAListWrittenTwiceInItIsWarned() throws IOException {
        write("more.yaml", """
                model_list:
                  - {model_name: old, litellm_params: {model: openai/gpt-4o}}
                model_list:
                  - {model_name: inc, litellm_params: {model: openai/gpt-4o-mini}}
                """);
        Path main = write("config.yaml", """
                include: [more.yaml]
                model_list:
                  - {model_name: a, litellm_params: {model: openai/gpt-4o}}
                model_list:
                  - {model_name: b, litellm_params: {model: openai/gpt-4o}}
                """);
        GatewayConfig c = loader.load(main);
        assertThat(c.deployments()).extracting(Deployment::alias).containsExactly("b", "inc");
        assertThat(c.warnings()).anyMatch(w -> w.startsWith("line 4: model_list: written twice, at line 2 and line 4"));
        assertThat(c.warnings()).anyMatch(w -> w.startsWith("line 3 of more.yaml: model_list: written twice, at line 1 of "
                + "more.yaml and line 3 of more.yaml"));
    }

    @Test
    void anyLostValueIsWarnedAnEmptyIncludedListToo() throws IOException {
        write("extra.yaml", "guardrails:\nmodel_list:\nrouter_settings: {}\ngeneral_settings: {}\n");
        Path main = write("config.yaml", """
                include: [extra.yaml]
                model_list:
                  - {model_name: a, litellm_params: {model: openai/gpt-4o}}
                  - {model_name: b, litellm_params: {model: openai/gpt-4o-mini}}
                guardrails:
                  - {guardrail_name: g1, litellm_params: {guardrail: presidio, mode: pre_call}}
                  - {guardrail_name: g2, litellm_params: {guardrail: presidio, mode: pre_call}}
                  - {guardrail_name: g3, litellm_params: {guardrail: presidio, mode: pre_call}}
                router_settings:
                general_settings: {}
                """);
        GatewayConfig c = loader.load(main);
        assertThat(c.deployments()).as("as LiteLLM: the config's model_list is gone").isEmpty();
        assertThat(c.warnings()).anyMatch(w -> w.startsWith("line 5: guardrails: replaced whole by extra.yaml's guardrails "
                + "(line 1 of extra.yaml, empty)") && w.contains("this file's list (3 entries) is not read"))
                .anyMatch(w -> w.startsWith("line 2: model_list: replaced whole") && w.contains("list (2 entries) is not read")
                        && w.contains("remove the empty model_list from extra.yaml"))
                // nothing lost: no warning
                .noneMatch(w -> w.contains("router_settings: replaced") || w.contains("general_settings: replaced"));
    }

    @Test
    void anIncludedFilesOwnIncludeIsReadFromTheConfigsDirectoryAndALoopIsAnError() throws IOException {
        write("one.yaml", "include: [two.yaml]\nmodel_list:\n  - {model_name: one, litellm_params: {model: openai/gpt-4o}}\n");
        write("two.yaml", "model_list:\n  - {model_name: two, litellm_params: {model: anthropic/claude-sonnet-4-5}}\n");
        Path main = write("config.yaml", "include:\n  - one.yaml\n");
        assertThat(loader.load(main).deployments()).extracting(Deployment::alias).containsExactly("one", "two");

        write("two.yaml", "include: [one.yaml]\n");
        assertThat(refused(() -> loader.load(main)).problems())
                .anyMatch(p -> p.startsWith("line 1 of two.yaml: include: one.yaml includes itself (one.yaml → two.yaml → one.yaml)"));
    }

    /**
     * A diamond (a.yaml and b.yaml both include common.yaml) is no loop: LiteLLM loads it (reading common.yaml twice);
     * it was refused as "included a second time". Now common.yaml is read once, the second inclusion warned.
     */
    @Test
    void aFileTwoFilesIncludeIsReadOnceAndNoLoop() throws IOException {
        write("common.yaml", "model_list:\n  - {model_name: common, litellm_params: {model: openai/gpt-4o}}\n");
        write("a.yaml", "include: [common.yaml]\nmodel_list:\n  - {model_name: a, litellm_params: {model: openai/gpt-4o}}\n");
        write("b.yaml", "include: [common.yaml]\nmodel_list:\n  - {model_name: b, litellm_params: {model: openai/gpt-4o}}\n");
        Path main = write("config.yaml", "include: [a.yaml, b.yaml]\n");
        GatewayConfig c = loader.load(main);
        assertThat(c.deployments()).extracting(Deployment::alias).containsExactly("a", "b", "common");
        assertThat(c.warnings()).anyMatch(w -> w.startsWith("line 1 of b.yaml: include: common.yaml is already included "
                + "(line 1 of a.yaml), so it is not read a second time"));
    }

    /** A config that includes itself is a loop at once, not after reading itself a second time. */
    @Test
    void aConfigThatIncludesItselfIsALoop() throws IOException {
        Path main = write("config.yaml", "include: [config.yaml]\nmodel_list:\n  - {model_name: a, litellm_params: {model: openai/gpt-4o}}\n");
        assertThat(refused(() -> loader.load(main)).problems())
                .containsExactly("line 1: include: config.yaml includes itself (the config file → config.yaml): an include loop, "
                        + "which LiteLLM reads for ever. Fix: remove config.yaml from this include list.");
    }

    @Test
    void whatLiteLlmFailsOnIsAnErrorNamingTheFile() throws IOException {
        Path missing = write("a.yaml", "include:\n  - models.yaml\n");
        assertThat(refused(() -> loader.load(missing)).problems())
                .anyMatch(p -> p.startsWith("line 2: include: included file not found: " + dir.resolve("models.yaml")));

        Path notAList = write("b.yaml", "include: models.yaml\nmodel_list:\n  - {model_name: a, litellm_params: {model: openai/gpt-4o}}\n");
        assertThat(refused(() -> loader.load(notAList)).problems())
                .anyMatch(p -> p.startsWith("line 1: include: must be a list of file paths"));

        write("empty.yaml", "# nothing yet\n");
        write("bad.yaml", "model_list:\n  - model_name: 'x\n");
        Path broken = write("c.yaml", "include: [empty.yaml, bad.yaml]\nmodel_list:\n  - {model_name: a, litellm_params: {model: openai/gpt-4o}}\n");
        assertThat(refused(() -> loader.load(broken)).problems())
                .anyMatch(p -> p.startsWith("line 1: include: empty.yaml is empty"))
                .anyMatch(p -> p.startsWith("line 1: include: bad.yaml: line 2: the file is not valid YAML"));
    }

    /**
     * A problem on a line of an included file names the file, in every message: the {@code <<} that merged a bad value
     * (its line alone pointed into the config file), router_settings overriding litellm_settings, a guardrail entry.
     */
    @Test
    void messagesAboutALineOfAnIncludedFileNameTheFile() throws IOException {
        write("models.yaml", """
                base: &base
                  rpm: -5
                model_list:
                  - model_name: a
                    litellm_params:
                      model: openai/gpt-4o
                      <<: *base
                """);
        Path bad = write("bad.yaml", "include: [models.yaml]\n");
        assertThat(refused(() -> loader.load(bad)).problems())
                .anyMatch(p -> p.startsWith("line 2 of models.yaml, merged by << at line 7 of models.yaml: "));

        write("routing.yaml", """
                router_settings:
                  num_retries: 3
                guardrails:
                  - guardrail_name: tools
                    litellm_params: { guardrail: tool_permission, mode: pre_call, rules: [] }
                """);
        Path main = write("config.yaml", """
                include: [routing.yaml]
                model_list:
                  - {model_name: a, litellm_params: {model: openai/gpt-4o}}
                litellm_settings:
                  num_retries: 5
                """);
        GatewayConfig c = loader.load(main);
        assertThat(c.warnings()).anyMatch(w -> w.startsWith("line 5: litellm_settings.num_retries: 5 is overridden by "
                + "router_settings.num_retries: 3 (line 2 of routing.yaml)"));
        assertThat(c.guardrails()).singleElement().satisfies(g -> assertThat(g.where()).isEqualTo("line 4 of routing.yaml"));
    }
}
