package dev.switchboard.provider.bedrock;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.Secret;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderContext;
import dev.switchboard.provider.ProviderFactory;
import dev.switchboard.provider.SignIn;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code bedrock/<model id>} (also {@code bedrock/converse/…} and {@code bedrock/invoke/…}): AWS Bedrock's runtime
 * API in the deployment's region, signed with SigV4 from the credentials {@link BedrockAuth} finds.
 */
public final class BedrockProviderFactory implements ProviderFactory {
    @Override
    public Set<String> prefixes() { return Set.of("bedrock"); }

    /**
     * The secret the deployment's requests are made with (the secret access key, or a Bedrock API key), so the
     * gateway scrubs it from whatever comes back and from logs like every provider key; null when the credentials
     * come from a profile or the instance, which the gateway never sees before a request.
     */
    @Override
    public Secret key(Deployment d, Function<String, String> env) {
        try {
            return BedrockAuth.of(d, env).secretKey();
        } catch (IllegalArgumentException e) {
            return null; // reported by create()
        }
    }

    /**
     * The key, and the session token of temporary credentials (aws_session_token or AWS_SESSION_TOKEN): half of the
     * credential the requests are signed with, and sent in clear as X-Amz-Security-Token, so an upstream can echo it.
     */
    @Override
    public java.util.List<Secret> secrets(Deployment d, Function<String, String> env) {
        try {
            BedrockAuth auth = BedrockAuth.of(d, env);
            java.util.List<Secret> out = new java.util.ArrayList<>(2);
            if (auth.secretKey() != null) out.add(auth.secretKey());
            if (auth.sessionToken() != null) out.add(auth.sessionToken());
            return out;
        } catch (IllegalArgumentException e) {
            return java.util.List.of(); // reported by create()
        }
    }

    /**
     * How the requests sign in, as check shows it: SigV4 with which access key (masked) or profile, or the AWS credential
     * chain; a Bedrock API key from AWS_BEARER_TOKEN_BEDROCK. The secret access key signs and is never sent: it is not
     * shown as the deployment's "api_key".
     */
    @Override
    public SignIn signIn(Deployment d, Function<String, String> env) {
        BedrockAuth auth;
        try {
            auth = BedrockAuth.of(d, env);
        } catch (IllegalArgumentException e) {
            return null; // reported by create()
        }
        String session = auth.sessionToken() == null ? "" : ", session token " + auth.sessionToken().masked();
        return switch (auth.source()) {
            case "api_key" -> null;
            case BedrockAuth.BEARER_ENV -> SignIn.of("Bedrock API key " + auth.secretKey().masked() + " (bearer)",
                    "environment " + BedrockAuth.BEARER_ENV);
            case "aws_secret_access_key" -> SignIn.of("SigV4: AWS access key " + new Secret(d.stringParam("aws_access_key_id")).masked()
                            + ", secret " + auth.secretKey().masked() + session,
                    "aws_access_key_id, aws_secret_access_key" + SignIn.lines(d, "aws_access_key_id", "aws_secret_access_key"));
            case "AWS_SECRET_ACCESS_KEY" -> SignIn.of("SigV4: AWS access key " + new Secret(env.apply("AWS_ACCESS_KEY_ID")).masked()
                            + ", secret " + auth.secretKey().masked() + session,
                    "environment AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY");
            default -> auth.source().startsWith("profile ")
                    ? SignIn.of("SigV4: AWS " + auth.source(), d.stringParam("aws_profile_name") != null
                            ? "aws_profile_name" + SignIn.lines(d, "aws_profile_name") : "environment AWS_PROFILE")
                    : SignIn.of("SigV4: the AWS credential chain", "web identity, default profile, SSO, container or instance "
                            + "role, resolved at the first request");
        };
    }

    /** The region's runtime endpoint (or aws_bedrock_runtime_endpoint), so serve and check show where calls go. */
    @Override
    public String defaultBaseUrl(Deployment d) { return BedrockAuth.endpoint(d, BedrockAuth.region(d, System::getenv)); }

    @Override
    public Provider create(Deployment d, ProviderContext ctx) {
        refuseRoles(d);
        return new BedrockProvider(d, BedrockAuth.of(d, ctx.env()), ctx.http(), ctx.vertx());
    }

    /** The model id checks of {@link BedrockProvider}'s constructor, without its credentials. */
    @Override
    public void check(Deployment d, java.util.function.Function<String, String> env) {
        refuseRoles(d);
        String modelId = BedrockModels.modelId(d.model());
        dev.switchboard.provider.ModelIds.require(d, modelId, dev.switchboard.provider.ModelIds.BEDROCK);
        dev.switchboard.provider.ModelIds.require(d, BedrockModels.pathId(d, modelId), dev.switchboard.provider.ModelIds.BEDROCK);
    }

    private static void refuseRoles(Deployment d) {
        for (String unsupported : new String[] {"aws_role_name", "aws_web_identity_token", "aws_sts_endpoint"}) {
            if (d.params().containsKey(unsupported)) {
                throw new dev.switchboard.provider.ProviderRefusal.Setting(unsupported, false,
                        dev.switchboard.provider.ProviderRefusal.Setting.Fix.REMOVE, d.where()
                        + ": model_list entry '" + d.alias() + "' (" + d.id() + ") sets " + unsupported + ": assuming an IAM role through STS is not supported by Switchboard."
                        + " Fix: give the role's temporary credentials as aws_access_key_id, aws_secret_access_key and"
                        + " aws_session_token, in a profile (aws_profile_name) or in the AWS environment variables.");
            }
        }
    }
}
