package dev.switchboard.provider;

/**
 * Why a provider cannot be made for a deployment, told apart where the message differs for a caller: a prefix no
 * provider here has ({@link UnknownProvider}), or a provider that needs an {@code api_base} the entry does not give
 * ({@link MissingApiBase}). Both are {@link IllegalArgumentException}s, so a config entry with one stops the start as any
 * other config error (the message names the line); the router turns one met through a wildcard into a 400 whose text
 * says which it is (ModelNames), without the operator's settings in it.
 */
public final class ProviderRefusal {
    private ProviderRefusal() {}

    /** A prefix with no provider in this gateway (unknown, or not supported). */
    public static final class UnknownProvider extends IllegalArgumentException {
        public UnknownProvider(String message) { super(message); }
    }

    /** A provider with no default address whose entry gives no {@code api_base} (hosted_vllm/, openai_compatible/, azure/). */
    public static final class MissingApiBase extends IllegalArgumentException {
        public MissingApiBase(String message) { super(message); }
    }
}
