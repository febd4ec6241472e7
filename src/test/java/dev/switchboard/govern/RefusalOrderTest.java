package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.model.Caller;
import dev.switchboard.model.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's order of refusals while {@code global_max_parallel_requests} is full: its auth (a key's models and budget)
 * refuses first, its pre-call hook's global place comes next, then the key's own limits. Before, the global place was
 * taken first, so a key over its budget or asking a model it may not use got the global 429. No refusal keeps a place,
 * a reservation or a permit: after hundreds of them the limit still admits its full count.
 */
class RefusalOrderTest {
    private static final WorstCase HUNDRED = new WorstCase() {
        @Override public long boundNanos() { return 100; }
        @Override public long exactNanos() { return 100; }
    };
    private static final int GLOBAL = 2;

    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);
    private final KeyRegistry keys = new KeyRegistry();
    private final Governor governor = new Governor(keys, new LocalRateLimiter(), null, millis::get, null, GLOBAL);

    private void key(String id, List<String> models, Double maxBudget, Long rpm) {
        keys.put(new VirtualKey(id, "tok-" + id, "sk-sb-..." + id, null, models, maxBudget, null, null, 0, null, null, rpm, null,
                null, null, null, List.of(), false, 0, 0, null, null, null, null), 0, millis.get());
    }

    private Admission admit(String id) {
        Caller caller = id == null ? Caller.MASTER : Caller.virtualKey(id, null, List.of(), null, null, java.util.Map.of());
        return governor.admit(caller, null, List.of("m"), HUNDRED, () -> 0);
    }

    private GatewayException refused(String id) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> admit(id));
        assertThat(e).as("refused: " + id).isNotNull();
        return e;
    }

    /** Calls admitted until the global limit refuses, all settled after: how many it took. */
    private int admittedUntilFull() {
        List<Admission> held = new ArrayList<>();
        try {
            while (true) {
                try {
                    held.add(admit(null));
                } catch (GatewayException e) {
                    assertThat(e.code()).isEqualTo("max_parallel_requests");
                    return held.size();
                }
                if (held.size() > GLOBAL + 5) return held.size();
            }
        } finally {
            for (Admission a : held) a.settle(0, 0);
        }
    }

    @Test
    void whileTheGatewayIsFullABudgetOrAModelRefusalComesBeforeTheGlobal429() {
        key("key_broke", List.of(), 0.0, null);
        key("key_narrow", List.of("other"), null, null);
        Admission a = admit(null), b = admit(null);
        assertThat(governor.globalInFlight()).isEqualTo(GLOBAL);
        GatewayException budget = refused("key_broke");
        assertThat(budget.status()).as(budget.getMessage()).isEqualTo(400);
        assertThat(budget.code()).isEqualTo("budget_exceeded");
        assertThat(budget.headers()).as("LiteLLM's auth refusals carry no key headers").doesNotContainKey(Admission.KEY_SPEND_HEADER);
        GatewayException model = refused("key_narrow");
        assertThat(model.status()).as(model.getMessage()).isEqualTo(403);
        assertThat(model.headers()).doesNotContainKey(Admission.KEY_SPEND_HEADER);
        a.settle(0, 0);
        b.settle(0, 0);
    }

    @Test
    void noRefusalKeepsAPlaceAReservationOrAPermit() {
        key("key_broke", List.of(), 0.0, null);
        key("key_narrow", List.of("other"), null, null);
        key("key_capped", List.of(), 1e-6, 3L); // 1,000 nano-dollars: ten reservations of 100; 3 requests a minute
        key("key_limited", List.of(), null, 1L);
        admit("key_limited").settle(0, 0); // its one request this minute
        for (int i = 0; i < 300; i++) {
            assertThat(refused("key_broke").status()).isEqualTo(400);
            assertThat(refused("key_narrow").status()).isEqualTo(403);
            assertThat(refused("key_limited").status()).as("its own rpm, with the gateway not full").isEqualTo(429);
        }
        assertThat(governor.globalInFlight()).as("places kept by refusals").isZero();
        // the gateway full: the capped key's reservation is taken and given back, its rpm never reached
        Admission a = admit(null), b = admit(null);
        for (int i = 0; i < 300; i++) {
            GatewayException full = refused("key_capped");
            assertThat(full.code()).isEqualTo("max_parallel_requests");
            assertThat(full.headers()).as("the pre-call hook's 429 carries the key headers").containsKey(Admission.KEY_SPEND_HEADER);
        }
        Budget capped = keys.byId("key_capped").budget;
        assertThat(capped.snapshot(millis.get()).reservedNanos()).as("reservations kept by global refusals").isZero();
        a.settle(0, 0);
        b.settle(0, 0);
        assertThat(governor.globalInFlight()).isZero();
        assertThat(admittedUntilFull()).as("the global limit admits its full count").isEqualTo(GLOBAL);
        for (int i = 0; i < 3; i++) { // its three requests of the minute are all there
            Admission c = admit("key_capped");
            assertThat(capped.snapshot(millis.get()).reservedNanos()).isEqualTo(100);
            c.settle(0, 0);
        }
        assertThat(refused("key_capped").status()).as("its fourth request this minute").isEqualTo(429);
        assertThat(capped.snapshot(millis.get()).reservedNanos()).isZero();
        assertThat(admittedUntilFull()).isEqualTo(GLOBAL);
    }
}
