package dev.switchboard.provider.bedrock;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.Secret;
import dev.switchboard.provider.ProviderSecrets;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Where a Bedrock deployment's region and credentials come from, read as LiteLLM reads them:
 * <ul>
 *   <li>region: {@code aws_region_name}, else the region a model ARN names, else {@code AWS_REGION_NAME},
 *       {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, else us-west-2 (LiteLLM's default) ({@link #region});</li>
 *   <li>a Bedrock API key ({@code api_key}, else {@code AWS_BEARER_TOKEN_BEDROCK}) is sent as a bearer token and
 *       nothing is signed;</li>
 *   <li>else {@code aws_access_key_id} + {@code aws_secret_access_key} (+ {@code aws_session_token}) are static keys;</li>
 *   <li>else {@code aws_profile_name} (or {@code AWS_PROFILE}) names a profile of the shared files
 *       ({@code AWS_SHARED_CREDENTIALS_FILE} / {@code AWS_CONFIG_FILE} when set);</li>
 *   <li>else the static keys of the environment ({@code AWS_ACCESS_KEY_ID}, …), else the SDK's default chain
 *       (system properties, web identity, the default profile, container and instance credentials).</li>
 * </ul>
 */
record BedrockAuth(String region, String bearerToken, Secret secretKey, Secret sessionToken, AwsCredentialsProvider provider,
                   boolean blocking, String source) {
    static final String BEARER_ENV = "AWS_BEARER_TOKEN_BEDROCK";

    static BedrockAuth of(Deployment d, Function<String, String> env) {
        String region = region(d, env);
        if (d.apiKey() != null) return new BedrockAuth(region, d.apiKey().reveal(), d.apiKey(), null, null, false, "api_key");
        String bearer = blankToNull(env.apply(BEARER_ENV));
        if (bearer != null && d.stringParam("aws_access_key_id") == null && d.stringParam("aws_profile_name") == null) {
            return new BedrockAuth(region, bearer, new Secret(bearer), null, null, false, BEARER_ENV);
        }
        String keyId = d.stringParam("aws_access_key_id");
        String secret = d.stringParam("aws_secret_access_key");
        if (keyId != null || secret != null) {
            if (keyId == null || secret == null) {
                throw new dev.switchboard.provider.ProviderRefusal.Setting("aws_access_key_id / aws_secret_access_key", true,
                        dev.switchboard.provider.ProviderRefusal.Setting.Fix.ALL_OR_NONE,
                        d.where() + ": model_list entry '" + d.alias() + "' (" + d.id() + ") sets only one of aws_access_key_id and aws_secret_access_key. Fix: set both, or neither to use"
                        + " the AWS credential chain.");
            }
            return staticKeys(region, keyId, secret, d.stringParam("aws_session_token"), "aws_secret_access_key");
        }
        String profile = first(d.stringParam("aws_profile_name"), env.apply("AWS_PROFILE"));
        if (profile != null) {
            ProfileCredentialsProvider.Builder b = ProfileCredentialsProvider.builder().profileName(profile);
            // read when the profile is first resolved, which happens on a worker, never at startup on the caller's thread
            if (env.apply("AWS_SHARED_CREDENTIALS_FILE") != null || env.apply("AWS_CONFIG_FILE") != null) {
                b.profileFile(() -> profileFiles(env));
            }
            return new BedrockAuth(region, null, null, null, b.build(), true, "profile " + profile);
        }
        String envKey = blankToNull(env.apply("AWS_ACCESS_KEY_ID"));
        String envSecret = blankToNull(env.apply("AWS_SECRET_ACCESS_KEY"));
        if (envKey != null && envSecret != null) {
            return staticKeys(region, envKey, envSecret, blankToNull(env.apply("AWS_SESSION_TOKEN")), "AWS_SECRET_ACCESS_KEY");
        }
        return new BedrockAuth(region, null, null, null, DefaultCredentialsProvider.builder().build(), true, "the AWS credential chain");
    }

    /**
     * The deployment's region, in LiteLLM's order: {@code aws_region_name}, the region a model ARN names (an inference
     * profile or a provisioned model lives in its region, whatever the machine's default), {@code AWS_REGION_NAME},
     * {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, us-west-2.
     */
    static String region(Deployment d, Function<String, String> env) {
        return first(d.stringParam("aws_region_name"), BedrockModels.arnRegion(BedrockModels.modelId(d.model())),
                env.apply("AWS_REGION_NAME"), env.apply("AWS_REGION"), env.apply("AWS_DEFAULT_REGION"), BedrockModels.DEFAULT_REGION);
    }

    /** The runtime endpoint calls go to: {@code api_base}, else {@code aws_bedrock_runtime_endpoint}, else the region's. */
    static String endpoint(Deployment d, String region) {
        if (d.apiBase() != null) return d.apiBase();
        String configured = d.stringParam("aws_bedrock_runtime_endpoint");
        return configured != null ? configured : "https://bedrock-runtime." + region + ".amazonaws.com";
    }

    String endpoint(Deployment d) { return endpoint(d, region); }

    private static BedrockAuth staticKeys(String region, String keyId, String secret, String token, String source) {
        AwsCredentialsProvider p = StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(keyId, secret)
                : AwsSessionCredentials.create(keyId, secret, token));
        return new BedrockAuth(region, null, new Secret(secret), token == null ? null : new Secret(token), p, false, source);
    }

    /** The shared files the environment names. */
    private static ProfileFile profileFiles(Function<String, String> env) {
        String credentials = blankToNull(env.apply("AWS_SHARED_CREDENTIALS_FILE"));
        String config = blankToNull(env.apply("AWS_CONFIG_FILE"));
        if (credentials == null && config == null) return null;
        ProfileFile.Aggregator all = ProfileFile.aggregator();
        if (credentials != null) all.addFile(ProfileFile.builder().content(Path.of(credentials)).type(ProfileFile.Type.CREDENTIALS).build());
        if (config != null) all.addFile(ProfileFile.builder().content(Path.of(config)).type(ProfileFile.Type.CONFIGURATION).build());
        return all.build();
    }

    /** @param minted where credentials resolved at run time (a profile's, the instance's) are registered as secrets */
    BedrockCredentials credentials(Vertx vertx, String deploymentId, ProviderSecrets minted) {
        return provider == null ? null
                : new BedrockCredentials(vertx, provider, blocking, deploymentId, System::currentTimeMillis, minted);
    }

    private static String first(String... values) {
        for (String v : values) if (v != null && !v.isBlank()) return v;
        return null;
    }

    private static String blankToNull(String s) { return s == null || s.isBlank() ? null : s; }
}
