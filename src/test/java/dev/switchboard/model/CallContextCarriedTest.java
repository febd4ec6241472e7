package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The values attached to a call: one array made at the first attach, grown for a key made after it. */
class CallContextCarriedTest {
    @Test
    void eachKeyKeepsItsOwnValueWhateverTheOrder() {
        CallContext ctx = new CallContext("r", Caller.ANONYMOUS, 0, null);
        assertThat(ctx.attached(CallContext.ASKED_MODEL)).isNull();
        ctx.attach(CallContext.CHARGED, Usage.ZERO);
        ctx.attach(CallContext.ASKED_MODEL, "gpt");
        ctx.attach(CallContext.ANSWER_ID_PREFIX, "msg_");
        assertThat(ctx.attached(CallContext.ASKED_MODEL)).isEqualTo("gpt");
        assertThat(ctx.attached(CallContext.ANSWER_ID_PREFIX)).isEqualTo("msg_");
        assertThat(ctx.attached(CallContext.CHARGED)).isSameAs(Usage.ZERO);
        ctx.attach(CallContext.ASKED_MODEL, "other"); // replaces
        assertThat(ctx.attached(CallContext.ASKED_MODEL)).isEqualTo("other");
    }

    @Test
    void aKeyMadeAfterTheFirstAttachStillFits() {
        CallContext ctx = new CallContext("r", Caller.ANONYMOUS, 0, null);
        ctx.attach(CallContext.ASKED_MODEL, "gpt");
        // keys made later than the array: past its end, so it grows and keeps what it held
        CallContext.Key<String> late = null;
        for (int i = 0; i < 40; i++) late = new CallContext.Key<>(String.class);
        ctx.attach(late, "late");
        assertThat(ctx.attached(late)).isEqualTo("late");
        assertThat(ctx.attached(CallContext.ASKED_MODEL)).isEqualTo("gpt");
        CallContext.Key<String> unset = new CallContext.Key<>(String.class);
        assertThat(ctx.attached(unset)).isNull(); // past the end: not attached
        assertThat(new CallContext("s", Caller.ANONYMOUS, 0, null).attached(late)).isNull(); // nothing attached yet
    }
}
