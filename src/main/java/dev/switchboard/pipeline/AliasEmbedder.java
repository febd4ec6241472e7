package dev.switchboard.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.cache.semantic.Embedder;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.route.ModelRouter;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Embeddings from a configured embedding alias ({@code cache_params.embedder: alias:<name>}), called through the router
 * and metered (call type {@code cache_embedding}, caller {@value RouterVerifier#CALLER}). It blocks the semantic cache's
 * own pool thread (never an event loop) for at most {@link #TIMEOUT_SECONDS}; the thresholds are generic ones unless
 * {@code similarity_threshold} names the model's own (run {@code switchboard cache eval} to find it).
 */
final class AliasEmbedder implements Embedder {
    static final String PREFIX = "alias:";
    private static final long TIMEOUT_SECONDS = 10;

    private final Vertx vertx;
    private final String alias;
    private final ModelRouter router;
    private final Metering metering;
    private volatile int dimensions = -1;

    AliasEmbedder(Vertx vertx, String alias, ModelRouter router, Metering metering) {
        this.vertx = vertx;
        this.alias = alias;
        this.router = router;
        this.metering = metering;
    }

    @Override
    public float[] embed(String text) {
        EmbeddingRequest r = new EmbeddingRequest(alias, TextNode.valueOf(text), null, null, null, Map.of());
        CallContext ctx = new CallContext("embed-" + UUID.randomUUID(), new Caller(RouterVerifier.CALLER, true, null, List.of(), null, null),
                System.nanoTime(), Map.of());
        Promise<JsonNode> p = Promise.promise();
        vertx.runOnContext(v -> MeteredCall.around(() -> metering.beginEmbedding(ctx, r), () -> router.embed(ctx, r), MeteredCall.Embedded::new)
                .map(a -> a.body().data().get(0).embedding()).onComplete(p));
        JsonNode e;
        try {
            e = p.future().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception ex) {
            throw new IllegalStateException("embedding alias '" + alias + "' failed: " + ex.getMessage(), ex);
        }
        float[] v = new float[e.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) e.get(i).asDouble();
        dimensions = v.length;
        return Embedder.normalize(v);
    }

    @Override public int dimensions() { return dimensions; }

    @Override public String name() { return PREFIX + alias; }

    @Override public double defaultThreshold() { return 0.95; }

    @Override public double defaultVerifiedThreshold() { return 0.97; }

    @Override public double defaultGreyThreshold() { return 0.88; }
}
