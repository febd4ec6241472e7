package dev.switchboard.cli;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Locale;
import java.util.Optional;

/**
 * Takes a signal the process was started with ignored: the JVM installs no handler for an ignored SIGINT
 * ({@code sun.misc.Signal.handle} answers {@code SIG_IGN}, records the Java handler, and leaves the native disposition
 * alone), and there is no Java API to undo the ignore. Through the C library's {@code sigaction(2)}, the disposition the
 * JVM installed for another signal it delivers to Java handlers (SIGTERM, taken first) is copied onto the ignored one:
 * the JVM's own handler then runs for it and calls the Java handler recorded for it. The signal goes straight from
 * ignored to handled, never through its default action (resetting it to {@code SIG_DFL} first left a moment in which a
 * SIGINT ended the JVM without the drain). The structure is copied as bytes, never read field by field, so its layout
 * does not matter. The Foreign Function API is reached by reflection, since the build targets Java 21, where it is a
 * preview: on 21 (or on Windows) this answers false and the caller warns. Run from the jar, whose manifest has
 * {@code Enable-Native-Access: ALL-UNNAMED}, the JVM prints no restricted-method warning; run with {@code -cp} (the
 * tests' GatewayProcess), it needs {@code --enable-native-access=ALL-UNNAMED} for that.
 */
final class IgnoredSignal {
    private IgnoredSignal() {}

    /**
     * @param number the ignored signal (SIGINT)
     * @param like a signal the JVM already delivers to a Java handler (SIGTERM, after {@code Signal.handle})
     * @return true when {@code like}'s disposition was a handler (neither SIG_DFL nor SIG_IGN) and was installed for
     *     {@code number}
     */
    static boolean takeLike(int number, int like) {
        if (Runtime.version().feature() < 22 || System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return false;
        }
        try {
            Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
            Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> ofLong = Class.forName("java.lang.foreign.ValueLayout$OfLong");
            Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> arenaType = Class.forName("java.lang.foreign.Arena");
            Object linker = linkerType.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
            Optional<?> symbol = (Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "sigaction");
            if (symbol.isEmpty()) return false;
            Object javaInt = valueLayout.getField("JAVA_INT").get(null);
            Object address = valueLayout.getField("ADDRESS").get(null);
            Object args = Array.newInstance(layoutType, 3);
            Array.set(args, 0, javaInt);
            Array.set(args, 1, address);
            Array.set(args, 2, address);
            // int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact)
            Object descriptor = descriptorType.getMethod("of", layoutType, args.getClass()).invoke(null, javaInt, args);
            Object noOptions = Array.newInstance(optionType, 0);
            MethodHandle sigaction = (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType,
                    noOptions.getClass()).invoke(linker, symbol.get(), descriptor, noOptions);
            Object none = segmentType.getField("NULL").get(null);
            Object arena = arenaType.getMethod("global").invoke(null); // 256 bytes once per process: never freed
            // larger than struct sigaction on every system the JVM runs on (152 bytes on Linux, 16 on macOS)
            Object action = arenaType.getMethod("allocate", long.class).invoke(arena, 256L);
            if ((int) sigaction.invokeWithArguments(like, none, action) != 0) return false;
            // the first member is the handler (a union with sa_sigaction): SIG_DFL (0) or SIG_IGN (1) is no handler
            long handler = (long) segmentType.getMethod("get", ofLong, long.class)
                    .invoke(action, valueLayout.getField("JAVA_LONG").get(null), 0L);
            if (handler == 0L || handler == 1L) return false;
            return (int) sigaction.invokeWithArguments(number, action, none) == 0;
        } catch (Throwable e) {
            return false;
        }
    }
}
