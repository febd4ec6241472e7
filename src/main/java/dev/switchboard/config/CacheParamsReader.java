package dev.switchboard.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code litellm_settings.cache_params}: every key LiteLLM documents there and Switchboard's own, each checked with its
 * line and given to the {@code cache} package as a typed value ({@code port: "6379"} and {@code os.environ/REDIS_PORT}
 * are the number 6379). A {@code null} value is "not set", as LiteLLM reads it (configs write {@code ssl_certfile: null}),
 * except {@code ssl_cert_reqs: null}, which is redis-py's "do not verify the certificate" and kept so. A key LiteLLM
 * documents for a Redis Switchboard cannot reach (Cluster, Sentinel, IAM sign-in) makes the in-process cache serve in
 * its place, with a warning naming the key, as LiteLLM's s3 or disk caches do: the answers a cache serves do not
 * depend on where it keeps them, while a Redis other than the one meant (the default 127.0.0.1:6379) would receive
 * prompts and answers it was never meant to hold. A key of a stand-in type's store (s3, gcs, disk, qdrant) is warned
 * as not used; only a key nobody documents is an "unknown key".
 */
final class CacheParamsReader {
    static final String PATH = "litellm_settings.cache_params";
    static final Set<String> TYPES = Set.of("local", "redis", "semantic", "redis-semantic");
    /** LiteLLM's cache types Switchboard lacks, and the type that serves in their place. */
    static final Map<String, String> STAND_INS = Map.of("disk", "local", "s3", "local", "gcs", "local",
            "qdrant-semantic", "semantic");
    /** {@code mode}: the semantic cache's shadow / serve (Switchboard's), LiteLLM's default_on / default_off (opt-in). */
    static final Set<String> MODES = Set.of("shadow", "serve", "default_on", "default_off");
    private static final Set<String> EMBEDDERS = Set.of("bge-small-en-v15-q", "all-minilm-l6-v2-q");
    private static final Set<String> SEMANTIC_SERVES = Set.of("temperature", "tools", "images");
    /** redis-py's ssl_cert_reqs values; the first two (and null) turn verification off. */
    private static final Set<String> CERT_REQS = Set.of("none", "cert_none", "optional", "cert_optional", "required", "cert_required");

    /**
     * {@code semantic_lookup_wait_ms}'s most: the lookup waits on the request path, and a second is a provider call's
     * whole latency (the cache package's {@code SemanticSettings.MAX_LOOKUP_WAIT_MILLIS}; config may not depend on it).
     */
    static final int MOST_LOOKUP_WAIT_MS = 1000;

    private static final Set<String> POSITIVE_NUMBERS = Set.of("ttl", "max_size_mb", "timeout", "socket_timeout",
            "default_in_memory_ttl", "default_in_redis_ttl");
    private static final Set<String> WHOLE_AT_LEAST_ONE = Set.of("max_entries", "embed_threads", "max_connections");
    private static final Set<String> TEXTS = Set.of("host", "password", "username", "namespace");
    private static final Set<String> BOOLEANS = Set.of("ssl", "ssl_check_hostname");
    private static final Set<String> FILES = Set.of("ssl_ca_certs", "ssl_certfile", "ssl_keyfile");
    /** LiteLLM's name of the embedding model (a model_name of model_list) its redis / qdrant semantic caches use. */
    private static final Set<String> EMBEDDING_MODEL_KEYS = Set.of("redis_semantic_cache_embedding_model",
            "qdrant_semantic_cache_embedding_model");
    private static final Set<String> OTHERS = Set.of("type", "port", "url", "db", "supported_call_types", "similarity_threshold",
            "verify_threshold", "max_false_hit_rate", "mode", "embedder", "index_name", "semantic_index", "verify",
            "semantic_serves", "ssl_cert_reqs", "semantic_lookup_wait_ms");

    /** LiteLLM's keys for Redis set-ups Switchboard cannot reach: the in-process cache stands in (see the class comment). */
    private static final Map<String, String> UNREACHABLE = Map.of(
            "redis_startup_nodes", "Redis Cluster is not supported",
            "service_name", "Redis Sentinel is not supported",
            "sentinel_nodes", "Redis Sentinel is not supported",
            "sentinel_password", "Redis Sentinel is not supported",
            "gcp_service_account", "GCP IAM sign-in to Redis is not supported",
            "gcp_ssl_ca_certs", "GCP IAM sign-in to Redis is not supported",
            "azure_redis_ad_token", "Entra ID sign-in to Redis is not supported");
    /** LiteLLM's keys of the caches a stand-in replaces (by prefix), and of its Python client: documented, not used. */
    private static final List<String> NOT_USED_PREFIXES = List.of("s3_", "gcs_", "qdrant_", "disk_cache_dir",
            "redis_semantic_cache_use_async", "redis_flush_size", "azure_client_", "azure_tenant_id");

    private final YamlWalker w;
    /** The first key naming a Redis Switchboard cannot reach, or null. */
    private String unreachable;

    CacheParamsReader(YamlWalker w) { this.w = w; }

    /** Every key this reader knows, for the "unknown key" hint: one place. */
    static Set<String> known() {
        Set<String> all = new TreeSet<>();
        for (Set<String> s : List.of(POSITIVE_NUMBERS, WHOLE_AT_LEAST_ONE, TEXTS, BOOLEANS, FILES, EMBEDDING_MODEL_KEYS, OTHERS)) {
            all.addAll(s);
        }
        return all;
    }

    /** The checked keys as typed values, nulls left out; errors and warnings go to the walker. */
    Map<String, Object> read(Node node) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Node> entries = w.mapping(node, PATH);
        entries.forEach((k, v) -> {
            String kp = PATH + "." + k;
            if (k.equals("ssl_cert_reqs")) {
                String reqs = YamlWalker.isNull(v) ? "none" : w.string(v, kp);
                if (reqs != null && !CERT_REQS.contains(reqs.trim().toLowerCase(java.util.Locale.ROOT))) {
                    w.error(v, kp, "'" + reqs + "' is not a certificate requirement. Fix: required (the default), or none "
                            + "(or null) to accept any certificate, as redis-py reads it.");
                } else if (reqs != null) {
                    out.put(k, reqs.trim().toLowerCase(java.util.Locale.ROOT).replace("cert_", ""));
                }
                return;
            }
            if (YamlWalker.isNull(v)) return; // not set
            int errorsBefore = w.errors.size();
            Object value = check(k, v, kp);
            if (value != null && w.errors.size() == errorsBefore) out.put(k, value);
        });
        embeddingModel(entries, out);
        if (unreachable != null) {
            String type = String.valueOf(out.get("type"));
            out.put("type", type.endsWith("semantic") ? "semantic" : "local");
        }
        return out;
    }

    /** Checks one key; its value as the cache package reads it, or null (an error, or a key not used). */
    private Object check(String k, Node v, String kp) {
        if (UNREACHABLE.containsKey(k)) {
            unreachable = unreachable == null ? k : unreachable;
            w.warn(v, kp, UNREACHABLE.get(k) + ", so this gateway's in-process cache serves instead (entries are neither "
                    + "persisted nor shared between gateways). Fix: point host and port (or url) at one Redis server and remove "
                    + k + " to share the cache.");
            return null;
        }
        if (NOT_USED_PREFIXES.stream().anyMatch(k::startsWith)) {
            w.unsupported(v, kp, "LiteLLM's key for a cache store or Redis client Switchboard does not have (s3, gcs, qdrant, "
                    + "disk; a stand-in type serves in their place, see type)");
            return null;
        }
        if (POSITIVE_NUMBERS.contains(k)) {
            Double d = w.number(v, kp);
            if (d != null && !(d > 0 && d < Double.POSITIVE_INFINITY)) w.error(v, kp, "must be more than 0, found " + YamlWalker.written(v, d) + ".");
            return w.plain(v, kp);
        }
        if (WHOLE_AT_LEAST_ONE.contains(k)) {
            Integer n = w.integer(v, kp);
            if (n != null && n < 1) w.error(v, kp, "must be more than 0, found " + YamlWalker.written(v, n) + ".");
            return w.plain(v, kp);
        }
        if (TEXTS.contains(k)) return w.string(v, kp);
        if (BOOLEANS.contains(k)) {
            w.bool(v, kp);
            return w.plain(v, kp);
        }
        if (FILES.contains(k)) {
            String f = w.string(v, kp);
            if (f != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(f))) {
                w.error(v, kp, "cannot read '" + f + "'. Fix: give the path of a PEM file, or remove the key.");
            }
            return f;
        }
        if (EMBEDDING_MODEL_KEYS.contains(k)) return w.string(v, kp);
        return switch (k) {
            case "type" -> type(v, kp);
            case "port" -> {
                Integer p = w.integer(v, kp);
                if (p != null && (p < 1 || p > 65535)) w.error(v, kp, "must be a port from 1 to 65535, found " + YamlWalker.written(v, p) + ".");
                yield w.plain(v, kp);
            }
            case "db" -> {
                w.integer(v, kp);
                yield w.plain(v, kp);
            }
            case "url" -> {
                String u = w.string(v, kp);
                if (u != null && !u.matches("(?i)(rediss?|unix)://.+")) {
                    w.error(v, kp, "'" + dev.switchboard.model.SafeUrl.withoutSecrets(u) + "' is not a Redis URL. Fix: "
                            + "redis://[:password@]host:port[/db], or rediss://… for TLS.");
                }
                yield u;
            }
            case "supported_call_types" -> {
                if (!(w.plain(v, kp) instanceof List<?> l) || l.stream().anyMatch(o -> !(o instanceof String))) {
                    w.error(v, kp, "must be a list of call types, e.g. [acompletion, completion].");
                    yield null;
                }
                List<String> uncached = l.stream().map(String::valueOf).filter(t -> !dev.switchboard.model.CachedCallTypes.ANSWERED.contains(t)).toList();
                if (!uncached.isEmpty()) {
                    // LiteLLM's cache docs list aembedding, atranscription, atext_completion…: a config moved over names
                    // them expecting those calls cached, and every one of them would go to the provider unsaid
                    w.warn(v, kp, "not cached here: " + String.join(", ", uncached) + ". Switchboard's response cache "
                            + "answers chat calls (completion, acompletion, anthropic_messages, responses, aresponses: streamed "
                            + "or not); other calls always go to the provider.");
                }
                yield w.plain(v, kp);
            }
            case "similarity_threshold", "verify_threshold" -> {
                Double d = w.number(v, kp);
                if (d != null && (d <= 0 || d > 1)) {
                    w.error(v, kp, "is a cosine similarity: more than 0 and at most 1, found " + YamlWalker.written(v, d) + ". Fix: leave it out to use "
                            + "the embedder's own calibrated default, or find one with 'switchboard cache eval'.");
                }
                yield w.plain(v, kp);
            }
            case "max_false_hit_rate" -> {
                Double d = w.number(v, kp);
                if (d != null && (d <= 0 || d >= 0.5)) w.error(v, kp, "is a share of hits: more than 0 and below 0.5 (0.01 = 1 %), found " + YamlWalker.written(v, d) + ".");
                yield w.plain(v, kp);
            }
            case "mode" -> {
                String m = w.string(v, kp);
                if (m != null && !MODES.contains(m)) {
                    w.error(v, kp, "'" + m + "' is not a mode. Fix: default_off (LiteLLM's: only requests that send cache: "
                            + "{\"use-cache\": true} use the cache), default_on (the default), or for the semantic cache shadow "
                            + "(log would-be semantic hits, serve fresh answers) or serve.");
                }
                yield m;
            }
            case "embedder" -> {
                String e = w.string(v, kp);
                if (e != null && !EMBEDDERS.contains(e) && !(e.startsWith("alias:") && e.length() > 6)) {
                    w.error(v, kp, "'" + e + "' is not an embedder. Fix: one of " + new TreeSet<>(EMBEDDERS)
                            + " (in process), or alias:<model_name> of an embedding model in model_list.");
                }
                yield e;
            }
            case "index_name" -> {
                String n = w.string(v, kp);
                if (n != null && !n.matches("[A-Za-z0-9_.:-]{1,64}")) {
                    w.error(v, kp, "'" + n + "' is not an index name. Fix: 1 to 64 letters, digits, '_', '.', ':' or '-'.");
                }
                yield n;
            }
            case "semantic_index" -> {
                String n = w.string(v, kp);
                if (n != null && !n.equals("lucene") && !n.equals("pgvector")) {
                    w.error(v, kp, "'" + n + "' is not a vector index. Fix: lucene (in memory, the default) or pgvector (the "
                            + "PostgreSQL of database_url, with the vector extension).");
                }
                yield n;
            }
            case "verify" -> {
                if (!(v instanceof ScalarNode)) w.error(v, kp, "must be the model_name of a cheap chat model, or false.");
                yield w.plain(v, kp);
            }
            case "semantic_lookup_wait_ms" -> {
                Integer n = w.integer(v, kp);
                if (n != null && (n < 1 || n > MOST_LOOKUP_WAIT_MS)) {
                    w.error(v, kp, "is how long a semantic lookup may wait for the embedding pool, in whole milliseconds: 1 to "
                            + MOST_LOOKUP_WAIT_MS + ", found " + YamlWalker.written(v, n) + ". Fix: leave it out for the default, 20.");
                }
                yield w.plain(v, kp);
            }
            case "semantic_serves" -> {
                Object list = w.plain(v, kp);
                if (!(list instanceof List<?>)) {
                    w.error(v, kp, "must be a list, e.g. [temperature, tools].");
                } else {
                    for (Object o : (List<?>) list) {
                        if (!SEMANTIC_SERVES.contains(String.valueOf(o))) {
                            w.error(v, kp, "'" + o + "' is not something the semantic cache keeps out by default. Fix: any of "
                                    + new TreeSet<>(SEMANTIC_SERVES) + ".");
                        }
                    }
                }
                yield list;
            }
            default -> {
                w.unknownKey(v, kp, k, known(), "unknown cache_params key, ignored. Known: " + known() + ".");
                yield null;
            }
        };
    }

    /** {@code type}: one Switchboard has, or a LiteLLM type with a stand-in (warned), else an error. */
    private Object type(Node v, String kp) {
        String t = w.string(v, kp);
        if (t != null && STAND_INS.containsKey(t)) {
            // The answers a cache serves do not depend on where it keeps them: LiteLLM's disk, s3 and gcs caches
            // become the in-process one, qdrant-semantic the in-process semantic one, with a warning.
            w.warn(v, kp, "'" + t + "' is not a cache Switchboard has; its " + STAND_INS.get(t)
                    + " cache serves instead (entries are neither persisted nor shared between instances).");
            return STAND_INS.get(t);
        }
        if (t != null && !TYPES.contains(t)) {
            w.error(v, kp, "'" + t + "' is not a cache type Switchboard has. Fix: use one of " + new TreeSet<>(TYPES)
                    + " (LiteLLM's disk, s3 and gcs caches become local, qdrant-semantic becomes semantic).");
        }
        return t;
    }

    /**
     * LiteLLM's {@code redis_semantic_cache_embedding_model} (or qdrant's) names a model_name of model_list that embeds:
     * Switchboard's {@code embedder: alias:<model_name>}, unless {@code embedder} is set too (which then wins).
     */
    private void embeddingModel(Map<String, Node> entries, Map<String, Object> out) {
        for (String k : EMBEDDING_MODEL_KEYS) {
            if (!(out.get(k) instanceof String model) || model.isBlank()) continue;
            if (out.containsKey("embedder")) {
                w.warn(entries.get(k), PATH + "." + k, "not used: embedder is set too, and wins.");
            } else {
                out.put("embedder", "alias:" + model);
            }
        }
    }
}
