package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store look-ups for unknown keys shared between client addresses ({@link LookUpShares}, as {@link KeyAdmin} makes
 * it): floods of invented keys from several addresses leave a new client's look-up its miss and its place (before, three
 * addresses spent the gateway's 32 misses, and two held its 8 places).
 */
class LookUpSharesTest {
    private static LookUpShares gateways() {
        return new LookUpShares(KeyAdmin.MISSES_PER_SYNC, KeyAdmin.MAX_LOOKUPS, KeyAdmin.MAX_LOOKUPS_PER_CLIENT, KeyAdmin.KEPT_LOOKUPS);
    }

    /** Look-ups from {@code client}, each answered "no such key" at once, until one is refused: how many went through. */
    private static int flood(LookUpShares s, String client) {
        int n = 0;
        for (LookUpShares.Taken t; (t = s.enter(client)) != null; n++) s.end(t, true);
        return n;
    }

    @Test
    void floodsFromThreeOrMoreAddressesLeaveANewClientItsLookUp() {
        for (int addresses = 3; addresses <= 12; addresses++) {
            LookUpShares s = gateways();
            int spent = 0;
            for (int round = 0; round < 3; round++) { // and again: a flooder refused once stays refused
                for (int a = 0; a < addresses; a++) spent += flood(s, "10.0.0." + a);
            }
            assertThat(spent).as("misses %d flooding addresses spent", addresses).isLessThan(KeyAdmin.MISSES_PER_SYNC);
            LookUpShares.Taken fresh = s.enter("192.0.2.7");
            assertThat(fresh).as("a new client's look-up after %d addresses flooded", addresses).isNotNull();
            s.end(fresh, false); // its key was found: its miss comes back
            assertThat(s.enter("192.0.2.8")).as("and the next new client's").isNotNull();
        }
    }

    @Test
    void oneAddressAloneGetsHalfTheGatewaysMissesAndTheNextSyncGivesThemBack() {
        LookUpShares s = gateways();
        assertThat(flood(s, "10.0.0.1")).isEqualTo(KeyAdmin.MISSES_PER_SYNC / 2);
        s.synced();
        assertThat(flood(s, "10.0.0.1")).isEqualTo(KeyAdmin.MISSES_PER_SYNC / 2);
    }

    @Test
    void theShareShrinksWithTheAddressesHoldingMisses() {
        LookUpShares s = gateways();
        flood(s, "10.0.0.1"); // 16: alone
        assertThat(flood(s, "10.0.0.2")).as("the second address: its first miss, and the one shared left").isEqualTo(2);
        assertThat(flood(s, "10.0.0.3")).as("the third: its first miss only").isEqualTo(1);
    }

    @Test
    void aFoundKeyGivesItsMissBackAndALookUpFromBeforeTheSyncGivesNothingToTheNewPools() {
        LookUpShares s = gateways();
        LookUpShares.Taken before = s.enter("10.0.0.1");
        s.synced();
        s.end(before, false); // refilled by the sync: not given back twice
        assertThat(flood(s, "10.0.0.1")).isEqualTo(KeyAdmin.MISSES_PER_SYNC / 2);
        assertThat(s.running()).isZero();
        LookUpShares t = gateways();
        for (int i = 0; i < 100; i++) t.end(t.enter("10.0.0.9"), false); // every key found: nothing spent
        assertThat(flood(t, "10.0.0.9")).isEqualTo(KeyAdmin.MISSES_PER_SYNC / 2);
    }

    @Test
    void addressesHoldingPlacesLeaveSomeForAnAddressWithNone() {
        LookUpShares s = gateways();
        List<LookUpShares.Taken> held = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            for (LookUpShares.Taken t; (t = s.enter("10.0.0." + a)) != null; ) held.add(t); // still running
        }
        assertThat(held.size()).as("places three flooding addresses hold").isLessThanOrEqualTo(KeyAdmin.MAX_LOOKUPS - 1);
        assertThat(s.enter("192.0.2.7")).as("a new client's place").isNotNull();
        for (int a = 0; a < 3; a++) {
            String client = "10.0.0." + a;
            assertThat(held.stream().filter(t -> t.client().equals(client)).count()).isLessThanOrEqualTo(KeyAdmin.MAX_LOOKUPS_PER_CLIENT);
        }
    }
}
