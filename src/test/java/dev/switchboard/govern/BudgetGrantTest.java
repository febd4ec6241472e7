package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.DurationSpec;
import org.junit.jupiter.api.Test;

/** A budget shared with other gateways: calls fit in this gateway's grant, which the store hands out (SharedBudgets). */
class BudgetGrantTest {
    private static Budget shared(long max, DurationSpec period) {
        return new Budget(max, Budget.NO_LIMIT, period, 0, 0, 0, new Budget.Grant("key-1"));
    }

    /** The store showed {@code ledger} spent, no other gateway holding a share. */
    private static Budget.Seen seen(long ledger) { return new Budget.Seen(ledger, 0, 0); }

    @Test
    void whatARefusalSaysWasSpentIsTheLedgerAtTheLastGrantPlusThisGatewaysCallsSince() {
        Budget b = shared(1_000, null);
        b.granted(b.ask(100, 0).periodStart(), 400, 1_000, 30_000, new Budget.Seen(500, 1, 7));
        assertThat(b.spentKnown(1)).as("the ledger held another gateway's 500").isEqualTo(500);
        assertThat(b.reserve(100, 1)).isEqualTo(Budget.Reserve.TAKEN);
        b.settle(100, 80, 2);
        // before, the grant's ledger figure hid this gateway's own calls after it: 500, not 580
        assertThat(b.spentKnown(3)).as("and this gateway's 80 since").isEqualTo(580);
        assertThat(b.headroom(3)).isEqualTo(420);
        assertThat(b.othersSeenAt(3)).as("another gateway shared it: said as of when").isEqualTo(7L);

        Budget alone = shared(1_000, null);
        alone.granted(alone.ask(100, 0).periodStart(), 1_000, 1_000, 30_000, seen(0));
        assertThat(alone.othersSeenAt(1)).as("alone on the budget: its count is the whole spend").isNull();
    }

    /**
     * With a fence (PostgreSQL, session locks), a gateway admits on its grant only up to the claim its row shows: what
     * another gateway that takes it for gone charges it. A write that may commit lowers the bound first; its commit
     * raises it; a renewal raises it beside the row's writes (the others charge the higher of the two), doubling the margin
     * when the bound stopped a call (twenty-eighth session: a busy gateway cut off had its admissions since its last
     * write spent again).
     */
    @Test
    void aFencedGrantAdmitsOnlyUpToWhatItsRowClaims() {
        Budget b = shared(10_000, null);
        b.fence(new GrantFence(() -> 0L, () -> false));
        b.fence().arm(Long.MAX_VALUE / 2);
        Budget.GrantAsk ask = b.ask(100, 0);
        assertThat(ask.claim()).as("the first claim: this call and twice its worst case").isEqualTo(300);
        b.granted(ask.periodStart(), 10_000, 10_000, 30_000, seen(0), ask.claimAt(10_000), 0);
        assertThat(b.reserve(100, 1)).isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.reserve(100, 1)).isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.reserve(100, 1)).isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.reserve(100, 1)).as("the grant has room, the claim has not").isEqualTo(Budget.Reserve.NEEDS_GRANT);
        assertThat(b.coversButClaim(100, 1)).isTrue();

        long revokes = b.fence().revokes(); // as a renewal does, before its write
        long claim = b.renewalClaim(100, 2);
        assertThat(claim).as("used 300, this call, and the margin doubled to 400").isEqualTo(800);
        assertThat(b.reserve(100, 2)).as("not before the renewal committed").isEqualTo(Budget.Reserve.NEEDS_GRANT);
        b.renewalClaimed(b.rowPeriod(), claim, 3, revokes);
        assertThat(b.reserve(100, 3)).isEqualTo(Budget.Reserve.TAKEN);

        // a credit's write of the row claims use plus margin too
        long[] use = b.useAndClaim(b.rowPeriod());
        assertThat(use[0]).isEqualTo(400);
        assertThat(use[1]).as("use plus margin").isEqualTo(800);
        b.revokeGrant(4); // the lock lost: the grant shrinks to the use, and the renewals' claim no longer counts
        assertThat(b.reserve(1, 5)).as("the grant is the use now").isEqualTo(Budget.Reserve.NEEDS_GRANT);
        // The call above is stopped by the grant alone, whatever the claims say (twenty-ninth session's review: this test
        // did not check what its comment said). A grant taken again whose row claims 500: were the renewals' 800 still
        // counted, the bound would be 800 and a second call of 100 admitted
        b.granted(b.rowPeriod(), 10_000, 10_000, 30_000, seen(0), 500, 6);
        assertThat(b.reserve(100, 6)).as("400 in flight + 100 within the row's 500").isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.reserve(100, 6)).as("past the row's claim: the renewals' 800 was dropped with the lock")
                .isEqualTo(Budget.Reserve.NEEDS_GRANT);
        assertThat(b.coversButClaim(100, 6)).as("the grant covers it, only the claim stops it").isTrue();
    }

    /**
     * Twenty-ninth session's review: a renewal (the raiser's, beside the beat) whose write committed just before the
     * lock was lost armed the fence and restored its claim after the beat had revoked both: the others may have folded
     * that claim into a row taken for gone, and a grant taken again then admitted up to it. A renewal whose reading of
     * the fence's revokes predates a revoke neither arms the fence nor restores its claim.
     */
    @Test
    void aRenewalThatCommittedBeforeARevokeNeitherArmsTheFenceNorRestoresItsClaim() {
        Budget b = shared(10_000, null);
        GrantFence fence = new GrantFence(() -> 0L, () -> false);
        b.fence(fence);
        fence.arm(Long.MAX_VALUE / 2);
        Budget.GrantAsk ask = b.ask(100, 0);
        b.granted(ask.periodStart(), 10_000, 10_000, 30_000, seen(0), ask.claimAt(10_000), 0);
        for (int i = 0; i < 3; i++) assertThat(b.reserve(100, 1)).isEqualTo(Budget.Reserve.TAKEN);
        long revokes = fence.revokes(); // the renewal reads it before its write
        long claim = b.renewalClaim(100, 2);
        assertThat(claim).isEqualTo(800);
        // its write commits; then the beat finds the lock lost and revokes, before the renewal arms and claims
        fence.revoke();
        b.revokeGrant(3);
        assertThat(fence.armSince(revokes, Long.MAX_VALUE / 2)).as("the revoke stands").isFalse();
        assertThat(fence.admits()).isFalse();
        b.renewalClaimed(b.rowPeriod(), claim, 3, revokes);
        // a grant taken again (a later beat armed the fence) whose row claims 500: the stale 800 must not count
        fence.arm(Long.MAX_VALUE / 2);
        b.granted(b.rowPeriod(), 10_000, 10_000, 30_000, seen(0), 500, 6);
        assertThat(b.reserve(100, 6)).as("300 in flight + 100 within the row's 500").isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.reserve(100, 6)).isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.reserve(100, 6)).as("past the row's 500: the renewal's 800 was not restored")
                .isEqualTo(Budget.Reserve.NEEDS_GRANT);
        // a renewal that read the revokes after the revoke arms and claims as before
        long now = fence.revokes();
        assertThat(fence.armSince(now, Long.MAX_VALUE / 2)).isTrue();
        b.renewalClaimed(b.rowPeriod(), 800, 7, now);
        assertThat(b.reserve(100, 7)).isEqualTo(Budget.Reserve.TAKEN);
    }

    /**
     * Review (twenty-eighth session): the margin doubled whenever the bound stopped a call, also when the grant was what
     * was short: an exhausted budget retried every second doubled it about once a second (halved only each beat) to
     * 2^62 and past, and a new period kept it. It doubles only when the grant covered the call, stays within the grant
     * (or twice the call), and a new period starts without one.
     */
    @Test
    void theMarginDoublesOnlyWhenTheClaimWasShortAndStaysWithinTheGrant() {
        Budget b = shared(10_000, DurationSpec.parse("1d"));
        b.fence(new GrantFence(() -> 0L, () -> false));
        b.fence().arm(Long.MAX_VALUE / 2);
        Budget.GrantAsk ask = b.ask(100, 0);
        b.granted(ask.periodStart(), 1_000, 10_000, 30_000, seen(0), ask.claimAt(1_000), 0);
        b.renewalClaimed(b.rowPeriod(), 1_000, 1, b.fence().revokes()); // a renewal claimed the whole grant (no revoke between)
        for (int i = 0; i < 9; i++) assertThat(b.reserve(100, 1)).isEqualTo(Budget.Reserve.TAKEN);
        for (int i = 0; i < 100; i++) { // the grant is short (900 + 200 > 1,000): asked again and again
            b.ask(200, 2 + i);
            assertThat(b.grant().margin).as("ask %s", i).isBetween(0L, 1_000L);
        }
        assertThat(b.grant().margin).as("a short grant only floors it at twice the call").isEqualTo(400);
        b.ask(100, 1_000L * 86_400_000L); // a day later: a new period
        assertThat(b.grant().margin).as("a new period's first ask: twice its call, nothing left from before").isEqualTo(200);
    }

    /**
     * Twenty-ninth session: the margin was the use's growth over a beat (the calls' real cost), while admission counts
     * calls in flight at their worst case: ten calls of worst case 1,000 that cost 1 each left a margin of 5,000 (half
     * the first ask's), and the next ten in flight found the claim short from the sixth on, each then waiting for a
     * renewal. The margin is now at least the peak held in flight since the last beat (plus the growth), and a call
     * that uses half of it asks the background once for a raise, never waiting for it.
     */
    @Test
    void theMarginCoversThePeakInFlightAndHalfOfItUsedAsksForARaiseOnce() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        Budget b = shared(100_000_000, null);
        b.fence(new GrantFence(() -> 0L, () -> false, asked::incrementAndGet));
        b.fence().arm(Long.MAX_VALUE / 2);
        Budget.GrantAsk ask = b.ask(5_000, 1_000);
        b.granted(ask.periodStart(), 100_000_000, 100_000_000, 30_000, seen(0), ask.claimAt(100_000_000), 1_000);
        assertThat(b.grant().claimCap).as("the first claim: the call and twice its worst case").isEqualTo(15_000);
        b.beat(false, false, 1_000); // the first measure: its claim, the margin of 10,000, may commit
        for (int i = 0; i < 10; i++) assertThat(b.reserve(1_000, 1_100)).isEqualTo(Budget.Reserve.TAKEN);
        for (int i = 0; i < 10; i++) b.settle(1_000, 1, 1_200);
        Budget.Grant.Beat beat = b.beat(false, false, 1_500);
        assertThat(b.grant().margin).as("the peak in flight, 10,000, and the growth (10 over 500 ms, scaled)")
                .isGreaterThanOrEqualTo(10_000);
        b.renewed(beat.periodStart(), 30_000, beat.claim(), 1_500);
        int before = asked.get();
        for (int i = 0; i < 10; i++) {
            assertThat(b.reserve(1_000, 1_600)).as("call %s in flight again: within the beat's claim", i).isEqualTo(Budget.Reserve.TAKEN);
        }
        assertThat(asked.get() - before).as("half the margin used: a raise asked once, not per call").isEqualTo(1);
        assertThat(b.claimWanted()).isTrue();
        long revokes = b.fence().revokes(); // as a renewal does, before its write
        long claim = b.renewalClaim(0, 1_700);
        assertThat(claim).as("use and margin").isGreaterThanOrEqualTo(10_010 + 10_000);
        // review: the flag was cleared when the renewal took the claim, before its write committed, so the first call
        // admitted during the round trip (still past half the margin of the old claim) asked for a second raise
        b.settle(1_000, 1, 1_700);
        b.settle(1_000, 1, 1_700);
        assertThat(b.reserve(1_000, 1_700)).isEqualTo(Budget.Reserve.TAKEN);
        assertThat(asked.get() - before).as("a call admitted while the raise is under way asks for none").isEqualTo(1);
        assertThat(b.claimWanted()).as("still asked until the raise commits").isTrue();
        b.renewalClaimed(b.rowPeriod(), claim, 1_800, revokes);
        assertThat(b.claimWanted()).as("the raise committed: a later crossing asks again").isFalse();
    }

    /**
     * Review (twenty-eighth session): with the fence open (no session lock could be had: the lease decides, nothing
     * renews a claim) the claim's bound still applied, so each call past it waited for an acquisition that waited for
     * the heartbeat. An open fence admits on the grant alone.
     */
    @Test
    void anOpenFenceAdmitsOnTheGrantAloneWithoutTheClaimsBound() {
        Budget b = shared(10_000, null);
        b.fence(new GrantFence(() -> 0L, () -> false));
        b.fence().openUp();
        Budget.GrantAsk ask = b.ask(100, 0);
        b.granted(ask.periodStart(), 10_000, 10_000, 30_000, seen(0), ask.claimAt(10_000), 0);
        for (int i = 0; i < 10; i++) {
            assertThat(b.reserve(100, 1)).as("call %s, past the claim of 300", i).isEqualTo(Budget.Reserve.TAKEN);
        }
        assertThat(b.covers(100, 1)).isTrue();
    }

    @Test
    void aCallNeedsAGrantFirstAndThenFitsInIt() {
        Budget b = shared(1_000, null);
        assertThat(b.reserve(300, 0)).as("nothing granted yet").isEqualTo(Budget.Reserve.NEEDS_GRANT);
        Budget.GrantAsk ask = b.ask(300, 0);
        assertThat(ask.need()).isEqualTo(300);
        b.granted(ask.periodStart(), 500, 1_000, 10_000, seen(0));
        assertThat(b.reserve(300, 1)).isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.reserve(300, 1)).as("300 held + 300 > the grant of 500").isEqualTo(Budget.Reserve.NEEDS_GRANT);
        assertThat(b.ask(300, 1).need()).isEqualTo(100);
        b.settle(300, 100, 2);
        assertThat(b.reserve(300, 2)).as("100 spent + 300 fits in 500").isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.reserve(2_000, 2)).as("more than the budget itself: refused outright").isEqualTo(Budget.Reserve.REFUSED);
    }

    @Test
    void aGrantIsOnlyGoodWhileItsLeaseIsRenewed() {
        Budget b = shared(1_000, null);
        b.granted(b.ask(100, 0).periodStart(), 1_000, 1_000, 5_000, seen(0));
        assertThat(b.reserve(100, 4_999)).isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.reserve(100, 5_000)).as("the row may pass for a dead gateway's soon").isEqualTo(Budget.Reserve.NEEDS_GRANT);
        assertThat(b.ask(100, 5_000).need()).as("the grant itself suffices: only the lease is renewed").isLessThanOrEqualTo(0);
        b.renewed(0, 9_000);
        assertThat(b.reserve(100, 5_001)).isEqualTo(Budget.Reserve.TAKEN);
    }

    @Test
    void whenTheStoreSaysThereIsNoMoreRefusalsAreDecidedInMemoryForAWhile() {
        Budget b = shared(1_000, null);
        b.exhausted(b.ask(400, 0).periodStart(), 0, 150, 1_000, 30_000, seen(850));
        assertThat(b.reserve(400, 10)).as("needs 400, the store had 150").isEqualTo(Budget.Reserve.REFUSED);
        assertThat(b.left(10)).isEqualTo(150);
        assertThat(b.spentKnown(10)).as("what the ledger held, other gateways' spend included").isEqualTo(850);
        assertThat(b.reserve(100, 10)).as("100 may still be had").isEqualTo(Budget.Reserve.NEEDS_GRANT);
        assertThat(b.reserve(400, 1_000)).as("the memo is over: ask the store again").isEqualTo(Budget.Reserve.NEEDS_GRANT);
    }

    @Test
    void theHeartbeatGivesBackWhatIsUnusedWhenAnotherGatewayWaitsOrTheLimitChanged() {
        Budget b = shared(1_000, null);
        b.granted(b.ask(100, 0).periodStart(), 1_000, 1_000, 30_000, seen(0));
        assertThat(b.reserve(100, 1)).isEqualTo(Budget.Reserve.TAKEN);
        b.settle(100, 60, 2);
        assertThat(b.reserve(200, 3)).isEqualTo(Budget.Reserve.TAKEN);
        Budget.Grant.Beat quiet = b.beat(false, false, 4);
        assertThat(quiet.used()).isEqualTo(260);
        assertThat(quiet.reserved()).isEqualTo(200);
        assertThat(quiet.granted()).as("nobody waits: kept").isEqualTo(1_000);
        Budget.Grant.Beat asked = b.beat(true, false, 5);
        assertThat(asked.granted()).as("spent 60 + 200 in flight").isEqualTo(260);
        assertThat(b.reserve(1, 6)).isEqualTo(Budget.Reserve.NEEDS_GRANT);
        b.settle(200, 0, 7);
        b.granted(0, 500, 1_000, 30_000, seen(0));
        b.configure(400, Budget.NO_LIMIT, null, 0, 8);
        assertThat(b.beat(false, false, 9).granted()).as("a new limit: the grant is taken again against it").isEqualTo(60);
    }

    @Test
    void aRowTheStoreLostClaimsOnlyWhatIsSpentAndInFlight() {
        Budget b = shared(1_000, null);
        b.granted(b.ask(100, 0).periodStart(), 900, 1_000, 30_000, seen(0));
        assertThat(b.reserve(100, 1)).isEqualTo(Budget.Reserve.TAKEN);
        Budget.Grant.Beat beat = b.beat(false, true, 2);
        assertThat(beat.granted()).as("others took this gateway for gone and may have given its grant away").isEqualTo(100);
        assertThat(beat.writes()).isTrue();
    }

    @Test
    void aNewPeriodStartsWithNoGrantAndItsOldRowIsDropped() {
        DurationSpec day = DurationSpec.parse("1d");
        Budget b = shared(1_000, day);
        long p0 = b.ask(100, 1_000).periodStart();
        b.granted(p0, 1_000, 1_000, Long.MAX_VALUE, seen(0));
        assertThat(b.reserve(100, 1_000)).isEqualTo(Budget.Reserve.TAKEN);
        long nextDay = p0 + 86_400_000L + 1;
        Budget.Grant.Beat beat = b.beat(false, false, nextDay);
        assertThat(beat.dropPeriod()).isEqualTo(p0);
        assertThat(beat.periodStart()).as("the new period's row claims the call still in flight").isGreaterThan(p0);
        assertThat(beat.granted()).isEqualTo(100);
        assertThat(b.rowPeriod()).isEqualTo(beat.periodStart());
        Budget.GrantAsk ask = b.ask(50, nextDay);
        assertThat(ask.need()).as("the call in flight is covered by the claim; the new one needs 50").isEqualTo(50);
        b.settle(100, 80, nextDay + 1);
        long dayAfter = nextDay + 86_400_000L;
        Budget.Grant.Beat quiet = b.beat(false, false, dayAfter);
        assertThat(quiet.writes()).as("nothing in flight: no row for the next period until a call needs one").isFalse();
        assertThat(b.rowPeriod()).isEqualTo(Budget.Grant.NONE);
    }

    @Test
    void aBudgetOfItsOwnNeverAsksForAGrant() {
        Budget b = new Budget(1_000, Budget.NO_LIMIT, null, 0, 0, 0);
        assertThat(b.reserve(600, 0)).isEqualTo(Budget.Reserve.TAKEN);
        assertThat(b.reserve(600, 0)).isEqualTo(Budget.Reserve.REFUSED);
        Budget unlimited = new Budget(Budget.NO_LIMIT, Budget.NO_LIMIT, null, 0, 0, 0, new Budget.Grant("key-2"));
        assertThat(unlimited.reserve(600, 0)).as("no limit, nothing to share").isEqualTo(Budget.Reserve.TAKEN);
    }

    /**
     * Review (thirtieth session): the raiser's stack may hand over a budget let go after it asked for a raise; its claim
     * was still renewed, a {@code grant_claims} row written after the retirement deleted its rows (or over the claim of
     * a new budget of the same scope). A budget let go now claims nothing and is not taken as asking.
     */
    @Test
    void aBudgetLetGoAfterItAskedHasNoClaimRenewed() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        Budget b = shared(100_000_000, null);
        b.fence(new GrantFence(() -> 0L, () -> false, asked::incrementAndGet));
        b.fence().arm(Long.MAX_VALUE / 2);
        Budget.GrantAsk ask = b.ask(5_000, 1_000);
        b.granted(ask.periodStart(), 100_000_000, 100_000_000, 30_000, seen(0), ask.claimAt(100_000_000), 1_000);
        b.beat(false, false, 1_000);
        for (int i = 0; i < 10 && !b.claimWanted(); i++) b.reserve(1_000, 1_100);
        assertThat(b.claimWanted()).as("a raise asked").isTrue();
        assertThat(b.queued).as("on the raiser's stack").isTrue();
        for (int i = 0; i < 10; i++) b.unreserve(1_000); // nothing in flight, nothing spent: it may be let go
        assertThat(b.retire(1_000_000, 1_000)).as("let go").isNotNull();
        assertThat(b.unqueue()).as("taken off the stack: not asking once let go").isFalse();
        assertThat(b.renewalClaim(0, 1_000_001)).as("no claim for a budget let go").isEqualTo(-1);
    }
}
