package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.EntraSim;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Entra ID client credentials ({@code tenant_id}, {@code client_id}, {@code client_secret}) for {@code azure/}: the
 * real azure-identity (MSAL) fetches tokens over HTTPS from the simulator's token endpoint, found through
 * AZURE_AUTHORITY_HOST and trusted through SSL_CERT_FILE, and the simulated Azure accepts only tokens it issued.
 */
class AzureEntraIT {
    static final String TENANT = "7f0e1c2d-3b4a-4c5d-8e9f-0a1b2c3d4e5f";
    static final String CLIENT = "2a3b4c5d-6e7f-4081-9a2b-3c4d5e6f7a8b";
    static final String SECRET = "entra-client-secret-Qx9~value";
    static TestGateway gw;
    static EntraSim entra;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: az-entra
                    litellm_params:
                      model: azure/my-gpt4o
                      api_base: ${SIM_ROOT}
                      api_version: "2024-10-21"
                      tenant_id: %s
                      client_id: %s
                      client_secret: os.environ/AZURE_CLIENT_SECRET
                  - model_name: az-entra-short
                    litellm_params:
                      model: azure/my-gpt4o-mini
                      api_base: ${SIM_ROOT}
                      tenant_id: %s
                      client_id: %s
                      client_secret: os.environ/AZURE_CLIENT_SECRET
                  - model_name: az-entra-wrong
                    litellm_params:
                      model: azure/my-gpt4o
                      api_base: ${SIM_ROOT}
                      tenant_id: %s
                      client_id: %s
                      client_secret: not-the-secret-at-all
                      azure_authority_host: ${AZURE_AUTHORITY_HOST}
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """.formatted(TENANT, CLIENT, TENANT, CLIENT, TENANT, CLIENT), sim -> {
            entra = TestGateway.await(sim.azure().startEntra(TENANT, CLIENT, SECRET));
            return Map.of("AZURE_AUTHORITY_HOST", entra.authorityHost(), "SSL_CERT_FILE", entra.caFile(),
                    "AZURE_CLIENT_SECRET", SECRET);
        });
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { entra.expiresIn(3599); }

    private static HttpResponse<String> chat(String alias) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"" + alias + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello entra\"}]}");
    }

    private static List<String> bearersSeen() {
        return gw.simulator.received().stream().map(r -> r.headers().get("authorization")).collect(Collectors.toList());
    }

    @Test
    void aTokenIsFetchedOnceAndUsedForEveryCall() {
        gw.simulator.received().clear();
        for (int i = 0; i < 3; i++) assertThat(chat("az-entra").statusCode()).isEqualTo(200);
        List<String> mine = bearersSeen();
        assertThat(mine).hasSize(3).containsOnly(mine.get(0));
        assertThat(entra.issued()).contains(mine.get(0).substring("Bearer ".length()));
        assertThat(gw.simulator.last().headers().get("api-key")).isNull();
        assertThat(chat("az-entra").statusCode()).isEqualTo(200);
        assertThat(bearersSeen().get(3)).isEqualTo(mine.get(0)); // still no second fetch for this deployment
    }

    @Test
    void aTokenNearItsEndIsStillUsedWhileANewOneIsFetched() throws Exception {
        entra.expiresIn(200); // inside the five minutes before expiry from the start, but usable
        gw.simulator.received().clear();
        assertThat(chat("az-entra-short").statusCode()).isEqualTo(200); // waits for the first token: there is none yet
        String first = bearersSeen().get(0);
        int issued = entra.issued().size();
        assertThat(chat("az-entra-short").statusCode()).isEqualTo(200); // goes at once with the old token, refresh behind it
        assertThat(bearersSeen().get(1)).isEqualTo(first);
        for (int i = 0; i < 100 && entra.issued().size() == issued; i++) Thread.sleep(20);
        assertThat(entra.issued()).hasSizeGreaterThan(issued);
        String refreshed = "Bearer " + entra.issued().get(issued);
        for (int i = 0; i < 100 && bearersSeen().size() < 3; i++) {
            assertThat(chat("az-entra-short").statusCode()).isEqualTo(200);
            if (!bearersSeen().get(bearersSeen().size() - 1).equals(first)) break;
            gw.simulator.received().remove(gw.simulator.received().size() - 1);
            Thread.sleep(20);
        }
        assertThat(bearersSeen().get(bearersSeen().size() - 1)).isNotEqualTo(first).isEqualTo(refreshed);
    }

    @Test
    void aWrongSecretIsTheProvidersAuthenticationErrorWithoutTheSecret() {
        HttpResponse<String> r = chat("az-entra-wrong");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.body()).contains("Entra ID token").contains("AADSTS7000215").doesNotContain("not-the-secret-at-all");
    }
}
