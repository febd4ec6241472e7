package dev.switchboard.provider.openai;

import dev.switchboard.config.Deployment;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderContext;
import dev.switchboard.provider.ProviderFactory;
import java.util.Set;

/** Serves every prefix in {@link OpenAiFlavor#ALL}. */
public final class OpenAiCompatibleFactory implements ProviderFactory {
    @Override
    public Set<String> prefixes() { return OpenAiFlavor.ALL.keySet(); }

    @Override
    public String defaultBaseUrl(String prefix) {
        OpenAiFlavor flavor = OpenAiFlavor.ALL.get(prefix);
        return flavor == null ? null : flavor.baseUrl(null);
    }

    @Override
    public String baseUrl(Deployment d) {
        OpenAiFlavor flavor = OpenAiFlavor.ALL.get(d.provider());
        return flavor == null ? d.apiBase() : flavor.baseUrl(d.apiBase());
    }

    @Override
    public String keyEnv(String prefix) {
        OpenAiFlavor flavor = OpenAiFlavor.ALL.get(prefix);
        return flavor == null ? null : flavor.keyEnv();
    }

    @Override
    public Provider create(Deployment d, ProviderContext ctx) {
        OpenAiFlavor flavor = OpenAiFlavor.ALL.get(d.provider());
        if (d.apiBase() == null && flavor.defaultBase() == null) {
            throw new IllegalArgumentException("line " + d.line() + ": model_list entry '" + d.alias() + "': "
                    + d.provider() + "/ has no default address. Fix: set litellm_params.api_base to the server's "
                    + "OpenAI-compatible base URL, e.g. http://localhost:8000/v1.");
        }
        String wrong = flavor.wrongBase(d.apiBase());
        if (wrong != null) {
            throw new IllegalArgumentException("line " + d.line() + ": model_list entry '" + d.alias() + "': " + wrong);
        }
        return new OpenAiCompatibleProvider(d, flavor, key(d, ctx.env()), ctx.http());
    }
}
