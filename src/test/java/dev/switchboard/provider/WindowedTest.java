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
}
