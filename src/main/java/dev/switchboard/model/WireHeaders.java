package dev.switchboard.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A few response headers, in order, each held as the {@link CharSequence} the HTTP server writes as it is: the maker
 * passes a name or value made once with the server's pre-hashed form (Vert.x's {@code HttpHeaders.createOptimized}),
 * so a header set on every answer is not hashed again per request. The usual served answer carries the deployment's
 * two {@code x-litellm-*} headers and its cost; before this class they went through a new {@code LinkedHashMap} and
 * three String-named {@code putHeader} calls per request (the previous fast path, a map of one, was lost when the
 * {@code x-litellm-*} headers came).
 *
 * <p>Immutable; {@link #with} returns a copy with one more header. As a {@code Map<String, String>} it reads like any
 * other answer's header map (stages that add headers copy it into a {@code LinkedHashMap}).
 */
public final class WireHeaders extends AbstractMap<String, String> {
    public static final WireHeaders EMPTY = new WireHeaders(new CharSequence[0], new CharSequence[0]);

    private final CharSequence[] names;
    private final CharSequence[] values;

    private WireHeaders(CharSequence[] names, CharSequence[] values) {
        this.names = names;
        this.values = values;
    }

    /** A copy with one more header after these, or with a new value for a name already here (as a map's put). */
    public WireHeaders with(CharSequence name, CharSequence value) {
        int n = names.length;
        for (int i = 0; i < n; i++) {
            if (names[i].toString().equalsIgnoreCase(name.toString())) {
                CharSequence[] vs = values.clone();
                vs[i] = value;
                return new WireHeaders(names, vs);
            }
        }
        CharSequence[] ns = java.util.Arrays.copyOf(names, n + 1);
        CharSequence[] vs = java.util.Arrays.copyOf(values, n + 1);
        ns[n] = name;
        vs[n] = value;
        return new WireHeaders(ns, vs);
    }

    /** {@code with(name1, value1).with(name2, value2)} in one copy (two headers every served answer gets). */
    public WireHeaders with(CharSequence name1, CharSequence value1, CharSequence name2, CharSequence value2) {
        if (has(name1) || has(name2)) return with(name1, value1).with(name2, value2);
        int n = names.length;
        CharSequence[] ns = java.util.Arrays.copyOf(names, n + 2);
        CharSequence[] vs = java.util.Arrays.copyOf(values, n + 2);
        ns[n] = name1;
        vs[n] = value1;
        ns[n + 1] = name2;
        vs[n + 1] = value2;
        return new WireHeaders(ns, vs);
    }

    /** Whether a header of this name is here, in any letter case (as {@link #with} matches names). */
    private boolean has(CharSequence name) {
        for (CharSequence n : names) if (n.toString().equalsIgnoreCase(name.toString())) return true;
        return false;
    }

    /** Hands each header, in order, as the forms it was made with. */
    public void writeTo(BiConsumer<CharSequence, CharSequence> out) {
        for (int i = 0; i < names.length; i++) out.accept(names[i], values[i]);
    }

    @Override public int size() { return names.length; }

    @Override public String get(Object key) {
        for (int i = 0; i < names.length; i++) if (names[i].toString().equals(key)) return values[i].toString();
        return null;
    }

    @Override public boolean containsKey(Object key) { return get(key) != null; }

    @Override public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override public int size() { return names.length; }

            @Override public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    int i;

                    @Override public boolean hasNext() { return i < names.length; }

                    @Override public Entry<String, String> next() {
                        if (i >= names.length) throw new NoSuchElementException();
                        Entry<String, String> e = new SimpleImmutableEntry<>(names[i].toString(), values[i].toString());
                        i++;
                        return e;
                    }
                };
            }
        };
    }
}
