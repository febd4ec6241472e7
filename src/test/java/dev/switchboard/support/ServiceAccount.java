package dev.switchboard.support;

import dev.switchboard.simulator.ProviderSimulator;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;

/**
 * A Google service account made for a test: a fresh RSA key pair and the JSON key file Google's console hands out
 * (type, project_id, private_key_id, private_key in PKCS#8 PEM, client_email, token_uri, …), with {@code token_uri}
 * pointing at the simulator's token endpoint. The simulator is told the public key, so it can verify the JWT
 * assertions google-auth-library signs with the private one.
 */
public record ServiceAccount(String email, String projectId, PublicKey publicKey, String json) {

    public static ServiceAccount create(String name, String projectId, String tokenUri) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair pair = g.generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            String email = name + "@" + projectId + ".iam.gserviceaccount.com";
            JsonObject json = new JsonObject().put("type", "service_account").put("project_id", projectId)
                    .put("private_key_id", Integer.toHexString(pair.hashCode())).put("private_key", pem)
                    .put("client_email", email).put("client_id", "100000000000000000001")
                    .put("auth_uri", "https://accounts.google.com/o/oauth2/auth").put("token_uri", tokenUri)
                    .put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs")
                    .put("universe_domain", "googleapis.com");
            return new ServiceAccount(email, projectId, pair.getPublic(), json.encodePrettily());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh account whose {@code token_uri} is {@code sim}'s token endpoint, trusted by {@code sim}. */
    public static ServiceAccount trusted(ProviderSimulator sim, String name, String projectId) {
        ServiceAccount sa = create(name, projectId, sim.tokenUri());
        sim.trustServiceAccount(sa.email(), sa.publicKey());
        return sa;
    }

    /**
     * The set-up most Vertex ITs share: the account {@code switchboard@sa-project} trusted by {@code sim}, its key file
     * written as {@code dir/sa.json}; returns the file's path (what {@code vertex_credentials} names).
     */
    public static Path trustedFile(ProviderSimulator sim, Path dir) {
        return trusted(sim, "switchboard", "sa-project").write(dir, "sa.json");
    }

    /** The same account's JSON, signed by a key Google never heard of (a deleted or rotated key). */
    public ServiceAccount withForeignKey() {
        ServiceAccount other = create(email.substring(0, email.indexOf('@')), projectId, new JsonObject(json).getString("token_uri"));
        return new ServiceAccount(email, projectId, publicKey, other.json);
    }

    /** Writes the JSON key file into {@code dir}; returns its path. */
    public Path write(Path dir, String fileName) {
        try {
            Path f = dir.resolve(fileName);
            Files.writeString(f, json);
            return f;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
