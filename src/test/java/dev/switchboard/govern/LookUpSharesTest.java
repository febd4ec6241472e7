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
                for (int a = 0; a < addresses; a++) spent += flood(s, "10.0." + a + ".1"); // each in a /24 of its own
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
        flood(s, "10.0.1.1"); // 16: alone
        assertThat(flood(s, "10.0.2.1")).as("the second address: its first miss, and the one shared left").isEqualTo(2);
        assertThat(flood(s, "10.0.3.1")).as("the third: its first miss only").isEqualTo(1);
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
            for (LookUpShares.Taken t; (t = s.enter("10.0." + a + ".1")) != null; ) held.add(t); // still running
        }
        assertThat(held.size()).as("places three flooding addresses hold").isLessThanOrEqualTo(KeyAdmin.MAX_LOOKUPS - 1);
        assertThat(s.enter("192.0.2.7")).as("a new client's place").isNotNull();
        for (int a = 0; a < 3; a++) {
            String client = "10.0." + a + ".1";
            assertThat(held.stream().filter(t -> t.client().equals(client)).count()).isLessThanOrEqualTo(KeyAdmin.MAX_LOOKUPS_PER_CLIENT);
        }
    }

    /**
     * One holder of a wide block (an IPv4 /24, an IPv6 /48: 65,536 of the /64s an address is grouped by) floods from
     * each of its addresses: it takes one miss of the first pool, so new clients of fifteen other blocks each find a
     * look-up (before, the block's first sixteen addresses took the whole first pool and the rest the shared one).
     */
    @Test
    void oneHolderOfAWideBlockTakesOneMissOfTheFirstPool() {
        for (boolean v6 : new boolean[] {false, true}) {
            LookUpShares s = gateways();
            int spent = 0;
            for (int a = 0; a < 256; a++) spent += flood(s, v6 ? "2001:db8:7:" + Integer.toHexString(a) + "::/64" : "203.0.113." + a);
            assertThat(spent).as("misses one block spent (v6 %s)", v6).isEqualTo(1 + KeyAdmin.MISSES_PER_SYNC / 2);
            for (int b = 0; b < KeyAdmin.MISSES_PER_SYNC / 2 - 1; b++) {
                String client = v6 ? "2001:db8:" + Integer.toHexString(100 + b) + ":1::/64" : "198.51." + b + ".9";
                LookUpShares.Taken t = s.enter(client);
                assertThat(t).as("a new client of another block, %s, after the block flooded", client).isNotNull();
                s.end(t, true); // its place back; its miss held (no such key)
            }
        }
    }

    @Test
    void theFirstPoolsMissComesBackToItsBlockWhenItsKeyIsFound() {
        LookUpShares s = gateways();
        LookUpShares.Taken first = s.enter("203.0.113.1");
        assertThat(first.first()).isTrue();
        LookUpShares.Taken second = s.enter("203.0.113.2");
        assertThat(second.first()).as("the block's second address: a miss of the shared pool").isFalse();
        s.end(first, false);
        s.end(second, true);
        assertThat(s.enter("203.0.113.3").first()).as("the block's first-pool miss, given back, is there again").isTrue();
    }

    @Test
    void aBlockIsAnIpv4Slash24AndAnIpv6Slash48() {
        assertThat(LookUpShares.prefix("203.0.113.77")).isEqualTo("203.0.113");
        assertThat(LookUpShares.prefix("2001:db8:7:ab::/64")).isEqualTo("2001:db8:7");
        assertThat(LookUpShares.prefix("")).isEmpty();
    }
}
