package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Client text cut to a column's width: never half a character, no NUL. */
class LogColumnsTest {
    /** A cut that would end between the two halves of a surrogate pair (an emoji) ends before the pair instead. */
    @Test
    void aCutNeverSplitsASurrogatePair() {
        String name = "m".repeat(254) + "\uD83D\uDE00" + "tail"; // the emoji takes chars 254 and 255
        String cut = LogColumns.cut(name, 255);
        assertThat(cut).isEqualTo("m".repeat(254));
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
        assertThat(LogColumns.cut("m".repeat(253) + "\uD83D\uDE00x", 255)).isEqualTo("m".repeat(253) + "\uD83D\uDE00");
        assertThat(LogColumns.cut("a\u0000b", 255)).isEqualTo("a\uFFFDb");
        assertThat(LogColumns.cut("abc", 255)).isSameAs("abc");
    }
}
