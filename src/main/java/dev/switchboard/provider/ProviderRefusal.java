package dev.switchboard.provider;

/**
 * Why a provider cannot be made for a deployment, told apart where the message differs for a caller: a prefix no
 * provider here has ({@link UnknownProvider}), or a provider this gateway has that refuses one of the entry's settings
 * ({@link Setting}: missing, as an {@code api_base} the entry does not give ({@link MissingApiBase}), a Vertex project or
 * a credential; or set to what it cannot use). Any other {@link IllegalArgumentException} of a provider is about the
 * model (a Vertex partner model, an id not for its URL). Both are {@link IllegalArgumentException}s, so a config entry with one stops the start as any
 * other config error (the message names the line); the router turns one met through a wildcard into a 400 whose text
 * says which it is (ModelNames), without the operator's settings in it.
 */
public final class ProviderRefusal {
    private ProviderRefusal() {}

    /** A prefix with no provider in this gateway (unknown, or not supported). */
    public static final class UnknownProvider extends IllegalArgumentException {
        public UnknownProvider(String message) { super(message); }
    }

    /**
     * A provider this gateway has, refused for one of the entry's settings: {@link #setting} names it as the config
     * writes it ({@code vertex_project}, {@code api_key}, {@code api_base}; two or three joined by " / " when they go
     * together); {@link #missing} tells an absent setting from one set to what the provider cannot use. The message is
     * the operator's (it may quote the setting's value); a caller is told only the setting's name.
     */
    public static class Setting extends IllegalArgumentException {
        private final String setting;
        private final boolean missing;

        public Setting(String setting, boolean missing, String message) {
            super(message);
            this.setting = setting;
            this.missing = missing;
        }

        /** The setting at fault, as the config names it. */
        public String setting() { return setting; }

        /** Whether it is absent (else it is set to what the provider cannot use, or not supported). */
        public boolean missing() { return missing; }
    }

    /** A provider with no default address whose entry gives no {@code api_base} (hosted_vllm/, openai_compatible/, azure/). */
    public static final class MissingApiBase extends Setting {
        public MissingApiBase(String message) { super("api_base", true, message); }
    }
}
