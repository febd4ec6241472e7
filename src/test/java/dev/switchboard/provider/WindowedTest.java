package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window with promises the test completes by hand, so what is in flight at each step is known. */
class WindowedTest {
    private final List<Promise<String>> started = new ArrayList<>();

    private Future<String> call(int i) {
        Promise<String> p = Promise.promise();
        started.add(p);
        return p.future();
    }

    @Test
    void atMostWidthInFlightAndResultsByIndex() {
        Future<List<String>> all = Windowed.run(5, 2, this::call);
        assertThat(started).hasSize(2);
        started.get(1).complete("r1");
        assertThat(started).hasSize(3); // a lane takes the next index when its call answers
        started.get(2).complete("r2");
        started.get(0).complete("r0");
        assertThat(started).hasSize(5);
        started.get(4).complete("r4");
        assertThat(all.isComplete()).isFalse();
        started.get(3).complete("r3");
        assertThat(all.result()).containsExactly("r0", "r1", "r2", "r3", "r4");
    }

    @Test
    void theFirstFailureFailsTheWholeOnceTheCallsInFlightAnsweredAndStartsNoMoreCalls() {
        List<List<String>> answered = new ArrayList<>();
        Future<List<String>> all = Windowed.run(6, 3, this::call, e -> false, (e, done) -> {
            answered.add(done);
            return new IllegalStateException("whole: " + e.getMessage());
        });
        started.get(0).complete("r0");
        started.get(1).fail("quota");
        assertThat(all.isComplete()).as("call 2 is still in flight, billed upstream").isFalse();
        started.get(2).complete("r2");
        // call 0's lane took index 3 before the failure; none after it
        assertThat(started).hasSize(4);
        assertThat(all.isComplete()).isFalse();
        started.get(3).complete("r3");
        assertThat(all.failed()).isTrue();
        assertThat(all.cause()).hasMessage("whole: quota");
        assertThat(started).hasSize(4);
        assertThat(answered.get(0)).containsExactly("r0", null, "r2", "r3", null, null);
    }

    @Test
    void aRetryableFailureIsCalledOnceMore() {
        Future<List<String>> all = Windowed.run(2, 2, this::call, e -> e.getMessage().equals("503"), (e, done) -> e);
        started.get(0).fail("503");
        assertThat(started).hasSize(3); // index 0 again
        started.get(2).fail("503");
        started.get(1).complete("r1");
        assertThat(all.cause()).as("once only").hasMessage("503");
        assertThat(started).hasSize(3);

        started.clear();
        Future<List<String>> again = Windowed.run(1, 2, this::call, e -> e.getMessage().equals("503"), (e, done) -> e);
        started.get(0).fail("503");
        started.get(1).complete("r0");
        assertThat(again.result()).containsExactly("r0");
    }

    @Test
    void aBatchFailureSaysWhereItsTextsAreAndTheAnsweredCallsAreBilled() {
        GatewayException e = GatewayException.badRequest("Malformed input request: #/texts/5: bad", null);
        assertThat(Windowed.inBatch(e, 0, 96)).isSameAs(e);
        assertThat(Windowed.inBatch(e, 96, 192).getMessage()).isEqualTo("Malformed input request: #/texts/5: bad (in the"
                + " batch of input[96] to input[191]: the positions above count from input[96])");
        GatewayException billed = (GatewayException) Windowed.billed(GatewayException.of(ErrorKind.UPSTREAM, "x"), 40);
        assertThat(billed.billedUsage().promptTokens()).isEqualTo(40);
        assertThat(((GatewayException) Windowed.billed(GatewayException.of(ErrorKind.UPSTREAM, "x"), 0)).billedUsage()).isNull();
    }

    @Test
    void aCallPastTheDeadlineIsATimeoutNotMade() {
        Future<String> late = Windowed.withinDeadline(System.nanoTime() - 1, "sim", left -> Future.succeededFuture("made"));
        assertThat(((GatewayException) late.cause()).kind()).isEqualTo(ErrorKind.TIMEOUT);
        long deadline = Windowed.deadline(Duration.ofSeconds(30));
        Duration[] given = new Duration[1];
        Windowed.withinDeadline(deadline, "sim", left -> {
            given[0] = left;
            return Future.succeededFuture("made");
        });
        assertThat(given[0]).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30));
    }

    @Test
    void fewerCallsThanTheWidth() {
        Future<List<String>> all = Windowed.run(1, 8, this::call);
        assertThat(started).hasSize(1);
        started.get(0).complete("only");
        assertThat(all.result()).containsExactly("only");
    }

    /**
     * The one more call waits a jittered 200–500 ms on a Vert.x timer (before the thirty-ninth session it went at once,
     * in each of up to 8 lanes), and only while the list's deadline leaves the pause and a call's worth of time
     * ({@link Windowed#RETRY_FLOOR_MS}) after it: otherwise the call's own failure is the answer, with no second call.
     */
    @Test
    void theRetryWaitsItsPauseWithinTheDeadline() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            List<Long> startedAt = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.function.IntFunction<Future<String>> flaky = i -> {
                startedAt.add(System.nanoTime());
                return startedAt.size() == 1 ? Future.failedFuture(GatewayException.of(ErrorKind.UNAVAILABLE, "503"))
                        : Future.succeededFuture("r0");
            };
            long deadline = Windowed.deadline(Duration.ofSeconds(30));
            List<String> answered = Windowed.run(1, 8, flaky, Windowed.RETRY_ONCE, Windowed.pause(vertx, deadline), (e, done) -> e)
                    .await(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answered).containsExactly("r0");
            assertThat(startedAt).hasSize(2);
            long waitedMs = (startedAt.get(1) - startedAt.get(0)) / 1_000_000;
            assertThat(waitedMs).as("the second call not before the pause").isBetween(Windowed.PAUSE_MIN_MS, 2_000L);

            startedAt.clear();
            long soon = Windowed.deadline(Duration.ofMillis(150)); // less than the least pause
            Future<List<String>> late = Windowed.run(1, 8, flaky, Windowed.RETRY_ONCE, Windowed.pause(vertx, soon), (e, done) -> e);
            assertThat(late.failed()).as("no timer set: failed at once").isTrue();
            assertThat(((GatewayException) late.cause()).kind()).as("the call's own failure").isEqualTo(ErrorKind.UNAVAILABLE);
            assertThat(startedAt).as("no second call past the deadline").hasSize(1);

            // more than any pause is left, but not the pause and a call's worth after it: the 503 stays the answer
            startedAt.clear();
            long tight = Windowed.deadline(Duration.ofMillis(Windowed.PAUSE_MAX_MS + 100));
            Future<List<String>> cut = Windowed.run(1, 8, flaky, Windowed.RETRY_ONCE, Windowed.pause(vertx, tight), (e, done) -> e);
            assertThat(cut.failed()).as("no timer set: failed at once").isTrue();
            assertThat(((GatewayException) cut.cause()).kind()).as("the upstream's 503, not a 504").isEqualTo(ErrorKind.UNAVAILABLE);
            assertThat(startedAt).as("no retry left too little time to answer").hasSize(1);
        } finally {
            vertx.close().await(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
