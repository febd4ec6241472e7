package dev.switchboard.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters for the numbers the commands take, so that a value out of range is refused by picocli while it
 * reads the command line (its message names the option, the exit is 2) rather than found later as an exception with a
 * trace, or not at all ({@code --port -1} listened on a random port, {@code --entries 0} divided by zero).
 */
final class OptionValues {
    private OptionValues() {}

    /** 0 to 65535; 0 lets the system pick a free port. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String v) {
            Long n = whole(v);
            if (n == null || n < 0 || n > 65535) {
                throw new TypeConversionException("'" + v + "' is not a port: give 0 to 65535 (0: any free port)");
            }
            return n.intValue();
        }
    }

    /** A count of at least 1 (event loops, entries, lookups, pairs). */
    static final class AtLeastOne implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String v) {
            Long n = whole(v);
            if (n == null || n < 1 || n > Integer.MAX_VALUE) throw new TypeConversionException("'" + v + "' is not a whole number of 1 or more");
            return n.intValue();
        }
    }

    /** A count of 0 or more (0 keeps the option's own meaning, e.g. one event loop per core). */
    static final class NotNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String v) {
            Long n = whole(v);
            if (n == null || n < 0 || n > Integer.MAX_VALUE) throw new TypeConversionException("'" + v + "' is not a whole number of 0 or more");
            return n.intValue();
        }
    }

    /** Milliseconds, 0 or more. */
    static final class Millis implements ITypeConverter<Long> {
        @Override
        public Long convert(String v) {
            Long n = whole(v);
            if (n == null || n < 0) throw new TypeConversionException("'" + v + "' is not a number of milliseconds of 0 or more");
            return n;
        }
    }

    /**
     * {@code NAME=VALUE}, kept as typed: picocli's own Map options word a bad one "Value for option option '--metadata'
     * (NAME=VALUE) should be in KEY=VALUE format", so the commands take a list and split it themselves.
     */
    static final class NameValue implements ITypeConverter<String> {
        @Override
        public String convert(String v) {
            int eq = v.indexOf('=');
            if (eq <= 0) throw new TypeConversionException("'" + v + "' is not NAME=VALUE");
            return v;
        }
    }

    /** The NAME=VALUE list as a map, in the order given (a later NAME wins). */
    static java.util.Map<String, String> map(java.util.List<String> nameValues) {
        if (nameValues == null) return null;
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String nv : nameValues) out.put(nv.substring(0, nv.indexOf('=')), nv.substring(nv.indexOf('=') + 1));
        return out;
    }

    private static Long whole(String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
