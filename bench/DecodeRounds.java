import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * OpenAiChatDecoder.response(byte[]) of two jars (A = main's, B = the branch's), each in its own class loader,
 * alternated round by round (order swapped every round): ns and exact bytes (the thread's allocation counter) a
 * decode, and the median of the per-round B/A time ratios. An answer's decode alone, without the gateway around it:
 * exact bytes, and a time ratio that survives a busy machine better than the ns do.
 *
 *   java bench/DecodeRounds.java /tmp/baseline.jar target/switchboard.jar bench/data/answer-sim.json 45 200000 15
 */
public class DecodeRounds {
    static Object sink;

    public static void main(String[] a) throws Throwable {
        byte[] answer = Files.readAllBytes(Path.of(a[2]));
        int rounds = Integer.parseInt(a[3]), n = Integer.parseInt(a[4]), drop = Integer.parseInt(a[5]);
        MethodHandle[] decode = {handle(a[0]), handle(a[1])};
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        double[] ratio = new double[rounds - drop];
        double[][] ns = new double[2][rounds - drop];
        double[][] bytes = new double[2][rounds - drop];
        for (int r = 0; r < rounds; r++) {
            double[] t = new double[2], b = new double[2];
            for (int k = 0; k < 2; k++) {
                int which = (r + k) % 2;
                MethodHandle h = decode[which];
                long b0 = mx.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
                for (int i = 0; i < n; i++) sink = (Object) h.invokeExact(answer);
                long t1 = System.nanoTime(), b1 = mx.getCurrentThreadAllocatedBytes();
                t[which] = (t1 - t0) / (double) n;
                b[which] = (b1 - b0) / (double) n;
            }
            if (r >= drop) {
                ratio[r - drop] = t[1] / t[0];
                for (int w = 0; w < 2; w++) { ns[w][r - drop] = t[w]; bytes[w][r - drop] = b[w]; }
            }
            System.out.printf("round %d: A %.0f ns %.1f B | B %.0f ns %.1f B | B/A %.3f%n", r, t[0], b[0], t[1], b[1], t[1] / t[0]);
        }
        System.out.printf("answer %d bytes, %d rounds of %d (first %d dropped)%n", answer.length, rounds, n, drop);
        System.out.printf("A: median %.0f ns, %.1f bytes a decode (min %.1f max %.1f)%n", median(ns[0]), median(bytes[0]), min(bytes[0]), max(bytes[0]));
        System.out.printf("B: median %.0f ns, %.1f bytes a decode (min %.1f max %.1f)%n", median(ns[1]), median(bytes[1]), min(bytes[1]), max(bytes[1]));
        double[] s = ratio.clone();
        Arrays.sort(s);
        System.out.printf("B/A per round: median x%.3f (range x%.3f-x%.3f, quartiles x%.3f-x%.3f)%n", median(ratio), s[0], s[s.length - 1],
                s[s.length / 4], s[3 * s.length / 4]);
    }

    static MethodHandle handle(String jar) throws Exception {
        ClassLoader cl = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> c = cl.loadClass("dev.switchboard.provider.openai.OpenAiChatDecoder");
        Constructor<?> k = c.getDeclaredConstructor(String.class);
        k.setAccessible(true);
        Object decoder = k.newInstance("fallback-model");
        Method m = c.getDeclaredMethod("response", byte[].class);
        m.setAccessible(true);
        return MethodHandles.lookup().unreflect(m).bindTo(decoder).asType(java.lang.invoke.MethodType.methodType(Object.class, byte[].class));
    }

    static double median(double[] v) { double[] s = v.clone(); Arrays.sort(s); return s[s.length / 2]; }
    static double min(double[] v) { return Arrays.stream(v).min().getAsDouble(); }
    static double max(double[] v) { return Arrays.stream(v).max().getAsDouble(); }
}
