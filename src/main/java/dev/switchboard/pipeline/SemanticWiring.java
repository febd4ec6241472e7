package dev.switchboard.pipeline;

import dev.switchboard.cache.CacheSettings;
import dev.switchboard.cache.semantic.Embedder;
import dev.switchboard.cache.semantic.OnnxEmbedder;
import dev.switchboard.cache.semantic.SemanticCache;
import dev.switchboard.cache.semantic.SemanticSettings;
import dev.switchboard.route.ModelRouter;
import io.vertx.core.Vertx;
import org.slf4j.LoggerFactory;

/** Builds the semantic cache from {@code cache_params}: its embedder (in-process or an alias) and its verifier. */
final class SemanticWiring {
    private SemanticWiring() {}

    static SemanticCache create(Vertx vertx, CacheSettings cache, ModelRouter router, Metering metering) {
        SemanticSettings s = SemanticSettings.from(cache.params(), cache.ttlSeconds());
        Embedder embedder = s.embedder().startsWith(AliasEmbedder.PREFIX)
                ? new AliasEmbedder(vertx, s.embedder().substring(AliasEmbedder.PREFIX.length()), router, metering)
                : OnnxEmbedder.load(s.embedder());
        RouterVerifier verifier = s.verifyAlias() == null ? null : new RouterVerifier(s.verifyAlias(), router, metering);
        SemanticCache c = SemanticCache.create(s, embedder, verifier);
        var st = c.stats();
        LoggerFactory.getLogger("switchboard.cache").info(
                "semantic cache: {} threshold {}{}{}{}, at most {} entries", embedder.name(), st.threshold(),
                verifier == null ? "" : ", verified by '" + s.verifyAlias() + "' from " + st.greyThreshold(),
                s.maxFalseHitRate() == null ? "" : ", online mode (max_false_hit_rate " + s.maxFalseHitRate() + ")",
                s.shadow() ? ", SHADOW mode (logged, never served)" : "", s.maxEntries());
        return c;
    }
}
