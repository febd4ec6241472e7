package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A failed chain's steps name each group once (review 2026-12-07). */
class ChainFailuresTest {
    @Test
    void aGroupThatFailsWithANewErrorAfterItsAttemptsIsNotNamedAgain() {
        ChainFailures f = new ChainFailures();
        f.attempt("a", "openai/gpt-4o", new IllegalStateException("502"));
        f.group("a", new IllegalStateException("cooling")); // a new error of the group whose attempt was just named
        assertThat(f.size()).isEqualTo(1);
        f.group("b", new IllegalStateException("all cooling")); // a group that failed before any call is named
        f.group("b", new IllegalStateException("again"));
        assertThat(f.size()).isEqualTo(2);
    }
}
