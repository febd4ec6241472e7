package dev.switchboard.provider.bedrock;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SigV4 for one Bedrock runtime call, by the AWS SDK's own signer (service {@code bedrock}). Only the headers that
 * must not change in transit are signed (content type, accept, host, and the signer's own date and token); our
 * user agent and a deployment's extra headers are added after signing, as the SDK leaves its user agent unsigned too.
 * Pure computation (a few HMACs), so it runs on the event loop.
 */
final class BedrockSigner {
    static final String SERVICE = "bedrock";
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    /** What the signer adds that must go out with the request. */
    private static final List<String> SIGNER_HEADERS = List.of("Authorization", "X-Amz-Date", "X-Amz-Security-Token",
            "x-amz-content-sha256");

    private BedrockSigner() {}

    /**
     * Adds the signature headers to {@code headers}.
     *
     * @param encodedPath the path exactly as it goes on the wire (its model id already percent-encoded)
     */
    static void sign(MultiMap headers, AwsCredentialsIdentity credentials, String region, boolean ssl, String host, int port,
                     String encodedPath, Map<String, String> signedHeaders, byte[] body) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol(ssl ? "https" : "http")
                .host(host)
                .port(port)
                .encodedPath(encodedPath);
        signedHeaders.forEach(request::putHeader);
        SignedRequest signed = SIGNER.sign(r -> r.identity(credentials)
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        for (String name : SIGNER_HEADERS) {
            signed.request().firstMatchingHeader(name).ifPresent(v -> headers.set(name, v));
        }
    }
}
