package dev.switchboard.provider;

/**
 * Why a provider cannot be made for a deployment, told apart where the message differs for a caller: a prefix no
 * provider here has ({@link UnknownProvider}), or a provider this gateway has that refuses one of the entry's settings
 * ({@link Setting}: missing, as an {@code api_base} the entry does not give ({@link MissingApiBase}), a Vertex project or
 * a credential; or set to what it cannot use). Any other {@link IllegalArgumentException} of a provider is about the
 * model (a Vertex partner model, an id not for its URL). All three ({@link UnknownProvider}, {@link Setting},
 * {@link MissingApiBase}) are {@link IllegalArgumentException}s, so a config entry with one stops the start as any other
 * config error (the message names the line); the router turns one met through a wildcard into a 400 whose text
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
     * the operator's (it may quote the setting's value); a caller is told only the setting's name, and what the
     * operator would do about it ({@link #fix}).
     */
    public static class Setting extends IllegalArgumentException {
        /** What the operator does about a refused setting: the words a caller is told differ by it. */
        public enum Fix {
            /** Set it (it is missing), or set it to what the provider can use. */
            SET,
            /** Remove it: the provider here does not support it at all. */
            REMOVE,
            /** Settings that go together, some given and some not: give all of them or none. */
            ALL_OR_NONE,
            /** Not an entry's setting but a variable of the gateway's environment (its name is {@link #setting}). */
            ENVIRONMENT
        }

        private final String setting;
        private final boolean missing;
        private final Fix fix;

        /** A setting to set: missing, or set to what the provider cannot use ({@link Fix#SET}). */
        public Setting(String setting, boolean missing, String message) { this(setting, missing, Fix.SET, message); }

        public Setting(String setting, boolean missing, Fix fix, String message) {
            super(message);
            this.setting = setting;
            this.missing = missing;
            this.fix = fix;
        }

        /** The setting at fault, as the config names it. */
        public String setting() { return setting; }

        /** Whether it is absent (else it is set to what the provider cannot use, or not supported). */
        public boolean missing() { return missing; }

        /** What the operator would do about it. */
        public Fix fix() { return fix; }
    }

    /** A provider with no default address whose entry gives no {@code api_base} (hosted_vllm/, openai_compatible/, azure/). */
    public static final class MissingApiBase extends Setting {
        public MissingApiBase(String message) { super("api_base", true, message); }
    }
}
