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
        // a key made later than the array (sized at the first attach for every key then): past its end, so it grows and
        // keeps what it held. Three keys in all: Key.NEXT is global, and every later CallContext in this JVM sizes its
        // array by it, so the test makes no more than it needs
        CallContext.Key<String> late = new CallContext.Key<>(String.class);
        ctx.attach(late, "late");
        assertThat(ctx.attached(late)).isEqualTo("late");
        assertThat(ctx.attached(CallContext.ASKED_MODEL)).isEqualTo("gpt");
        assertThat(new CallContext("s", Caller.ANONYMOUS, 0, null).attached(late)).isNull(); // nothing attached yet
        CallContext.Key<String> unset = new CallContext.Key<>(String.class);
        assertThat(ctx.attached(unset)).isNull(); // in the grown array, never attached
        CallContext other = new CallContext("t", Caller.ANONYMOUS, 0, null);
        other.attach(CallContext.ASKED_MODEL, "gpt");
        CallContext.Key<String> past = new CallContext.Key<>(String.class);
        assertThat(other.attached(past)).isNull(); // past the end of an array made before it: not attached
        other.attach(past, "p");
        assertThat(other.attached(past)).isEqualTo("p");
        assertThat(other.attached(CallContext.ASKED_MODEL)).isEqualTo("gpt");
    }
}
