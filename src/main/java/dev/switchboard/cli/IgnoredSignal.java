package dev.switchboard.cli;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Locale;
import java.util.Optional;

/**
 * Resets a signal the process was started with ignored to its default action, through the C library's
 * {@code signal(2)}: the JVM installs no handler for an ignored SIGINT ({@code sun.misc.Signal.handle} answers
 * {@code SIG_IGN} and leaves it), and there is no Java API to undo the ignore. The Foreign Function API is reached by
 * reflection, since the build targets Java 21, where it is a preview; on 21 (or on Windows) this answers false and the
 * caller warns. The jar's manifest has {@code Enable-Native-Access: ALL-UNNAMED}, so the JVM prints no restricted-method
 * warning for it.
 */
final class IgnoredSignal {
    private IgnoredSignal() {}

    /** True when {@code signal(number, SIG_DFL)} was called and did not fail. */
    static boolean reset(int number) {
        if (Runtime.version().feature() < 22 || System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return false;
        }
        try {
            Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
            Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
            Object linker = linkerType.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
            Optional<?> symbol = (Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "signal");
            if (symbol.isEmpty()) return false;
            Object javaInt = valueLayout.getField("JAVA_INT").get(null);
            Object javaLong = valueLayout.getField("JAVA_LONG").get(null); // a pointer, on the 64-bit systems the JVM runs on
            Object args = Array.newInstance(layoutType, 2);
            Array.set(args, 0, javaInt);
            Array.set(args, 1, javaLong);
            // sighandler_t signal(int signum, sighandler_t handler)
            Object descriptor = descriptorType.getMethod("of", layoutType, args.getClass()).invoke(null, javaLong, args);
            MethodHandle signal = (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType,
                    Array.newInstance(optionType, 0).getClass()).invoke(linker, symbol.get(), descriptor, Array.newInstance(optionType, 0));
            long previous = (long) signal.invokeWithArguments(number, 0L); // SIG_DFL
            return previous != -1L; // SIG_ERR
        } catch (Throwable e) {
            return false;
        }
    }
}
