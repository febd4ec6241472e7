package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.account.PriceCatalog;
import dev.switchboard.account.SpendLedger;
import dev.switchboard.account.SpendRecord;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Usage;
import dev.switchboard.route.Target;
import dev.switchboard.store.Database;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A failed attempt the provider billed is priced by the deployment that failed, passed along the attempt's path: a
 * wildcard's name the router let go while the attempt was in flight has no price held by its id any more.
 */
class LedgerAttemptsTest {

    @Test
    void aBilledFailureOfANameLetGoInFlightIsPricedByItsDeployment() throws Exception {
        DeploymentPrices prices = new DeploymentPrices(PriceCatalog.bundled(), List.of());
        Target t = PricedTargets.made("openai/gpt-4o", "openai", "gpt-4o");
        Deployment made = t.deployment();
        prices.add(t); // its group made for the request
        Usage billed = new Usage(1_000, 500, 0, 0, 0);
        long expected = prices.cost(made, billed).nanos();
        assertThat(expected).isPositive();
        prices.gone(t); // the router let the name go while the attempt was in flight
        assertThat(prices.cost("openai/gpt-4o", billed).priced()).as("nothing holds the id now").isFalse();

        try (Database db = Database.open(null, Files.createTempDirectory("ledger-attempts-").resolve("l.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 100);
            List<SpendRecord> rows = new CopyOnWriteArrayList<>();
            ledger.onWritten(rows::addAll);
            LedgerAttempts attempts = new LedgerAttempts(ledger, prices);
            CallContext ctx = new CallContext("req_billed", Caller.ANONYMOUS, System.nanoTime(), Map.of());
            GatewayException error = GatewayException.of(ErrorKind.UPSTREAM, "the generation failed").billed(billed);
            attempts.failed(ctx, 1, "openai/gpt-4o", "openai/gpt-4o", made, "", "primary", error, 1_000_000);
            assertThat(ledger.flush()).isTrue();
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).costNanos()).as("priced by the deployment that failed, not $0 by its id").isEqualTo(expected);
            assertThat(rows.get(0).priced()).isTrue();
            ledger.close();
        }
    }
}
