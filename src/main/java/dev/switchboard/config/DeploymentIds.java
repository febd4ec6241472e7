package dev.switchboard.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@code model_info.id} for each further entry of one {@code provider/model}: two Azure deployments of gpt-4o in two
 * regions are two deployments, and the id is what tells them apart ({@code x-litellm-model-id}, {@code model_id} in the
 * spend logs, the metrics and the dashboard, {@code ?model_id=} of the health checks). LiteLLM gives every entry without
 * an id a hash of its {@code litellm_params}; here the first entry of a {@code provider/model} keeps the id it had (none:
 * {@code provider/model} in the header, "" in the ledger), so the rows already stored for a config's single deployments
 * keep naming them, and each further entry gets a 16-hex-digit hash of what makes it another deployment: its
 * {@code model_name}, {@code provider/model}, {@code api_base} and the settings that say where it is served (region,
 * project, location, api-version, organization). Keys are never hashed (a key rotation would change the id, and an id
 * is shown to every caller). Two entries alike in all of that get {@code -2}, {@code -3}, … in config order.
 * An id the config sets ({@code model_info.id}) is kept as written; wildcard entries are left alone.
 */
final class DeploymentIds {
    /** litellm_params that say where a deployment is served, besides api_base (never a credential). */
    private static final Set<String> PLACE = Set.of("api_version", "organization", "region_name", "aws_region_name",
            "aws_bedrock_runtime_endpoint", "model_id", "vertex_project", "vertex_location", "vertex_ai_project",
            "vertex_ai_location");

    private DeploymentIds() {}

    static List<Deployment> distinct(List<Deployment> deployments) {
        Set<String> used = new HashSet<>();
        for (Deployment d : deployments) {
            Object id = d.modelInfo().get("id");
            if (id != null) used.add(id.toString());
        }
        Set<String> seen = new HashSet<>();
        List<Deployment> out = new ArrayList<>(deployments.size());
        for (Deployment d : deployments) {
            if (d.modelInfo().get("id") != null || d.wildcard() || seen.add(d.id())) {
                out.add(d);
                continue;
            }
            String base = hash(d);
            String id = base;
            for (int n = 2; !used.add(id); n++) id = base + "-" + n;
            Map<String, Object> info = new LinkedHashMap<>(d.modelInfo());
            info.put("id", id);
            Map<String, String> sources = new LinkedHashMap<>(d.sources());
            sources.put("model_info.id", "generated: another entry of " + d.id() + " comes first (hash of model_name, model, "
                    + "api_base and region settings)");
            out.add(new Deployment(d.alias(), d.provider(), d.model(), d.apiBase(), d.apiKey(), d.timeout(), d.streamTimeout(),
                    d.maxTokens(), d.headers(), d.params(), info, d.line(), sources));
        }
        return out;
    }

    private static String hash(Deployment d) {
        StringBuilder s = new StringBuilder().append(d.alias()).append('\n').append(d.id()).append('\n')
                .append(d.apiBase() == null ? "" : d.apiBase());
        Map<String, Object> place = new TreeMap<>();
        d.params().forEach((k, v) -> {
            if (PLACE.contains(k) && v != null) place.put(k, v);
        });
        Object baseModel = d.modelInfo().get("base_model");
        if (baseModel != null) place.put("model_info.base_model", baseModel);
        place.forEach((k, v) -> s.append('\n').append(k).append('=').append(v));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
