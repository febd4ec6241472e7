package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * or any {@code mvn package} rebuilt it. The launcher is run from a root of its own whose jar is a small program that
 * prints where it was loaded from and, asked to, loads a second class only after the test has rewritten the jar.
 */
class LauncherRunsACopyTest {
    @TempDir
    Path root;

    /** The jar's program: prints the jar it runs from; with "wait FILE" it loads {@link Later} once FILE exists. */
    public static final class WhereAmI {
        public static void main(String[] args) throws Exception {
            System.out.println("FROM " + Path.of(WhereAmI.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
            System.out.flush();
            if (args.length == 2 && args[0].equals("wait")) {
                Path go = Path.of(args[1]);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.exists(go) && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                System.out.println("LOADED " + Later.name());
            }
        }
    }

    /** A class the program first needs after the jar was rewritten. */
    public static final class Later {
        static String name() { return "later"; }
    }

    private Path jar() { return root.resolve("target/switchboard.jar"); }

    private void setUpRoot() throws IOException {
        Files.createDirectories(root.resolve("scripts"));
        Files.createDirectories(root.resolve("target"));
        Files.copy(Path.of("switchboard"), root.resolve("switchboard"));
        Files.copy(Path.of("scripts/jdk.sh"), root.resolve("scripts/jdk.sh"));
        Files.copy(Path.of("scripts/jvm-opts.sh"), root.resolve("scripts/jvm-opts.sh"));
    }

    /** Writes the jar in place (truncated and rewritten, as a rebuild does) with the given classes and one text entry. */
    private void writeJar(String text, Class<?>... classes) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, WhereAmI.class.getName());
        try (OutputStream file = Files.newOutputStream(jar()); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Class<?> c : classes) {
                String entry = c.getName().replace('.', '/') + ".class";
                try (InputStream bytes = c.getClassLoader().getResourceAsStream(entry)) {
                    out.putNextEntry(new JarEntry(entry));
                    bytes.transferTo(out);
                    out.closeEntry();
                }
            }
            out.putNextEntry(new JarEntry("build.txt"));
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    private Process start(Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("switchboard").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("SWITCHBOARD_JAVA_OPTS");
        return pb.start();
    }

    private String finish(Process p, Path output) throws IOException, InterruptedException {
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(output);
        assertThat(ended).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static Path from(String out) throws IOException {
        String line = out.lines().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow(() -> new AssertionError(out));
        return Path.of(line.substring("FROM ".length())).toRealPath();
    }

    /** Runs the launcher and answers its output. */
    private String launch() throws IOException, InterruptedException {
        Path output = Files.createTempFile(root, "out", ".txt");
        return finish(start(output), output);
    }

    private List<Path> copies() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("target/run"))) {
            return files.map(f -> {
                try {
                    return f.toRealPath();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void theLauncherRunsACopyAndARebuildMakesANewOneBesideIt() throws Exception {
        setUpRoot();
        writeJar("one", WhereAmI.class, Later.class);
        Path first = from(launch());
        assertThat(first.getParent()).isEqualTo(root.resolve("target/run").toRealPath());
        assertThat(first.getFileName().toString()).startsWith("switchboard-").endsWith(".jar");
        assertThat(Files.mismatch(first, jar())).isEqualTo(-1L);
        assertThat(from(launch())).as("the same jar, the same copy").isEqualTo(first);

        writeJar("two, a longer build", WhereAmI.class, Later.class);
        Path second = from(launch());
        assertThat(second).isNotEqualTo(first);
        assertThat(Files.mismatch(second, jar())).isEqualTo(-1L);
        assertThat(copies()).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void aProgramRunningWhileItsJarIsRebuiltStillLoadsItsClasses() throws Exception {
        setUpRoot();
        writeJar("one", WhereAmI.class, Later.class);
        Path output = Files.createTempFile(root, "out", ".txt");
        Path go = root.resolve("go");
        Process running = start(output, "wait", go.toString());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(output).contains("FROM ") && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        writeJar("rebuilt without the class it needs next", WhereAmI.class);
        Files.createFile(go);
        String out = finish(running, output);
        assertThat(out).contains("LOADED later");
    }

    @Test
    void theThreeMostRecentlyUsedCopiesStayAndOldTemporaryFilesGo() throws Exception {
        setUpRoot();
        Path run = Files.createDirectories(root.resolve("target/run"));
        Instant now = Instant.now();
        for (int i = 1; i <= 4; i++) {
            Path old = Files.writeString(run.resolve("switchboard-" + i + "-1.jar"), "old " + i);
            Files.setLastModifiedTime(old, FileTime.from(now.minus(Duration.ofHours(10 - i))));
        }
        Path staleTmp = Files.writeString(run.resolve("switchboard-9-9.jar.123.tmp"), "half");
        Files.setLastModifiedTime(staleTmp, FileTime.from(now.minus(Duration.ofMinutes(5))));
        writeJar("one", WhereAmI.class, Later.class);
        Path current = from(launch());
        assertThat(copies()).containsExactlyInAnyOrder(current, run.resolve("switchboard-4-1.jar").toRealPath(),
                run.resolve("switchboard-3-1.jar").toRealPath());
    }

    @Test
    void whereNoCopyCanBeMadeTheJarRunsInPlaceAsBefore() throws Exception {
        setUpRoot();
        Files.writeString(root.resolve("target/run"), "a file where the copies' folder would be");
        writeJar("one", WhereAmI.class, Later.class);
        String out = launch();
        assertThat(from(out)).isEqualTo(jar().toRealPath());
        assertThat(out).contains("target/switchboard.jar in place");
    }
}
