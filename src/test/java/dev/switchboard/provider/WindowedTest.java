package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
    void theFirstFailureFailsTheWholeAndStartsNoMoreCalls() {
        Future<List<String>> all = Windowed.run(6, 2, this::call);
        started.get(0).fail("quota");
        assertThat(all.failed()).isTrue();
        assertThat(all.cause()).hasMessage("quota");
        started.get(1).complete("r1");
        assertThat(started).hasSize(2);
    }

    @Test
    void fewerCallsThanTheWidth() {
        Future<List<String>> all = Windowed.run(1, 8, this::call);
        assertThat(started).hasSize(1);
        started.get(0).complete("only");
        assertThat(all.result()).containsExactly("only");
    }
}
