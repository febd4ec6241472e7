package dev.switchboard.provider.azure;

/**
 * What a dated Azure OpenAI {@code api-version} takes of OpenAI's chat request. Azure's data-plane contracts are frozen
 * per version, and fields OpenAI added later are refused by older versions with 400 "Unrecognized request argument
 * supplied: …" (openai/openai-python#1469 and Azure/azure-rest-api-specs#29157 for {@code stream_options} on
 * 2023-05-15 and 2024-05-01-preview; 2024-07-01-preview had it taken out again, Azure/azure-rest-api-specs#30087).
 * Both {@code stream_options} ({@code include_usage}) and {@code max_completion_tokens} arrived with
 * {@code 2024-09-01-preview} (Azure's reasoning-model notes: "max_tokens was deprecated and replaced with
 * max_completion_tokens" in that release), and are in every later version, previews and the 2024-10-21 GA alike, and in
 * the v1 API, which follows OpenAI's.
 */
final class AzureApiVersions {
    /** The first dated version with {@code stream_options} and {@code max_completion_tokens}. */
    static final String FIRST_WITH_OPENAI_2024_FIELDS = "2024-09-01";

    private AzureApiVersions() {}

    /**
     * Whether the deployment's API takes {@code stream_options} and {@code max_completion_tokens}: the v1 API, the
     * default version (null: {@link AzureSettings#DEFAULT_OPENAI_VERSION}), and dated versions from 2024-09-01(-preview)
     * on. A version that is not a date (Azure would refuse it anyway) is taken as a current one.
     */
    static boolean takesCurrentFields(String version, boolean v1) {
        if (v1 || version == null) return true;
        String v = version.trim();
        if (v.length() < 10 || !v.substring(0, 10).matches("\\d{4}-\\d{2}-\\d{2}")) return true;
        return v.substring(0, 10).compareTo(FIRST_WITH_OPENAI_2024_FIELDS) >= 0;
    }
}
