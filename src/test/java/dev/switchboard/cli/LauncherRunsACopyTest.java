package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./switchboard runs a copy of target/switchboard.jar, never the file a rebuild rewrites in place: a gateway running
 * from the built jar itself lost its classes (ClassNotFoundException, no clean stop on SIGTERM) when a second launcher
 * or any {@code mvn package} rebuilt it. The launcher is run from a root of its own whose jar is a one-class program
 * printing where it was loaded from.
 */
class LauncherRunsACopyTest {
    @TempDir
    Path root;

    /** The jar's program: prints the path of the jar it runs from. */
    public static final class WhereAmI {
        public static void main(String[] args) throws Exception {
            System.out.println("FROM " + Path.of(WhereAmI.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        }
    }

    private void setUpRoot() throws IOException {
        Files.createDirectories(root.resolve("scripts"));
        Files.createDirectories(root.resolve("target"));
        Files.copy(Path.of("switchboard"), root.resolve("switchboard"));
        Files.copy(Path.of("scripts/jdk.sh"), root.resolve("scripts/jdk.sh"));
        Files.copy(Path.of("scripts/jvm-opts.sh"), root.resolve("scripts/jvm-opts.sh"));
    }

    private void writeJar(String extraEntry) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, WhereAmI.class.getName());
        String entry = WhereAmI.class.getName().replace('.', '/') + ".class";
        // Written in place (truncated and rewritten), as a rebuild does.
        try (OutputStream file = Files.newOutputStream(root.resolve("target/switchboard.jar"));
                JarOutputStream jar = new JarOutputStream(file, manifest);
                InputStream bytes = WhereAmI.class.getClassLoader().getResourceAsStream(entry)) {
            jar.putNextEntry(new JarEntry(entry));
            bytes.transferTo(jar);
            jar.closeEntry();
            if (extraEntry != null) {
                jar.putNextEntry(new JarEntry(extraEntry));
                jar.write(extraEntry.getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
    }

    /** Runs the launcher and answers the jar its program ran from. */
    private Path launch() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("switchboard").toString()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("SWITCHBOARD_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String line = out.lines().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow(() -> new AssertionError(out));
        return Path.of(line.substring("FROM ".length())).toRealPath();
    }

    private List<Path> copies() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("target/run"))) {
            return files.map(f -> {
                try {
                    return f.toRealPath();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void theLauncherRunsACopyAndARebuildMakesANewOneBesideIt() throws Exception {
        setUpRoot();
        writeJar(null);
        Path first = launch();
        assertThat(first.getParent()).isEqualTo(root.resolve("target/run").toRealPath());
        assertThat(first.getFileName().toString()).startsWith("switchboard-").endsWith(".jar");
        assertThat(Files.mismatch(first, root.resolve("target/switchboard.jar"))).isEqualTo(-1L);

        assertThat(launch()).as("the same jar, the same copy").isEqualTo(first);

        writeJar("rebuilt.txt");
        Files.setLastModifiedTime(root.resolve("target/switchboard.jar"),
                FileTime.fromMillis(Files.getLastModifiedTime(first).toMillis() + 10_000));
        Path second = launch();
        assertThat(second).isNotEqualTo(first);
        assertThat(Files.mismatch(second, root.resolve("target/switchboard.jar"))).isEqualTo(-1L);
        assertThat(first).as("a gateway may still run from the first copy").exists();
        assertThat(copies()).containsExactlyInAnyOrder(first, second);
    }
}
