package dev.switchboard.pipeline;

import dev.switchboard.cache.CacheSettings;
import dev.switchboard.cache.semantic.Embedder;
import dev.switchboard.cache.semantic.OnnxEmbedder;
import dev.switchboard.cache.semantic.PgVectorStore;
import dev.switchboard.store.DatabaseLocation;
import dev.switchboard.cache.semantic.RedisSharedIndex;
import dev.switchboard.cache.semantic.SemanticCache;
import dev.switchboard.cache.semantic.SemanticSettings;
import dev.switchboard.route.ModelRouter;
import io.vertx.core.Vertx;
import org.slf4j.LoggerFactory;

/** Builds the semantic cache from {@code cache_params}: its embedder (in-process or an alias) and its verifier. */
final class SemanticWiring {
    private SemanticWiring() {}

    /**
     * {@code semantic_index: pgvector}: the vectors in the store's PostgreSQL. Lucene's index serves instead, with a
     * warning, when the store is SQLite, the embedder's size is not known before its first call (an alias), or PostgreSQL
     * lacks the extension: a cache option never stops the gateway.
     */
    private static PgVectorStore pgvector(String databaseUrl, Embedder embedder, boolean open) {
        var log = LoggerFactory.getLogger("switchboard.cache");
        if (!open) { // check: opening it creates the extension and a table, and drops the tables of gateways gone
            log.info("semantic cache: pgvector is not opened by check; serve opens it in {}", checkedLocation(databaseUrl));
            return null;
        }
        if (databaseUrl == null || databaseUrl.isBlank()) {
            log.warn("semantic cache: semantic_index: pgvector needs the store in PostgreSQL (general_settings.database_url); "
                    + "Lucene's in-memory index serves instead");
            return null;
        }
        if (embedder.dimensions() <= 0) {
            log.warn("semantic cache: semantic_index: pgvector needs an in-process embedder (its vector size); Lucene's index serves instead");
            return null;
        }
        DatabaseLocation at = DatabaseLocation.postgres(databaseUrl);
        try {
            return new PgVectorStore(at.jdbcUrl(), at.properties(), embedder.dimensions());
        } catch (java.sql.SQLException e) {
            log.warn("semantic cache: pgvector is not usable in {} ({}); Lucene's in-memory index serves instead. Fix: install "
                    + "postgresql-15-pgvector (or build pgvector) and let the gateway's user CREATE EXTENSION vector", at.description(), e.getMessage());
            return null;
        }
    }

    /**
     * Where {@code check} says pgvector would be. A {@code database_url} that is no URL is the store's error, which
     * {@code check} reports after building the gateway (one line, INVALID, exit 1, as without pgvector); thrown from
     * here it escaped {@code check}'s handling as a stack trace.
     */
    private static String checkedLocation(String databaseUrl) {
        if (databaseUrl == null || databaseUrl.isBlank()) return "(no database_url)";
        try {
            return DatabaseLocation.postgres(databaseUrl).description();
        } catch (dev.switchboard.store.StoreException e) {
            return "(database_url cannot be read: see the store's error)";
        }
    }

    /**
     * @param databaseUrl the store's {@code database_url} (PostgreSQL), or null (SQLite): where pgvector would live
     * @param openPgvector false for {@code check}, which must change no database (Lucene's index stands in) and shares
     *     no entries (no tail of the redis-semantic stream)
     */
    static SemanticCache create(Vertx vertx, CacheSettings cache, ModelRouter router, Metering metering, String databaseUrl,
                                boolean openPgvector) {
        SemanticSettings s = SemanticSettings.from(cache.params(), cache.ttlSeconds());
        Embedder embedder = s.embedder().startsWith(AliasEmbedder.PREFIX)
                ? new AliasEmbedder(vertx, s.embedder().substring(AliasEmbedder.PREFIX.length()), router, metering)
                : OnnxEmbedder.load(s.embedder());
        RouterVerifier verifier = s.verifyAlias() == null ? null : new RouterVerifier(s.verifyAlias(), router, metering);
        PgVectorStore pg = "pgvector".equals(cache.params().get("semantic_index")) ? pgvector(databaseUrl, embedder, openPgvector) : null;
        SemanticCache c = pg == null ? SemanticCache.create(s, embedder, verifier) : SemanticCache.create(s, embedder, verifier, pg);
        if (cache.redis() && openPgvector) {
            // redis-semantic: every gateway on this Redis shares its semantic entries (and flushes) through a stream.
            // Not for check, which serves nothing: its tail, closed while its first XREAD was being set up, was ended
            // twice by the Redis client (an AssertionError logged as an unhandled exception where assertions are on)
            Object index = cache.params().get("index_name");
            RedisSharedIndex.start(vertx, cache.redisAddress(), cache.redisTimeoutMillis(),
                    index == null ? null : index.toString(), s.maxEntries(), c);
        }
        if (openPgvector && embedder instanceof OnnxEmbedder) {
            // before the gateway listens: the first user's lookup must not pay the pool thread's start and the model's
            // first run (check serves nothing; an embedding alias would be a metered call)
            long ms = c.warmUp();
            LoggerFactory.getLogger("switchboard.cache").info("semantic cache: {} warmed up in {} ms (one embedding on the pool)",
                    embedder.name(), ms);
        }
        var st = c.stats();
        LoggerFactory.getLogger("switchboard.cache").info(
                "semantic cache: {} threshold {}{}{}{}, at most {} entries", embedder.name(), st.threshold(),
                verifier == null ? "" : ", verified by '" + s.verifyAlias() + "' from " + st.greyThreshold(),
                s.maxFalseHitRate() == null ? "" : ", online mode (max_false_hit_rate " + s.maxFalseHitRate() + ")",
                s.shadow() ? ", SHADOW mode (logged, never served)" : "", s.maxEntries());
        if (pg != null) LoggerFactory.getLogger("switchboard.cache").info("semantic cache: vectors in pgvector, table {}", pg.table());
        if (c.sharedWith() != null) LoggerFactory.getLogger("switchboard.cache").info("semantic cache: entries shared through the {}", c.sharedWith());
        return c;
    }
}
