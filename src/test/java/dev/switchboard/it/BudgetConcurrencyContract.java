package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The hard cap under concurrency, the way LiteLLM's budgets are overshot (its issues #34732 and #40095): a key with a
 * $0.01 budget and 50 requests at once, each of which could cost a large part of the budget. The ledger never holds
 * more than $0.01 for the key, and every refused request carries the budget error. Run once per database.
 */
abstract class BudgetConcurrencyContract {

    /** The {@code general_settings} lines that choose the database. */
    abstract String databaseSettings();

    @Test
    void fiftyConcurrentRequestsNeverSpendPastA1CentBudget() throws Exception {
        // $10 / $40 per million tokens; a ~150-token prompt and max_tokens 60: a worst case of ~$0.004, so two fit at once
        String yaml = TestGateway.simModels("pricey=gpt-4o") + """
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00004 }
                router_settings: { num_retries: 0 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """ + databaseSettings();
        try (TestGateway gw = TestGateway.start(yaml)) {
            // slow enough upstream that all 50 are in flight together
            gw.simulator.behaveAlways("gpt-4o", SimBehaviour.slowFirstByte(300));
            Admin admin = new Admin(gw);
            JsonObject k = admin.generate(new JsonObject().put("key_alias", "runaway-agent").put("max_budget", 0.01));
            String key = k.getString("key");
            String prompt = "Summarise the following notes about the quarterly planning meeting and list the decisions. ".repeat(8);
            String body = "{\"model\":\"pricey\",\"max_tokens\":60,\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";

            int n = 50;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    return Http.post(gw.v1() + "/chat/completions", key, body);
                }));
            }
            go.countDown();
            int served = 0;
            int refused = 0;
            String firstRefusal = null;
            BigDecimal charged = BigDecimal.ZERO;
            for (Future<HttpResponse<String>> f : calls) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 200) {
                    served++;
                    charged = charged.add(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
                } else {
                    refused++;
                    assertThat(r.statusCode()).isEqualTo(400);
                    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
                    assertThat(error.getString("type")).isEqualTo("budget_exceeded");
                    assertThat(error.getString("message")).startsWith("Budget has been exceeded!").contains("Max budget: 0.01");
                    if (firstRefusal == null) firstRefusal = error.getString("message");
                }
            }
            pool.shutdown();
            System.out.printf("%s: %d served, %d refused, $%s charged of $0.01; a refusal: %s%n", getClass().getSimpleName(),
                    served, refused, charged.toPlainString(), firstRefusal);
            assertThat(served).isPositive();
            assertThat(refused).as("50 requests cannot all fit").isPositive();
            assertThat(served + refused).isEqualTo(n);

            BigDecimal ledger = BigDecimal.ZERO;
            int rows = 0;
            for (Object o : admin.getOk("/spend/logs?page_size=1000&key=" + k.getString("key_id")).getJsonArray("data")) {
                ledger = ledger.add(new BigDecimal(((JsonObject) o).getValue("spend").toString()));
                rows++;
            }
            assertThat(rows).isEqualTo(served);
            assertThat(ledger).isEqualByComparingTo(charged).isLessThanOrEqualTo(new BigDecimal("0.01"));
            assertThat(new BigDecimal(admin.info(key).getValue("spend").toString())).isEqualByComparingTo(ledger);
            assertThat(new BigDecimal(admin.info(key).getValue("reserved_spend").toString())).isZero();
            // a request that fits in what is left still goes through; one that could overrun it does not
            HttpResponse<String> after = Http.post(gw.v1() + "/chat/completions", key, body);
            if (after.statusCode() == 200) {
                ledger = ledger.add(new BigDecimal(after.headers().firstValue("x-switchboard-cost").orElseThrow()));
            }
            assertThat(ledger).isLessThanOrEqualTo(new BigDecimal("0.01"));
        }
    }
}
