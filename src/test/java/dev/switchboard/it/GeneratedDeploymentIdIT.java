package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Azure deployments of gpt-4o in two places (two api_base values, through the simulator) and no model_info.id: they
 * were one id everywhere ({@code x-litellm-model-id: azure/gpt-4o}, {@code model_id: ""} in the ledger). The first
 * keeps the id it had; the second gets one of its own, the same on every start, that the answer header, the ledger,
 * {@code /model/info} name and a request may ask for, as LiteLLM's per-entry ids allow.
 */
@ExtendWith(GatewayPerClass.class)
class GeneratedDeploymentIdIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt-east
                    litellm_params: { model: azure/gpt-4o, api_base: "${SIM_ROOT}", api_version: "2024-10-21", api_key: os.environ/PROVIDER_KEY }
                  - model_name: gpt-west
                    litellm_params: { model: azure/gpt-4o, api_base: "${SIM_ROOT}/", api_version: "2024-10-21", api_key: os.environ/PROVIDER_KEY }
                  - model_name: mini
                    litellm_params: { model: azure/gpt-4o-mini, api_base: "${SIM_ROOT}", api_version: "2024-10-21", api_key: os.environ/PROVIDER_KEY }
                """ + TestGateway.NO_RETRIES_MASTER_KEY);
    }

    private static HttpResponse<String> call(String model) {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello " + model + "\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    private static JsonObject ledgerRow(HttpResponse<String> r) {
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        JsonArray rows = new Admin(gw).getOk("/spend/logs?request_id=" + id).getJsonArray("data");
        assertThat(rows).hasSize(1);
        return rows.getJsonObject(0);
    }

    @Test
    void twoEntriesOfOneProviderModelAreTwoIds() {
        HttpResponse<String> east = call("gpt-east");
        HttpResponse<String> west = call("gpt-west");
        HttpResponse<String> mini = call("mini");
        String eastId = east.headers().firstValue("x-litellm-model-id").orElseThrow();
        String westId = west.headers().firstValue("x-litellm-model-id").orElseThrow();
        // the first entry and a single deployment keep the ids their stored rows name
        assertThat(eastId).isEqualTo("azure/gpt-4o");
        assertThat(mini.headers().firstValue("x-litellm-model-id")).hasValue("azure/gpt-4o-mini");
        assertThat(westId).matches("[0-9a-f]{16}");
        assertThat(ledgerRow(east).getString("model_id")).isEmpty();
        assertThat(ledgerRow(mini).getString("model_id")).isEmpty();
        assertThat(ledgerRow(west).getString("model_id")).isEqualTo(westId);
        assertThat(ledgerRow(west).getString("deployment")).isEqualTo("azure/gpt-4o");

        List<String> infoIds = new Admin(gw).getOk("/model/info").getJsonArray("data").stream()
                .map(o -> ((JsonObject) o).getJsonObject("model_info").getString("id")).toList();
        assertThat(infoIds).containsExactly("azure/gpt-4o", westId, "azure/gpt-4o-mini");

        // a deployment id may be asked for, as LiteLLM's may
        HttpResponse<String> byId = call(westId);
        assertThat(byId.headers().firstValue("x-litellm-model-id")).hasValue(westId);
    }
}
