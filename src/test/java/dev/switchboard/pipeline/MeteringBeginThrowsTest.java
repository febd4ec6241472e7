package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.switchboard.govern.AdmissionProbe;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Metering#begin} when something throws after the governor admitted the call (here reading the call's tags,
 * the first thing begin does after the admission: the request's hints map throws, a JDK map, not a stage of ours): the
 * global place, the key's parallel permit and its per-model permit are given back, so the next call is admitted. Before
 * the thirty-ninth session's catch, each such throw kept them, and one kept the gateway's only place for good.
 */
class MeteringBeginThrowsTest {

    /** Hints whose {@code tags} (read by CallTags after the admission) throws what it is given; every other name is absent. */
    private static Map<String, String> throwingTags(Throwable t) {
        return new AbstractMap<>() {
            @Override public Set<Entry<String, String>> entrySet() { return Set.of(); }

            @Override public String get(Object name) {
                if ("tags".equals(name)) {
                    if (t instanceof Error e) throw e;
                    throw (RuntimeException) t;
                }
                return null;
            }
        };
    }

    private static ChatRequest chat() {
        return new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null, null, null, null,
                null, null, null, false, false, Map.of(), null);
    }

    @Test
    void aThrowAfterTheAdmissionGivesEveryPlaceAndPermitBack() {
        // the gateway's one place, the key's one parallel permit, its per-model tpm for m of 10: a leak of any refuses the
        // next call (the probe's call reserves 10, which only a full bucket holds: a leaked reservation of begin's leaves less)
        AdmissionProbe probe = new AdmissionProbe(1, null, null, Map.of("m", 10));
        Metering metering = new Metering(probe.governor(), null, null, null, null);
        Throwable[] throws_ = {new IllegalStateException("a bug after the admission"), new StackOverflowError(),
                new IllegalArgumentException("another")};
        for (Throwable t : throws_) {
            CallContext ctx = new CallContext("req_b", probe.caller(), System.nanoTime(), throwingTags(t));
            assertThat(catchThrowable(() -> metering.begin(ctx, chat(), "chat"))).isSameAs(t);
            assertThat(probe.globalInFlight()).as("the global place back").isZero();
            // the key's parallel permit and the model's: a call admitted now, and let go
            probe.admit("m").release();
            assertThat(probe.globalInFlight()).isZero();
        }
    }
}
