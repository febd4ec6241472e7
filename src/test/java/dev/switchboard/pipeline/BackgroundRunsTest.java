package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.Cancellation;
import dev.switchboard.model.StoredResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackgroundRunsTest {
    private static StoredResponse record(String id, String status) {
        return new StoredResponse(id, "key", 0, 1, "{\"status\":\"" + status + "\"}", "[]");
    }

    @Test
    void theFirstOutcomeWinsAndTheOthersSeeIt() {
        BackgroundRuns runs = new BackgroundRuns();
        BackgroundRuns.Run run = runs.start("resp_1", "key", Cancellation.create(), () -> record("resp_1", "failed"));
        assertThat(runs.find("resp_1", "key")).isSameAs(run);
        assertThat(runs.find("resp_1", "someone else")).isNull();
        assertThat(run.cancel(record("resp_1", "cancelled"))).isTrue();
        assertThat(run.settle(record("resp_1", "completed"))).as("the answer came after the cancel").isFalse();
        assertThat(run.cancelled()).isTrue();
        assertThat(run.terminal().body()).contains("cancelled");
        runs.finish(run);
        assertThat(runs.find("resp_1", "key")).isNull();
        assertThat(runs.size()).isZero();
    }

    @Test
    void stoppingSettlesWhatIsStillRunningAndCancelsItsCall() {
        BackgroundRuns runs = new BackgroundRuns();
        Cancellation running = Cancellation.create();
        Cancellation answered = Cancellation.create();
        BackgroundRuns.Run stopped = runs.start("resp_1", "key", running, () -> record("resp_1", "failed"));
        BackgroundRuns.Run done = runs.start("resp_2", "key", answered, () -> record("resp_2", "failed"));
        done.settle(record("resp_2", "completed")); // answered, its record being written
        List<StoredResponse> stored = new ArrayList<>();
        runs.stopAll(stored::add);
        assertThat(stored).extracting(StoredResponse::id).containsExactly("resp_1");
        assertThat(running.cancelled()).isTrue();
        assertThat(stopped.cancelled()).as("stopped, not cancelled by its caller").isFalse();
        // each stays registered until its call has ended
        assertThat(runs.size()).isEqualTo(2);
        runs.finish(stopped);
        runs.finish(done);
        assertThat(runs.size()).isZero();
    }
}
