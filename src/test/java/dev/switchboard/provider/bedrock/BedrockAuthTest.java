package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Region and credential sources as LiteLLM reads them, and credentials resolved on a worker, then from the cache. */
class BedrockAuthTest {
    private static Deployment deployment(Map<String, Object> params, String apiKey) {
        return deployment("anthropic.claude-3-haiku-20240307-v1:0", params, apiKey);
    }

    private static Deployment deployment(String model, Map<String, Object> params, String apiKey) {
        return new Deployment("a", "bedrock", model, null,
                apiKey == null ? null : new dev.switchboard.config.Secret(apiKey), null, null, null, Map.of(), params, Map.of(), 3);
    }

    /**
     * The session token of temporary credentials is half of the credential and travels in clear
     * (X-Amz-Security-Token): a secret of the deployment, from the config or the environment, as the secret key is.
     */
    @Test
    void theSessionTokenIsASecretOfTheDeployment() {
        BedrockProviderFactory f = new BedrockProviderFactory();
        assertThat(f.secrets(deployment(Map.of("aws_access_key_id", "AKIA1", "aws_secret_access_key", "configSecretKey01",
                "aws_session_token", "IQoJb3JpZ2luX2VjConfigToken"), null), n -> null))
                .extracting(dev.switchboard.config.Secret::reveal).containsExactly("configSecretKey01", "IQoJb3JpZ2luX2VjConfigToken");
        assertThat(f.secrets(deployment(Map.of(), null), Map.of("AWS_ACCESS_KEY_ID", "AKIA2", "AWS_SECRET_ACCESS_KEY", "envSecretKey01",
                "AWS_SESSION_TOKEN", "FwoGZXIvYXdzEnvToken")::get))
                .extracting(dev.switchboard.config.Secret::reveal).containsExactly("envSecretKey01", "FwoGZXIvYXdzEnvToken");
    }

    @Test
    void regionAndStaticKeys() {
        BedrockAuth a = BedrockAuth.of(deployment(Map.of("aws_access_key_id", "AKIA1", "aws_secret_access_key", "s3cret",
                "aws_session_token", "tok", "aws_region_name", "eu-central-1"), null), n -> null);
        assertThat(a.region()).isEqualTo("eu-central-1");
        assertThat(a.secretKey().reveal()).isEqualTo("s3cret");
        assertThat(a.provider().resolveCredentials()).isInstanceOf(AwsSessionCredentials.class);
        BedrockAuth env = BedrockAuth.of(deployment(Map.of(), null), Map.of("AWS_REGION", "ap-south-1", "AWS_ACCESS_KEY_ID", "AKIA2",
                "AWS_SECRET_ACCESS_KEY", "envsecret")::get);
        assertThat(env.region()).isEqualTo("ap-south-1");
        assertThat(env.provider().resolveCredentials().accessKeyId()).isEqualTo("AKIA2");
        assertThat(BedrockAuth.of(deployment(Map.of(), null), n -> null).region()).isEqualTo("us-west-2");
        assertThat(BedrockAuth.of(deployment(Map.of(), "ABSK-key"), n -> null).bearerToken()).isEqualTo("ABSK-key");
        assertThatThrownBy(() -> BedrockAuth.of(deployment(Map.of("aws_access_key_id", "AKIA1"), null), n -> null))
                .hasMessageContaining("line 3").hasMessageContaining("aws_secret_access_key");
    }

    /** LiteLLM's order: aws_region_name, then the region a model ARN names, then the environment, then us-west-2. */
    @Test
    void regionOfAModelArn() {
        String arn = "converse/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc";
        Map<String, Object> keys = Map.of("aws_access_key_id", "AKIA1", "aws_secret_access_key", "s3cret");
        java.util.function.Function<String, String> env = Map.of("AWS_REGION", "ap-south-1")::get;
        assertThat(BedrockAuth.of(deployment(arn, keys, null), env).region()).isEqualTo("us-east-1");
        // the endpoint calls go to, and the one serve and check show, are that region's
        assertThat(BedrockAuth.of(deployment(arn, keys, null), env).endpoint(deployment(arn, keys, null)))
                .isEqualTo("https://bedrock-runtime.us-east-1.amazonaws.com");
        assertThat(new BedrockProviderFactory().baseUrl(deployment(arn, keys, null))).isEqualTo("https://bedrock-runtime.us-east-1.amazonaws.com");
        Map<String, Object> named = new HashMap<>(keys);
        named.put("aws_region_name", "eu-west-1");
        assertThat(BedrockAuth.of(deployment(arn, named, null), env).region()).isEqualTo("eu-west-1");
        assertThat(BedrockAuth.of(deployment(keys, null), env).region()).isEqualTo("ap-south-1");
    }

    @Test
    void namedProfileFromTheSharedCredentialsFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("credentials");
        Files.writeString(file, "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n\n"
                + "[team]\naws_access_key_id = AKIATEAM\naws_secret_access_key = teamsecret\n");
        BedrockAuth a = BedrockAuth.of(deployment(Map.of("aws_profile_name", "team"), null),
                Map.of("AWS_SHARED_CREDENTIALS_FILE", file.toString())::get);
        assertThat(a.blocking()).isTrue();
        assertThat(a.secretKey()).isNull(); // never seen before a request: nothing to scrub yet
        AwsCredentials c = a.provider().resolveCredentials();
        assertThat(c.accessKeyId()).isEqualTo("AKIATEAM");
        assertThat(c.secretAccessKey()).isEqualTo("teamsecret");
    }

    @Test
    void resolvedOnAWorkerOnceThenFromTheCache() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            AtomicInteger calls = new AtomicInteger();
            AtomicReference<String> thread = new AtomicReference<>();
            AwsCredentialsProvider slow = () -> {
                calls.incrementAndGet();
                thread.set(Thread.currentThread().getName());
                return software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create("AKIASLOW", "slowChainSecretKey0123", "FwoGZXIvYXdzChainSessionToken77");
            };
            dev.switchboard.provider.ProviderSecrets minted = dev.switchboard.provider.ProviderSecrets.fixed(dev.switchboard.provider.KeyScrubber.NONE);
            BedrockCredentials creds = new BedrockCredentials(vertx, slow, true, "bedrock/x", System::currentTimeMillis, minted);
            Context loop = vertx.getOrCreateContext();
            java.util.concurrent.CompletableFuture<AwsCredentialsIdentity> first = new java.util.concurrent.CompletableFuture<>();
            loop.runOnContext(v -> creds.current().onComplete(ar -> first.complete(ar.result())));
            assertThat(first.get(5, TimeUnit.SECONDS).accessKeyId()).isEqualTo("AKIASLOW");
            assertThat(thread.get()).contains("worker").doesNotContain("eventloop");
            java.util.concurrent.CompletableFuture<Boolean> second = new java.util.concurrent.CompletableFuture<>();
            loop.runOnContext(v -> second.complete(creds.current().isComplete())); // answered at once, from the cache
            assertThat(second.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(calls.get()).isEqualTo(1);
            // the chain's secret key and session token are known only now: provider secrets from here on
            assertThat(minted.shortLived()).containsExactlyInAnyOrder("slowChainSecretKey0123", "FwoGZXIvYXdzChainSessionToken77");

            BedrockCredentials none = new BedrockCredentials(vertx, () -> { throw new IllegalStateException("Unable to load credentials from any of the providers in the chain"); },
                    true, "bedrock/x", System::currentTimeMillis, minted);
            java.util.concurrent.CompletableFuture<Throwable> failure = new java.util.concurrent.CompletableFuture<>();
            none.current().onComplete(ar -> failure.complete(ar.cause()));
            assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(GatewayException.class)
                    .hasMessageContaining("No AWS credentials for bedrock/x").hasMessageContaining("Unable to load credentials");
            assertThat(((GatewayException) failure.get()).status()).isEqualTo(401);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void modelIdsAndFamilies() {
        assertThat(BedrockModels.modelId("converse/us.anthropic.claude-3-5-sonnet-20241022-v2:0")).isEqualTo("us.anthropic.claude-3-5-sonnet-20241022-v2:0");
        assertThat(BedrockModels.modelId("invoke/anthropic.claude-3-haiku-20240307-v1:0")).isEqualTo("anthropic.claude-3-haiku-20240307-v1:0");
        assertThat(BedrockModels.family("us.anthropic.claude-3-5-sonnet-20241022-v2:0")).isEqualTo("anthropic");
        assertThat(BedrockModels.family("global.anthropic.claude-sonnet-4-5-20250929-v1:0")).isEqualTo("anthropic");
        assertThat(BedrockModels.family("meta.llama3-1-70b-instruct-v1:0")).isEqualTo("meta");
        assertThat(BedrockModels.family("us.meta.llama3-2-90b-instruct-v1:0")).isEqualTo("meta");
        assertThat(BedrockModels.family("amazon.nova-pro-v1:0")).isEqualTo("amazon");
        assertThat(BedrockModels.family("mistral.mistral-large-2407-v1:0")).isEqualTo("mistral");
        assertThat(BedrockModels.cachesPrompts("us.amazon.nova-pro-v1:0")).isTrue();
        assertThat(BedrockModels.cachesPrompts("meta.llama3-1-70b-instruct-v1:0")).isFalse();
        assertThat(BedrockModels.claudeName("us.anthropic.claude-3-7-sonnet-20250219-v1:0")).isEqualTo("claude-3-7-sonnet-20250219-v1:0");
        // an ARN's resource is the model (its Claude name picks the output limit under a thinking budget)
        assertThat(BedrockModels.claudeName("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0"))
                .isEqualTo("claude-sonnet-4-20250514-v1:0");
        assertThat(BedrockModels.claudeName("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0"))
                .isEqualTo("claude-3-7-sonnet-20250219-v1:0");
        assertThat(dev.switchboard.provider.ClaudeOutputLimits.defaultMaxTokens(BedrockModels.claudeName(
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0"))).isGreaterThan(4096);
    }

    /**
     * An ARN that names no model (an application inference profile) takes its family from model_info.base_model, the
     * rule Deployment.servesClaude reads; an ARN or id that names its model, or no base_model, keeps its own id.
     */
    @Test
    void anApplicationProfilesFamilyIsItsBaseModels() {
        String profile = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
        java.util.function.BiFunction<String, Object, String> id = (model, base) -> {
            java.util.Map<String, Object> info = new java.util.HashMap<>();
            if (base != null) info.put("base_model", base);
            return BedrockModels.foundationId(new dev.switchboard.config.Deployment("a", "bedrock", model, null, null, null, null,
                    null, java.util.Map.of(), java.util.Map.of(), info, 1), model);
        };
        assertThat(id.apply(profile, "anthropic.claude-3-7-sonnet-20250219-v1:0")).isEqualTo("anthropic.claude-3-7-sonnet-20250219-v1:0");
        assertThat(id.apply(profile, "bedrock/converse/anthropic.claude-3-7-sonnet-20250219-v1:0")).isEqualTo("anthropic.claude-3-7-sonnet-20250219-v1:0");
        assertThat(id.apply(profile, "anthropic/claude-sonnet-4-5")).isEqualTo("anthropic.claude-sonnet-4-5");
        assertThat(BedrockModels.cachesPrompts(id.apply(profile, "us.amazon.nova-pro-v1:0"))).isTrue();
        assertThat(id.apply(profile, null)).isEqualTo(profile);
        String named = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0";
        assertThat(id.apply(named, "meta.llama3-1-70b-instruct-v1:0")).isEqualTo(named);
        assertThat(id.apply("meta.llama3-1-70b-instruct-v1:0", "anthropic.claude-3-7-sonnet-20250219-v1:0")).isEqualTo("meta.llama3-1-70b-instruct-v1:0");
    }

    @Test
    void errorsMapped() {
        io.vertx.core.buffer.Buffer msg = io.vertx.core.buffer.Buffer.buffer("{\"message\":\"Input is too long for requested model.\"}");
        GatewayException ctx = BedrockErrorDecoder.decode(400, "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/", msg, null, "d", null);
        assertThat(ctx.status()).isEqualTo(400);
        assertThat(ctx.code()).isEqualTo("context_length_exceeded");
        assertThat(BedrockErrorDecoder.decode(429, "ThrottlingException", io.vertx.core.buffer.Buffer.buffer("{\"message\":\"slow down\"}"), 2L, "d", null).status()).isEqualTo(429);
        assertThat(BedrockErrorDecoder.decode(429, "ModelNotReadyException", io.vertx.core.buffer.Buffer.buffer("{\"message\":\"x\"}"), null, "d", null).status()).isEqualTo(503);
        assertThat(BedrockErrorDecoder.midStream("throttlingException", "{\"message\":\"x\"}".getBytes(), "d", null).status()).isEqualTo(429);
        assertThat(BedrockErrorDecoder.midStream("validationException", "{\"message\":\"prompt is too long: 300000 tokens > 200000 maximum\"}".getBytes(), "d", null).code())
                .isEqualTo("context_length_exceeded");
    }
}
