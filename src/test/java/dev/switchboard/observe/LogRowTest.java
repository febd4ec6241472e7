package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A queued row renders on the writer what the row built from the whole call rendered: the prompt and completion as the
 * policy keeps them, scrubbed; the trace's renderings when there are some; nothing for {@code off}.
 */
class LogRowTest {
    static final List<Message> MESSAGES = List.of(Message.text(Role.SYSTEM, "be brief"),
            Message.text(Role.USER, "my key is sk-abcdefghijklmnopqrstuvwxyz and the secret s3cr3t-value"));
    static final SecretScrubber SCRUBBER = new SecretScrubber(List.of("s3cr3t-value"));

    static RequestLogEntry bare(LogPolicy p) {
        return new RequestLogEntry("r1", 1, 2, "k", "alias", "chat", "m", "openai/x", "primary", null, "miss", 200, null, null,
                3, 4, 0, 5, 1L, null, null, null, null, null, List.of("t"), p.label(), null, null);
    }

    @Test
    void thePromptAndCompletionAreRenderedAsThePolicyKeepsThem() {
        for (LogPolicy p : List.of(LogPolicy.DEFAULT, LogPolicy.parse("truncated:20", List.of()), LogPolicy.parse("full", List.of()),
                LogPolicy.parse("redacted", List.of(Pattern.compile("brief"))))) {
            RequestLogEntry e = new LogRow(bare(p), p, SCRUBBER, MESSAGES, null, "the answer, s3cr3t-value", null).get();
            assertThat(e.prompt()).as(p.label()).isEqualTo(SCRUBBER.scrub(p.apply(PromptText.prompt(MESSAGES, p.limit()))));
            assertThat(e.completion()).as(p.label()).isEqualTo(SCRUBBER.scrub(p.apply("the answer, s3cr3t-value")));
            assertThat(e.prompt()).doesNotContain("s3cr3t-value");
            assertThat(e.withContent(null, null)).isEqualTo(bare(p));
        }
    }

    @Test
    void theTracesRenderingsAreTakenAsTheyAre() {
        RequestLogEntry e = new LogRow(bare(LogPolicy.DEFAULT), LogPolicy.DEFAULT, SCRUBBER, MESSAGES, "kept prompt", "raw",
                "kept completion").get();
        assertThat(e.prompt()).isEqualTo("kept prompt");
        assertThat(e.completion()).isEqualTo("kept completion");
    }

    @Test
    void offKeepsNeither() {
        RequestLogEntry e = new LogRow(bare(LogPolicy.OFF), LogPolicy.OFF, SCRUBBER, MESSAGES, null, "answer", null).get();
        assertThat(e.prompt()).isNull();
        assertThat(e.completion()).isNull();
        assertThat(e).isEqualTo(bare(LogPolicy.OFF));
    }

    /** An embeddings row: its input rendered as a prompt is, per the policy, scrubbed; its summary in place of a completion. */
    @Test
    void anEmbeddingsInputIsKeptAsAPromptIs() {
        com.fasterxml.jackson.databind.node.ArrayNode input = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                .add("first text, s3cr3t-value").add("second text");
        String summary = "2 embeddings of 8 dimensions (float; the vectors are not kept)";
        for (LogPolicy p : List.of(LogPolicy.DEFAULT, LogPolicy.parse("truncated:10", List.of()), LogPolicy.parse("full", List.of()))) {
            RequestLogEntry e = new LogRow(bare(p), p, SCRUBBER, null, input, null, summary, null).get();
            assertThat(e.prompt()).as(p.label()).isEqualTo(SCRUBBER.scrub(p.apply(PromptText.input(input, p.limit()))));
            assertThat(e.prompt()).doesNotContain("s3cr3t-value");
            assertThat(e.completion()).isEqualTo(p.apply(summary));
        }
        assertThat(new LogRow(bare(LogPolicy.parse("full", List.of())), LogPolicy.parse("full", List.of()), SCRUBBER, null, input,
                null, summary, null).get().prompt()).isEqualTo("[\"first text, [REDACTED]\",\"second text\"]");
        RequestLogEntry off = new LogRow(bare(LogPolicy.OFF), LogPolicy.OFF, SCRUBBER, null, input, null, summary, null).get();
        assertThat(off.prompt()).isNull();
        assertThat(off.completion()).isNull();
    }

    @Test
    void noAnswerTextIsNoCompletion() {
        RequestLogEntry e = new LogRow(bare(LogPolicy.DEFAULT), LogPolicy.DEFAULT, SCRUBBER, MESSAGES, null, null, null).get();
        assertThat(e.completion()).isNull();
        assertThat(e.prompt()).startsWith("[{\"role\":\"system\"");
    }

    /**
     * The part that joins the ledger row, built as a served call builds it ({@code ObservedCall.part}): the same columns
     * as those of the row {@link LogRow#get} gives, for every policy.
     */
    @Test
    void theJoinedColumnsAreThoseOfTheRenderedRow() {
        for (LogPolicy p : List.of(LogPolicy.DEFAULT, LogPolicy.OFF, LogPolicy.parse("truncated:20", List.of()),
                LogPolicy.parse("full", List.of()), LogPolicy.parse("redacted", List.of(Pattern.compile("brief"))))) {
            for (boolean statusDiffers : new boolean[] {true, false}) {
                LogRow row = new LogRow(bare(p), p, SCRUBBER, MESSAGES, null, "the answer, s3cr3t-value", null);
                assertThat(part(bare(p), p, null, "the answer, s3cr3t-value", null, statusDiffers).get()).as(p.label())
                        .isEqualTo(RequestLogStore.columns(row.get(), statusDiffers));
                LogRow kept = new LogRow(bare(p), p, SCRUBBER, MESSAGES, "kept prompt", "raw", "kept completion");
                assertThat(part(bare(p), p, "kept prompt", "raw", "kept completion", statusDiffers).get())
                        .isEqualTo(RequestLogStore.columns(kept.get(), statusDiffers));
            }
        }
        assertThat(part(bare(LogPolicy.DEFAULT), LogPolicy.DEFAULT, null, "a", null, false).get().prompt())
                .startsWith("[{\"role\":\"system\"");
    }

    /** The part of {@code r}'s call a served call queues, with the production constructor, over {@link #MESSAGES}. */
    static LogPart part(RequestLogEntry r, LogPolicy p, String keptPrompt, String completionText, String keptCompletion,
                        boolean withStatus) {
        return new LogPart(p, SCRUBBER, MESSAGES, null, keptPrompt, completionText, keptCompletion, r.errorMessage(),
                r.traceId(), r.spanId(), r.sessionId(), r.generationName(), r.tags(), r.status(), r.errorType(), withStatus);
    }

    /**
     * The compact part a served call queues with its ledger row ({@link LogPart}, made without a log row): every column the
     * same as the rendered log row's, each set, for every policy, with and without the call's own status.
     */
    @Test
    void theCompactPartGivesEveryColumnOfTheRenderedRow() {
        for (LogPolicy p : List.of(LogPolicy.DEFAULT, LogPolicy.OFF, LogPolicy.parse("truncated:20", List.of()),
                LogPolicy.parse("full", List.of()), LogPolicy.parse("redacted", List.of(Pattern.compile("brief"))))) {
            RequestLogEntry full = new RequestLogEntry("r1", 1, 2, "k", "alias", "chat", "m", "openai/x", "primary", "t1", "miss",
                    499, "client_closed", "the client left, s3cr3t-value masked before", 3, 4, 1, 5, 1L, 2L,
                    "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "session-1", "gen-1", List.of("a", "b\"c"),
                    p.label(), null, null);
            for (boolean withStatus : new boolean[] {true, false}) {
                for (String kept : new String[] {null, "kept prompt"}) {
                    LogRow row = new LogRow(full, p, SCRUBBER, MESSAGES, kept, "the answer, s3cr3t-value",
                            kept == null ? null : "kept completion");
                    LogPart part = new LogPart(p, SCRUBBER, MESSAGES, null, kept, "the answer, s3cr3t-value",
                            kept == null ? null : "kept completion", full.errorMessage(), full.traceId(), full.spanId(),
                            full.sessionId(), full.generationName(), full.tags(), full.status(), full.errorType(), withStatus);
                    dev.switchboard.store.LogColumns c = part.get();
                    assertThat(c).as(p.label() + " " + withStatus + " " + kept)
                            .isEqualTo(RequestLogStore.columns(row.get(), withStatus));
                    assertThat(c.errorMessage()).isEqualTo(full.errorMessage());
                    assertThat(c.traceId()).isEqualTo(full.traceId());
                    assertThat(c.spanId()).isEqualTo(full.spanId());
                    assertThat(c.sessionId()).isEqualTo("session-1");
                    assertThat(c.generationName()).isEqualTo("gen-1");
                    assertThat(c.tagsJson()).isEqualTo("[\"a\",\"b\\\"c\"]");
                    assertThat(c.logPolicy()).isEqualTo(p.label());
                    assertThat(c.status()).isEqualTo(withStatus ? 499 : null);
                    assertThat(c.errorType()).isEqualTo(withStatus ? "client_closed" : null);
                    if (p.keepsContent() && kept == null) { // rendered and scrubbed on the writer
                        assertThat(c.prompt()).isNotNull().doesNotContain("s3cr3t-value");
                        assertThat(c.completion()).isNotNull().doesNotContain("s3cr3t-value");
                    } else if (p.keepsContent()) { // the trace's renderings (scrubbed when made), taken as they are
                        assertThat(c.prompt()).isEqualTo("kept prompt");
                        assertThat(c.completion()).isEqualTo("kept completion");
                    } else {
                        assertThat(c.prompt()).isNull();
                        assertThat(c.completion()).isNull();
                    }
                }
            }
        }
        // an embeddings call's part: its input rendered as the prompt
        com.fasterxml.jackson.databind.node.ArrayNode input = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                .add("first text, s3cr3t-value");
        LogPart part = new LogPart(LogPolicy.DEFAULT, SCRUBBER, null, input, null, "1 embedding", null, null, null, null, null,
                null, List.of("t"), 200, null, false);
        assertThat(part.get()).isEqualTo(RequestLogStore.columns(
                new LogRow(bare(LogPolicy.DEFAULT), LogPolicy.DEFAULT, SCRUBBER, null, input, null, "1 embedding", null).get(), false));
    }

    /**
     * What waits in the ledger's queue for a served call's log part holds the log's own columns and the content, not a
     * log row: each field of {@link LogPart} and its superclasses is of a type on a short list (texts, the messages' and
     * tags' lists, an embeddings input, the policy, the scrubber, primitives). A field that could hold a big graph (a
     * {@link RequestLogEntry}, whose 29 columns repeat the ledger row's, a {@link LogRow}, the call or its context, or
     * an {@code Object}) fails this: each queued part is copied by every young collection while it waits.
     */
    @Test
    void theQueuedPartHoldsNoLogRow() {
        java.util.Set<Class<?>> allowed = java.util.Set.of(String.class, List.class, com.fasterxml.jackson.databind.JsonNode.class,
                LogPolicy.class, SecretScrubber.class, int.class, long.class, boolean.class, Integer.class, Long.class,
                Boolean.class);
        java.util.List<String> fields = new java.util.ArrayList<>();
        for (Class<?> c = LogPart.class; c != null && c != Object.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
                fields.add(c.getSimpleName() + "." + f.getName());
                assertThat(allowed).as(c.getSimpleName() + "." + f.getName() + " is a " + f.getType().getName())
                        .contains(f.getType());
            }
        }
        assertThat(fields).contains("LogPart.spanId", "LoggedContent.messages"); // the walk reached both classes
    }
}
