package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClaudeCodeCliIT runs outside CI only against the Claude Code it pins (what a release sends changes from one to the
 * next): {@code claude --version}'s answer is read as the version, and the directories a run made are removed after it.
 */
class ClaudeCodeVersionTest {
    @TempDir
    Path dir;

    private Path fake(String answer, int exit) throws Exception {
        Path bin = dir.resolve("claude-" + exit + answer.hashCode());
        Files.writeString(bin, "#!/bin/sh\necho '" + answer + "'\nexit " + exit + "\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void theVersionIsReadFromClaudesOwnAnswer() throws Exception {
        assertThat(ClaudeCodeCliIT.version(fake("2.1.197 (Claude Code)", 0).toString())).isEqualTo(ClaudeCodeCliIT.VERSION);
        assertThat(ClaudeCodeCliIT.version(fake("2.1.201 (Claude Code)", 0).toString())).isEqualTo("2.1.201");
        assertThat(ClaudeCodeCliIT.version(fake("not a version", 0).toString())).isNull();
        assertThat(ClaudeCodeCliIT.version(fake("2.1.197 (Claude Code)", 1).toString())).isNull();
        assertThat(ClaudeCodeCliIT.version(dir.resolve("missing").toString())).isNull();
    }

    @Test
    void aRunsDirectoriesAreRemoved() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home/.claude/projects"));
        Files.writeString(home.resolve("state.json"), "{}");
        ClaudeCodeCliIT.deleteTree(dir.resolve("home"));
        assertThat(dir.resolve("home")).doesNotExist();
    }
}
