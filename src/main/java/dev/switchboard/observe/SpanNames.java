package dev.switchboard.observe;

/**
 * The texts a request's spans are named and labelled with that depend only on its model alias or on the deployment
 * that served it ({@code provider/model}): made once per alias and deployment instead of concatenated and split again
 * for every request. Kept in a small table of slots by hash (a slot holds the last text that landed in it), so an
 * alias a client makes up costs one slot, never a growing map. One per {@link Tracing}.
 */
final class SpanNames {
    private static final int SLOTS = 64;
    private final Root[] roots = new Root[SLOTS];
    private final Root[] embeddingRoots = new Root[SLOTS];
    private final Deployment[] deployments = new Deployment[SLOTS];

    /**
     * A deployment's provider (what comes before the first slash, or all of it), model (after it) and its attempt spans'
     * names: {@code chat <model>} and {@code embeddings <model>} (the GenAI conventions' {@code {operation} {model}}).
     */
    record Deployment(String id, String provider, String model, String spanName, String embeddingsSpanName) {
        static Deployment of(String id) {
            int slash = id.indexOf('/');
            String model = slash > 0 ? id.substring(slash + 1) : id;
            return new Deployment(id, slash > 0 ? id.substring(0, slash) : id, model, "chat " + model, "embeddings " + model);
        }
    }

    private record Root(String model, String spanName) {}

    /** {@code chat <alias>}: a request's root span when the client named no generation. */
    String root(String model) { return root(roots, "chat ", model); }

    /** {@code embeddings <alias>}: an embeddings request's root span when the client named no generation. */
    String embeddingsRoot(String model) { return root(embeddingRoots, "embeddings ", model); }

    private static String root(Root[] table, String operation, String model) {
        int i = model.hashCode() & (SLOTS - 1);
        Root r = table[i]; // records of final fields: a slot read on another thread sees a whole one or an older one
        if (r != null && r.model.equals(model)) return r.spanName;
        r = new Root(model, operation + model);
        table[i] = r;
        return r.spanName;
    }

    Deployment deployment(String id) {
        int i = id.hashCode() & (SLOTS - 1);
        Deployment d = deployments[i];
        if (d != null && d.id.equals(id)) return d;
        d = Deployment.of(id);
        deployments[i] = d;
        return d;
    }
}
