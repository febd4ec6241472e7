package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The in-memory key and the hex form Redis's keys (shared by several gateways) and every earlier entry id have. */
class EntryKeyTest {
    @Test
    void itsHexIsTheDigestsLowerCaseHexAndParsesBackToAnEqualKey() {
        Random rnd = new Random(42);
        for (int i = 0; i < 1_000; i++) {
            byte[] d = new byte[32];
            rnd.nextBytes(d);
            if (i == 0) java.util.Arrays.fill(d, (byte) 0xFF); // sign bits everywhere
            if (i == 1) java.util.Arrays.fill(d, (byte) 0);
            EntryKey k = EntryKey.of(d);
            String hex = HexFormat.of().formatHex(d); // what RequestFingerprint.exact returned before the key
            assertThat(k.hex()).isEqualTo(hex).isSameAs(k.hex());
            EntryKey back = EntryKey.parse(hex);
            assertThat(back).isEqualTo(k).hasSameHashCodeAs(k);
            assertThat(EntryKey.parse(hex.toUpperCase(java.util.Locale.ROOT))).isEqualTo(k);
            byte[] other = d.clone();
            other[rnd.nextInt(32)] ^= (byte) (1 << rnd.nextInt(8)); // one bit anywhere makes another key
            assertThat(EntryKey.of(other)).isNotEqualTo(k);
        }
    }

    @Test
    void whatIsNotSixtyFourHexDigitsIsNoKey() {
        assertThat(EntryKey.parse(null)).isNull();
        assertThat(EntryKey.parse("abc")).isNull();
        assertThat(EntryKey.parse("g".repeat(64))).isNull();
        assertThat(EntryKey.parse("a".repeat(63) + "-")).isNull();
        assertThat(EntryKey.parse("a".repeat(65))).isNull();
        assertThat(new LocalExactCache(1 << 20, () -> 0).get("ns", "not-an-entry-id").result()).isNull();
        assertThat(new LocalExactCache(1 << 20, () -> 0).delete("not-an-entry-id").result()).isZero();
    }

    /** The store keeps each entry as its own key: a bare key (a lookup's) and the entry are equal both ways. */
    @Test
    void anEntryIsEqualToItsBareKeyBothWays() {
        byte[] d = new byte[32];
        new Random(7).nextBytes(d);
        EntryKey k = EntryKey.of(d);
        OffHeapBytes e = OffHeapBytes.copyOf(k, new byte[] {1, 2, 3}, 3, "ns", Long.MAX_VALUE, "openai/x");
        try {
            assertThat(e).isEqualTo(k).hasSameHashCodeAs(k);
            assertThat(k).isEqualTo(e);
            assertThat(e.hex()).isEqualTo(k.hex());
            d[0] ^= 1;
            assertThat(EntryKey.of(d)).isNotEqualTo(e);
        } finally {
            e.free();
        }
    }
}
