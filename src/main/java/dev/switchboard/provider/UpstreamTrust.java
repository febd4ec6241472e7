package dev.switchboard.provider;

import io.vertx.core.net.TrustOptions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The CAs upstream HTTPS is checked against: the JDK's own, plus the certificates of {@code upstream_ca_file} (a
 * company proxy's CA, a self-signed local server). Vert.x's PEM trust option would replace the JDK's CAs, and a
 * gateway that trusts its local server must still reach api.openai.com.
 */
final class UpstreamTrust {
    private UpstreamTrust() {}

    /** Trust for a PEM file besides the JDK's CAs; null file → null (Vert.x's default, the JDK's CAs). */
    static TrustOptions withExtraCas(String pemFile) {
        if (pemFile == null) return null;
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (X509Certificate c : jdkDefaults().getAcceptedIssuers()) store.setCertificateEntry("jdk-" + n++, c);
            try (InputStream in = Files.newInputStream(Path.of(pemFile))) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("extra-" + n++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return TrustOptions.wrap(tmf);
        } catch (Exception e) {
            throw new IllegalArgumentException("general_settings.upstream_ca_file '" + pemFile + "' holds no usable PEM"
                    + " certificate (" + e.getMessage() + "). Fix: give a file of -----BEGIN CERTIFICATE----- blocks.", e);
        }
    }

    private static X509TrustManager jdkDefaults() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) if (tm instanceof X509TrustManager x) return x;
        throw new IllegalStateException("the JDK has no X.509 trust manager");
    }
}
