import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/**
 * A/B of KeyScrubber.scrubInPlace from two jars (each in its own class loader), alternated round by round, on the
 * simulator's and OpenAI's answers, SSE chunk events, text of words and random base62 "ids", with the bench's short
 * key, three real-looking long keys and 50 keys. Prints ns per call, best and median of the rounds (on a shared
 * machine the best is the figure to compare). From the repository root:
 *   chrt -i 0 java bench/KeyScrubAB.java /tmp/baseline.jar target/switchboard.jar [rounds=15]
 */
public class KeyScrubAB {
    interface Scan { boolean run(byte[] b); }

    public static void main(String[] a) throws Exception {
        String[] jars = {a[0], a[1]};
        int rounds = Integer.parseInt(a.length > 2 ? a[2] : "15");
        Random r = new Random(42);
        String B62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        List<String> real = new ArrayList<>();
        real.add("sk-proj-" + rnd(r, B62, 56));
        real.add("sk-ant-api03-" + rnd(r, B62 + "-_", 60));
        real.add("AIza" + rnd(r, B62 + "-_", 50));
        List<String> fifty = new ArrayList<>();
        for (int i = 0; i < 50; i++) fifty.add("sk-proj-" + rnd(r, B62, 32));
        Map<String, List<String>> keySets = new LinkedHashMap<>();
        keySets.put("sk-bench", List.of("sk-bench"));
        keySets.put("3real", real);
        keySets.put("50keys", fifty);
        String chunkHead = "{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
                + "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_4d5e7a9c2b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
        String chunkTail = "\"},\"logprobs\":null,\"finish_reason\":null}]}";
        Map<String, byte[]> texts = new LinkedHashMap<>();
        texts.put("answer-sim", Files.readAllBytes(Path.of("bench/data/answer-sim.json")));
        texts.put("answer-openai", Files.readAllBytes(Path.of("bench/data/answer-openai.json")));
        texts.put("chunk-small", (chunkHead + "The quick brown fox jumps over" + chunkTail).getBytes());
        texts.put("chunk-large", (chunkHead + "Lorem ipsum dolor sit amet, consectetur adipiscing elit 0123456789. ".repeat(60) + chunkTail).getBytes());
        texts.put("words-4k", ("Alphanumeric words mostly: the model answered 42 questions about configuration, "
                + "deployment and throughput in 2025 while tokens streamed quickly between providers. ").repeat(25).getBytes());
        texts.put("ids-1k", rnd(r, B62 + " ", 1024).getBytes());

        Method[] of = new Method[2];
        Method[] scrub = new Method[2];
        for (int j = 0; j < 2; j++) {
            ClassLoader cl = new URLClassLoader(new URL[] {Path.of(jars[j]).toUri().toURL()}, null);
            Class<?> c = cl.loadClass("dev.switchboard.provider.KeyScrubber");
            of[j] = c.getMethod("of", Collection.class);
            scrub[j] = c.getMethod("scrubInPlace", byte[].class);
        }
        System.out.printf("%-10s %-14s %6s %10s %10s %10s %10s %7s%n", "keys", "text", "bytes", "A best", "B best", "A med", "B med", "B/A med");
        for (var ks : keySets.entrySet()) {
            for (var t : texts.entrySet()) {
                Scan[] s = new Scan[2];
                for (int j = 0; j < 2; j++) s[j] = scanOf(of[j].invoke(null, ks.getValue()));
                byte[] data = t.getValue();
                // check: both clean, the same answer
                if (s[0].run(data.clone()) != s[1].run(data.clone())) throw new AssertionError("answers differ");
                double[][] ns = new double[2][rounds];
                for (int round = 0; round < rounds; round++) {
                    for (int jj = 0; jj < 2; jj++) {
                        int j = (round & 1) == 0 ? jj : 1 - jj;
                        ns[j][round] = time(s[j], data);
                    }
                }
                for (double[] x : ns) Arrays.sort(x);
                double am = ns[0][rounds / 2], bm = ns[1][rounds / 2];
                System.out.printf("%-10s %-14s %6d %10.1f %10.1f %10.1f %10.1f %7.2f%n", ks.getKey(), t.getKey(), data.length,
                        ns[0][0], ns[1][0], am, bm, bm / am);
            }
        }
    }

    static Scan scanOf(Object scrubber) throws Exception {
        // a direct call through a MethodHandle bound to the instance, so JIT inlines as much as it can
        var mh = java.lang.invoke.MethodHandles.publicLookup().findVirtual(scrubber.getClass(), "scrubInPlace",
                java.lang.invoke.MethodType.methodType(boolean.class, byte[].class)).bindTo(scrubber);
        return b -> { try { return (boolean) mh.invokeExact(b); } catch (Throwable e) { throw new RuntimeException(e); } };
    }

    static volatile boolean sink;

    static double time(Scan s, byte[] data) {
        int n = Math.max(2000, 4_000_000 / Math.max(1, data.length));
        boolean x = false;
        for (int i = 0; i < n / 4; i++) x ^= s.run(data);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) x ^= s.run(data);
        long t1 = System.nanoTime();
        sink = x;
        return (t1 - t0) / (double) n;
    }

    static String rnd(Random r, String alphabet, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return b.toString();
    }
}
