package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.govern.Admission;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link MeteredCall#around}'s outcome as the {@code transform} it replaced gave it: a failure passed on as it is (with
 * LiteLLM's key-spend header added)
 * once the reservation is returned, what the settling throws as the call's failure, and a listener's own exception
 * thrown on to whoever completed the call.
 */
class MeteredCallTest {
    /** A call with no metering behind it: settling an answer or recording a row throws (a settle that fails). */
    private static MeteredCall unmetered() {
        CallContext ctx = new CallContext("req_m", Caller.ANONYMOUS, System.nanoTime(), Map.of());
        return new MeteredCall(null, ctx, "m", null, List.of(), "chat", Admission.NONE, provider -> 1);
    }

    @Test
    void aFailureIsPassedOnAsItIs() {
        GatewayException down = GatewayException.of(ErrorKind.UPSTREAM, "down");
        Future<Answer<ChatResponse>> f = MeteredCall.around(MeteredCallTest::unmetered, () -> Future.failedFuture(down),
                MeteredCall.Served::new);
        assertPassedOn(f.cause(), down);
    }

    /**
     * The failure passed on is the call's own error (its kind, message and headers) with LiteLLM's
     * {@code x-litellm-key-spend} added, as LiteLLM's error answers carry it for every caller ("0" for a caller of no
     * key row, as here).
     */
    private static void assertPassedOn(Throwable passed, GatewayException original) {
        assertThat(passed).isInstanceOf(GatewayException.class).hasMessage(original.getMessage());
        GatewayException g = (GatewayException) passed;
        assertThat(g.kind()).isEqualTo(original.kind());
        assertThat(g.headers()).containsAllEntriesOf(original.headers())
                .containsEntry(MeteredCall.KEY_SPEND_HEADER, "0");
    }

    @Test
    void whatSettlingThrowsIsTheCallsFailure() {
        Answer<ChatResponse> a = new Answer<>(null, "fake/a", null, "miss");
        Future<Answer<ChatResponse>> f = MeteredCall.around(MeteredCallTest::unmetered, () -> Future.succeededFuture(a),
                MeteredCall.Served::new);
        assertThat(f.failed()).isTrue();
        assertThat(f.cause()).isInstanceOf(NullPointerException.class);
        // a client that left is recorded: with no metering that throws too, and is the failure instead of the 499
        Future<Answer<ChatResponse>> gone = MeteredCall.around(MeteredCallTest::unmetered,
                () -> Future.failedFuture(dev.switchboard.model.Cancellation.clientClosed()), MeteredCall.Served::new);
        assertThat(gone.cause()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aRefusalAtTheStartIsTheFailureAndNoCallIsMade() {
        GatewayException refused = GatewayException.of(ErrorKind.RATE_LIMIT, "over");
        Future<Answer<ChatResponse>> f = MeteredCall.around(() -> { throw refused; },
                () -> { throw new AssertionError("no call"); }, MeteredCall.Served::new);
        assertThat(f.cause()).isSameAs(refused);
    }

    /**
     * An Error out of the admission itself (Metering.begin rethrows one after releasing what it took) is the call's
     * failed future, like a refusal, and no call is made. Before, it left {@code around} as a throw: afterGrant's
     * callback and AliasEmbedder's runOnContext caller never completed their futures.
     */
    @Test
    void anErrorAtTheStartIsTheFailureNotAThrow() {
        OutOfMemoryError error = new OutOfMemoryError("no room");
        Future<Answer<ChatResponse>> f = MeteredCall.around(() -> { throw error; },
                () -> { throw new AssertionError("no call"); }, MeteredCall.Served::new);
        assertThat(f.failed()).isTrue();
        assertThat(f.cause()).isSameAs(error);
    }

    /**
     * A pipeline that throws something other than a failed future after the call was admitted (a bug outside
     * {@link GatewayException}): the throw is the call's failure and its admission is settled once, so the global place,
     * the key's reservation and its parallel permit come back. Before, the throw left {@code around} before the settle
     * was attached, and N such calls held the gateway's N places for good.
     */
    @Test
    void aCallThatThrowsInsteadOfFailingGivesItsAdmissionBack() {
        dev.switchboard.govern.AdmissionProbe probe = new dev.switchboard.govern.AdmissionProbe(1);
        CallContext ctx = new CallContext("req_t", Caller.ANONYMOUS, System.nanoTime(), Map.of());
        IllegalStateException bug = new IllegalStateException("a bug in a stage");
        for (int i = 0; i < 3; i++) { // the global limit is 1 and the key's parallel limit 1: a leak refuses the second
            Future<Answer<ChatResponse>> f = MeteredCall.around(
                    () -> new MeteredCall(null, ctx, "m", null, List.of(), "chat", probe.admit(), provider -> 1),
                    () -> { throw bug; }, MeteredCall.Served::new);
            assertThat(f.failed()).isTrue();
            assertThat(f.cause()).isSameAs(bug);
            assertThat(probe.globalInFlight()).as("global place back").isZero();
            assertThat(probe.keyReservedNanos()).as("reservation back").isZero();
        }
        StackOverflowError error = new StackOverflowError();
        Future<Answer<ChatResponse>> f = MeteredCall.around(
                () -> new MeteredCall(null, ctx, "m", null, List.of(), "chat", probe.admit(), provider -> 1),
                () -> { throw error; }, MeteredCall.Served::new);
        assertThat(f.cause()).isSameAs(error);
        assertThat(probe.globalInFlight()).isZero();
        assertThat(probe.keyReservedNanos()).isZero();
    }

    @Test
    void aListenerThatThrowsIsNotSwallowed() {
        Promise<Answer<ChatResponse>> call = Promise.promise();
        Future<Answer<ChatResponse>> f = MeteredCall.around(MeteredCallTest::unmetered, call::future, MeteredCall.Served::new);
        IllegalStateException boom = new IllegalStateException("a listener's own");
        f.onComplete(ar -> { throw boom; });
        GatewayException down = GatewayException.of(ErrorKind.UPSTREAM, "down");
        assertThatThrownBy(() -> call.fail(down)).isSameAs(boom);
        assertPassedOn(f.cause(), down);
    }

    /**
     * A stored miss is priced once: the cost the exact cache keeps with the answer ({@link MeteredCall#storedCost}) is the
     * one the ledger row and the budget get when the call settles a moment later, for the same answer and usage, even when
     * the prices moved in between (here the router let the name go); another answer or usage is priced anew.
     */
    @Test
    void aStoredMissIsPricedOnceAndSettledAtThatPrice() {
        DeploymentPrices prices = new DeploymentPrices(dev.switchboard.account.PriceCatalog.bundled(), List.of());
        dev.switchboard.route.Target t = PricedTargets.made("openai/gpt-4o", "openai", "gpt-4o");
        prices.add(t);
        Metering metering = new Metering(null, prices, null, null, null);
        CallContext ctx = new CallContext("req_s", Caller.ANONYMOUS, System.nanoTime(), Map.of());
        MeteredCall call = new MeteredCall(metering, ctx, "m", null, List.of(), "chat", Admission.NONE, provider -> 1);
        Answer<ChatResponse> a = new Answer<>(null, "openai/gpt-4o", "primary", "miss");
        dev.switchboard.model.Usage usage = new dev.switchboard.model.Usage(1_000, 500, 0, 0, 0);
        Long stored = call.storedCost(a, usage);
        assertThat(stored).isPositive();
        prices.gone(t); // the prices move before the call settles
        assertThat(call.settle(a, usage).nanos()).as("settled at the stored price").isEqualTo(stored);
        assertThat(call.settle(a, new dev.switchboard.model.Usage(1_000, 500, 0, 0, 0)).priced()).as("other usage: priced anew")
                .isFalse();
        // another answer stored replaces answer, usage and cost at once: the first is priced anew (no entry now)
        Answer<ChatResponse> other = new Answer<>(null, "openai/gpt-4o", "primary", "miss");
        call.storedCost(other, usage);
        assertThat(call.settle(a, usage).priced()).as("no longer the stored answer").isFalse();
        // the three are one record in one field: no reader can see one object's answer with another's cost
        assertThat(java.util.Arrays.stream(MeteredCall.class.getDeclaredFields())
                .filter(f -> f.getType() == Answer.class || f.getType() == dev.switchboard.model.Usage.class
                        || f.getType() == DeploymentPrices.Cost.class)
                .map(java.lang.reflect.Field::getName)).as("stored state in plain fields").isEmpty();
    }

    /**
     * The master key's (a JWT's) stream on a deployment's first-try headers, made once per deployment: its key-spend
     * header "0" is added once, not by a copy of the deployment's header arrays per stream.
     */
    @Test
    void aMasterKeysStreamsShareOneHeaderSetPerDeployment() {
        dev.switchboard.model.WireHeaders deployment = dev.switchboard.model.WireHeaders.EMPTY.with("x-litellm-model-id", "d1");
        Answer<dev.switchboard.model.ChatStream> one = unmetered().streamed(new Answer<>(null, "fake/a", null, null, null, deployment));
        Answer<dev.switchboard.model.ChatStream> two = unmetered().streamed(new Answer<>(null, "fake/a", null, null, null, deployment));
        assertThat(one.headers()).containsEntry("x-litellm-model-id", "d1").containsEntry(MeteredCall.KEY_SPEND_HEADER, "0");
        assertThat(two.headers()).isSameAs(one.headers());
        assertThat(deployment).doesNotContainKey(MeteredCall.KEY_SPEND_HEADER);
    }
}
