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

    /** Found before anything is created: the failed start left a migrated switchboard.db behind (thirty-ninth session). */
    @Test
    void aPortInUseIsRefusedBeforeTheStoreIsCreatedAndNamesWhatHoldsIt() throws Exception {
        Path db = dir.resolve("sb.db");
        try (java.net.ServerSocket held = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String err = serve("model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n"
                    + "general_settings: { database_path: \"" + db + "\" }\n", 1, "--port", String.valueOf(held.getLocalPort()));
            assertThat(err).contains("Cannot listen on 127.0.0.1:" + held.getLocalPort() + ": Address already in use")
                    .contains("held by pid " + ProcessHandle.current().pid() + " (java")
                    .contains("Fix: stop what uses port " + held.getLocalPort()).doesNotContain("\tat ");
        }
        assertThat(db).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("config.yaml");
        }
    }

    @Test
    void aDemoOnAPortInUseStartsNoSimulator() throws Exception {
        try (java.net.ServerSocket held = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            CliRun r = CliRun.of("demo", "--port", String.valueOf(held.getLocalPort()));
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("Cannot listen on 127.0.0.1:" + held.getLocalPort()).doesNotContain("simulator on");
        }
    }

    @Test
    void theHolderIsReadFromProcsTables() throws Exception {
        Path proc = dir.resolve("proc");
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp"), "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "   0: 0100007F:0FA0 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0\n");
        Path pid = Files.createDirectories(proc.resolve("777/fd"));
        Files.createSymbolicLink(pid.resolve("3"), Path.of("socket:[4242]"));
        Files.write(proc.resolve("777/cmdline"), "/usr/bin/java\0-Xmx1g\0-jar\0/opt/sb.jar\0serve\0--master-key\0sk-secret\0".getBytes());
        assertThat(PortProbe.holder(4000, proc)).isEqualTo("held by pid 777 (java -jar /opt/sb.jar)");
        assertThat(PortProbe.holder(4001, proc)).isNull();
    }

    /** A listener in net/tcp6 (a JVM's wildcard socket is [::]); options with a separate value are skipped; comm names the rest. */
    @Test
    void theHolderIsFoundInTcp6AndNamedByItsMainClassOrComm() throws Exception {
        Path proc = dir.resolve("proc6");
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp6"), "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5151 1 0000000000000000 100 0 0 10 0\n"
                + "   1: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 6161 1 0000000000000000 100 0 0 10 0\n");
        Path java = Files.createDirectories(proc.resolve("888/fd"));
        Files.createSymbolicLink(java.resolve("7"), Path.of("socket:[5151]"));
        Files.write(proc.resolve("888/cmdline"), "/usr/bin/java\0--add-opens\0java.base/java.lang=ALL-UNNAMED\0-cp\0/x.jar\0org.Main\0--key\0sk-1\0".getBytes());
        Path py = Files.createDirectories(proc.resolve("999/fd"));
        Files.createSymbolicLink(py.resolve("4"), Path.of("socket:[6161]"));
        Files.write(proc.resolve("999/cmdline"), "/venv/bin/python3\0/venv/bin/litellm\0--port\08081\0".getBytes());
        Files.writeString(proc.resolve("999/comm"), "litellm\n");
        assertThat(PortProbe.holder(8080, proc)).isEqualTo("held by pid 888 (java org.Main)");
        assertThat(PortProbe.holder(8081, proc)).isEqualTo("held by pid 999 (litellm)");
    }
}
