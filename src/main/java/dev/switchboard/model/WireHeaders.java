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

    // the first count of each array are the headers (a builder's arrays may be longer: see Builder#build)
    private final CharSequence[] names;
    private final CharSequence[] values;
    private final int count;

    private WireHeaders(CharSequence[] names, CharSequence[] values) {
        this(names, values, names.length);
    }

    private WireHeaders(CharSequence[] names, CharSequence[] values, int count) {
        this.names = names;
        this.values = values;
        this.count = count;
    }

    /** A copy with one more header after these, or with a new value for a name already here (as a map's put). */
    public WireHeaders with(CharSequence name, CharSequence value) {
        int n = count;
        for (int i = 0; i < n; i++) {
            if (names[i].toString().equalsIgnoreCase(name.toString())) {
                CharSequence[] vs = java.util.Arrays.copyOf(values, n);
                vs[i] = value;
                return new WireHeaders(java.util.Arrays.copyOf(names, n), vs);
            }
        }
        CharSequence[] ns = java.util.Arrays.copyOf(names, n + 1);
        CharSequence[] vs = java.util.Arrays.copyOf(values, n + 1);
        ns[n] = name;
        vs[n] = value;
        return new WireHeaders(ns, vs);
    }

    /** What {@link #withKept} made last, with what it was asked (an immutable record: published whole or not at all). */
    private record Kept(CharSequence name, CharSequence value, WireHeaders made) {}

    /** Racy but idempotent, as {@link String}'s hash: whoever makes it makes the same headers. */
    private Kept kept;

    /**
     * {@link #with(CharSequence, CharSequence)}, kept: asked again with the same name and value (the same objects) it
     * answers the same copy, made once. For a set made once per deployment that many calls extend the same way (the
     * master key's and a JWT's stream: LiteLLM's key spend "0" before the cost); before, a copy of both arrays per call.
     */
    public WireHeaders withKept(CharSequence name, CharSequence value) {
        Kept k = kept;
        if (k != null && k.name == name && k.value == value) return k.made;
        WireHeaders made = with(name, value);
        kept = new Kept(name, value, made);
        return made;
    }

    /** {@code with(name1, value1).with(name2, value2)} in one copy (two headers every served answer gets). */
    public WireHeaders with(CharSequence name1, CharSequence value1, CharSequence name2, CharSequence value2) {
        if (has(name1) || has(name2)) return with(name1, value1).with(name2, value2);
        int n = count;
        CharSequence[] ns = java.util.Arrays.copyOf(names, n + 2);
        CharSequence[] vs = java.util.Arrays.copyOf(values, n + 2);
        ns[n] = name1;
        vs[n] = value1;
        ns[n + 1] = name2;
        vs[n + 1] = value2;
        return new WireHeaders(ns, vs);
    }

    /** {@code with(name1, value1, name2, value2).with(name3, value3)} in one copy (a master key's served answer's three). */
    public WireHeaders with(CharSequence name1, CharSequence value1, CharSequence name2, CharSequence value2,
                            CharSequence name3, CharSequence value3) {
        if (has(name1) || has(name2) || has(name3)) return with(name1, value1, name2, value2).with(name3, value3);
        int n = count;
        CharSequence[] ns = java.util.Arrays.copyOf(names, n + 3);
        CharSequence[] vs = java.util.Arrays.copyOf(values, n + 3);
        ns[n] = name1;
        vs[n] = value1;
        ns[n + 1] = name2;
        vs[n + 1] = value2;
        ns[n + 2] = name3;
        vs[n + 2] = value3;
        return new WireHeaders(ns, vs);
    }

    /**
     * A builder that starts with these headers: puts after them as into a map (a name already here, in any letter case,
     * has its value replaced in its place, as {@link #with} does), then {@link Builder#build} makes one WireHeaders. For
     * headers that are written through a {@code Map} (a key's {@code x-ratelimit-*}): before it, those answers went
     * through a {@code LinkedHashMap} of every header, then a second one for the trace id, and the edge's
     * {@code putHeader} per name.
     *
     * @param room how many more headers are expected (the arrays grow past it if needed)
     */
    public Builder builder(int room) { return new Builder(names, values, count, room); }

    /** See {@link #builder}. Not thread-safe; a map only to be put into (its reads see what was put so far). */
    public static final class Builder extends AbstractMap<String, String> {
        private CharSequence[] names;
        private CharSequence[] values;
        private int size;
        private boolean built; // the arrays are a built WireHeaders' now: copied before they are written again

        private Builder(CharSequence[] names, CharSequence[] values, int count, int room) {
            this.names = java.util.Arrays.copyOf(names, count + Math.max(0, room));
            this.values = java.util.Arrays.copyOf(values, count + Math.max(0, room));
            this.size = count;
        }

        /** Adds a header after those here, or replaces the value of one of this name (in any letter case). */
        public Builder add(CharSequence name, CharSequence value) {
            if (built) {
                names = java.util.Arrays.copyOf(names, names.length);
                values = java.util.Arrays.copyOf(values, values.length);
                built = false;
            }
            for (int i = 0; i < size; i++) {
                if (names[i].toString().equalsIgnoreCase(name.toString())) {
                    values[i] = value;
                    return this;
                }
            }
            if (size == names.length) {
                names = java.util.Arrays.copyOf(names, size * 2 + 1);
                values = java.util.Arrays.copyOf(values, size * 2 + 1);
            }
            names[size] = name;
            values[size++] = value;
            return this;
        }

        /** As {@link #add}; returns the value it replaced, as a map does. */
        @Override public String put(String name, String value) {
            String before = get(name);
            add(name, value);
            return before;
        }

        @Override public String get(Object key) {
            if (!(key instanceof String k)) return null;
            for (int i = 0; i < size; i++) if (names[i].toString().equalsIgnoreCase(k)) return values[i].toString();
            return null;
        }

        @Override public boolean containsKey(Object key) { return get(key) != null; }

        @Override public int size() { return size; }

        @Override public Set<Entry<String, String>> entrySet() { return build().entrySet(); }

        /** The headers put so far, in order: on the builder's own arrays, without a copy (room left unused stays so). */
        public WireHeaders build() {
            built = true;
            return new WireHeaders(names, values, size);
        }
    }

    /** Whether a header of this name is here, in any letter case (as {@link #with} matches names). */
    private boolean has(CharSequence name) {
        for (int i = 0; i < count; i++) if (names[i].toString().equalsIgnoreCase(name.toString())) return true;
        return false;
    }

    /** Hands each header, in order, as the forms it was made with. */
    public void writeTo(BiConsumer<CharSequence, CharSequence> out) {
        for (int i = 0; i < count; i++) out.accept(names[i], values[i]);
    }

    @Override public int size() { return count; }

    @Override public String get(Object key) {
        for (int i = 0; i < count; i++) if (names[i].toString().equals(key)) return values[i].toString();
        return null;
    }

    @Override public boolean containsKey(Object key) { return get(key) != null; }

    @Override public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override public int size() { return count; }

            @Override public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    int i;

                    @Override public boolean hasNext() { return i < count; }

                    @Override public Entry<String, String> next() {
                        if (i >= count) throw new NoSuchElementException();
                        Entry<String, String> e = new SimpleImmutableEntry<>(names[i].toString(), values[i].toString());
                        i++;
                        return e;
                    }
                };
            }
        };
    }
}
