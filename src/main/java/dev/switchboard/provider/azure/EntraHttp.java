package dev.switchboard.provider.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTP client azure-identity fetches tokens with: the JDK's (tokens are fetched rarely and on a worker, and
 * azure-identity's default, Netty-based client would bring a second Netty beside Vert.x's). Entra is HTTPS only;
 * the JVM's trusted CAs are used, plus those in {@code SSL_CERT_FILE} when it is set (a PEM bundle, the variable
 * Python's httpx, and so LiteLLM, read): a company proxy's or a private authority's CA.
 */
final class EntraHttp {
    private EntraHttp() {}

    static HttpClient client(Function<String, String> env) {
        java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder();
        String caFile = env.apply("SSL_CERT_FILE");
        if (caFile != null && !caFile.isBlank()) jdk.sslContext(withExtraCas(Path.of(caFile)));
        return new JdkHttpClientBuilder(jdk).build();
    }

    private static SSLContext withExtraCas(Path pem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int n = 0;
            for (javax.net.ssl.TrustManager tm : defaults.getTrustManagers()) {
                if (tm instanceof javax.net.ssl.X509TrustManager x) {
                    for (java.security.cert.X509Certificate c : x.getAcceptedIssuers()) store.setCertificateEntry("jvm-" + n++, c);
                }
            }
            try (InputStream in = Files.newInputStream(pem)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("extra-" + n++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalArgumentException("SSL_CERT_FILE " + pem + " could not be read as PEM certificates: " + e.getMessage()
                    + ". Fix: point it at a PEM bundle, or unset it.", e);
        }
    }
}
