package dev.switchboard.provider.openai;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.Secret;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderContext;
import dev.switchboard.provider.ProviderFactory;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Serves the prefixes of one flavor table: {@link OpenAiFlavor#CORE} by default, or {@link LongTailFlavors#ALL}. */
public final class OpenAiCompatibleFactory implements ProviderFactory {
    private final Map<String, OpenAiFlavor> flavors;

    public OpenAiCompatibleFactory() { this(OpenAiFlavor.CORE); }

    OpenAiCompatibleFactory(Map<String, OpenAiFlavor> flavors) { this.flavors = flavors; }

    @Override
    public Set<String> prefixes() { return flavors.keySet(); }

    @Override
    public String defaultBaseUrl(String prefix) {
        OpenAiFlavor flavor = flavors.get(prefix);
        return flavor == null ? null : flavor.baseUrl(null);
    }

    @Override
    public String baseUrl(Deployment d) {
        OpenAiFlavor flavor = flavors.get(d.provider());
        return flavor == null ? d.apiBase() : flavor.baseUrl(d.apiBase());
    }

    @Override
    public String keyEnv(String prefix) {
        OpenAiFlavor flavor = flavors.get(prefix);
        return flavor == null ? null : flavor.keyEnv();
    }

    @Override
    public String keyEnv(Deployment d) {
        OpenAiFlavor flavor = flavors.get(d.provider());
        return flavor == null ? null : flavor.keyEnv(d.apiBaseVariable());
    }

    @Override
    public java.util.List<String> baseWarnings(Deployment d, String keySource) {
        OpenAiFlavor flavor = flavors.get(d.provider());
        if (flavor == null) return java.util.List.of();
        java.util.List<String> out = new java.util.ArrayList<>();
        String entry = d.where() + ": model_list entry '" + d.alias() + "' (" + d.id() + "): ";
        String mix = flavor.mixedVariant(d.apiBase(), d.apiBaseVariable(), keySource);
        if (mix != null) out.add(entry + mix);
        String v1 = d.apiBaseVariable() == null ? flavor.v1Added(d.apiBase()) : null; // a variable's base: LiteLLM's rule, said in the docs
        if (v1 != null) out.add(entry + v1);
        return out;
    }

    @Override
    public java.util.List<String> keyEnvs(String prefix) {
        OpenAiFlavor flavor = flavors.get(prefix);
        return flavor == null ? java.util.List.of() : flavor.keyEnvs();
    }

    /** Its {@code api_key}, else the first of the flavor's variables that is set (HF_TOKEN, then HUGGINGFACE_API_KEY, …). */
    @Override
    public Secret key(Deployment d, Function<String, String> env) {
        if (d.apiKey() != null) return d.apiKey();
        OpenAiFlavor flavor = flavors.get(d.provider());
        if (flavor == null) return null;
        for (String name : flavor.keyEnvs()) {
            String value = env.apply(name);
            if (value != null && !value.isBlank()) return new Secret(value);
        }
        return null;
    }

    @Override
    public Provider create(Deployment d, ProviderContext ctx) {
        OpenAiFlavor flavor = check(d);
        return new OpenAiCompatibleProvider(d, flavor, key(d, ctx.env()), ctx.http(), attribution(flavor, ctx.env()));
    }

    /**
     * OpenRouter's app attribution, from the variables LiteLLM's openrouter docs name: {@code OR_SITE_URL} sent as
     * {@code HTTP-Referer}, {@code OR_APP_NAME} as {@code X-Title}, the headers OpenRouter's rankings and its activity by
     * app read. Nothing when they are unset (LiteLLM then names itself; the gateway names no one), nothing for another
     * prefix; a deployment's own {@code extra_headers} win ({@link OpenAiCompatibleProvider}).
     */
    static Map<String, String> attribution(OpenAiFlavor flavor, Function<String, String> env) {
        if (!flavor.prefix().equals("openrouter")) return Map.of();
        Map<String, String> h = new java.util.LinkedHashMap<>();
        String site = env.apply("OR_SITE_URL"), app = env.apply("OR_APP_NAME");
        if (site != null && !site.isBlank()) h.put("HTTP-Referer", site.strip());
        if (app != null && !app.isBlank()) h.put("X-Title", app.strip());
        return h;
    }

    /**
     * What {@link #create} refuses, without building anything: a prefix with no default address and no api_base
     * ({@code hosted_vllm/}, {@code openai_compatible/}), or an api_base that is not the flavor's base. A wildcard's
     * name that would go there (a bare {@code *}) is then no model to look up, as it is no model to call.
     */
    @Override
    public void check(Deployment d, Function<String, String> env) { check(d); }

    private OpenAiFlavor check(Deployment d) {
        OpenAiFlavor flavor = flavors.get(d.provider());
        if (d.apiBase() == null && flavor.defaultBase() == null) {
            throw new dev.switchboard.provider.ProviderRefusal.MissingApiBase(d.where() + ": model_list entry '"
                    + d.alias() + "': " + d.provider() + "/ has no default address. Fix: set litellm_params.api_base to the server's "
                    + "OpenAI-compatible base URL, e.g. http://localhost:8000/v1.");
        }
        String wrong = flavor.wrongBase(d.apiBase());
        if (wrong != null) {
            throw new dev.switchboard.provider.ProviderRefusal.Setting("api_base", false, d.where() + ": model_list entry '"
                    + d.alias() + "': " + wrong);
        }
        return flavor;
    }
}
