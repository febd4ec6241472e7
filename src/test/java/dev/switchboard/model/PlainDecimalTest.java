package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The text must be BigDecimal's, character for character: clients and tests read the cost as it always was written. */
class PlainDecimalTest {
    @Test
    void doublesReadAsBigDecimalsPlainText() {
        double[] edges = {0, -0.0, 8.25e-6, 1e-5, 0.001, 0.000999, 1, 1.5, 123.45, 9_999_999.5, 1e7, 1.2345e7,
                1.23456789e7, 1e21, 1.7976931348623157e308, Double.MIN_VALUE, -8.25e-6, -1e7, 2.5e-10};
        for (double d : edges) assertThat(PlainDecimal.of(d)).as("%s", d).isEqualTo(BigDecimal.valueOf(d).toPlainString());
        SplittableRandom r = new SplittableRandom(15);
        for (int i = 0; i < 200_000; i++) {
            double d = r.nextLong(-2_000_000_000_000L, 2_000_000_000_000L) / 1e9; // a cost in nanos, as the gateway makes it
            assertThat(PlainDecimal.of(d)).isEqualTo(BigDecimal.valueOf(d).toPlainString());
            double any = Double.longBitsToDouble(r.nextLong());
            if (Double.isFinite(any)) assertThat(PlainDecimal.of(any)).isEqualTo(BigDecimal.valueOf(any).toPlainString());
        }
        assertThatThrownBy(() -> PlainDecimal.of(Double.NaN)).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void nanosReadAsDollarsWithoutTrailingZeros() {
        long[] edges = {0, 1, -1, 10, 1_000_000_000L, 10_000_000_000L, 1_500_000_000L, -1_500_000_000L, 8_250,
                999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (long n : edges) assertThat(PlainDecimal.ofNanos(n)).as("%s", n).isEqualTo(viaBigDecimal(n));
        SplittableRandom r = new SplittableRandom(15);
        for (int i = 0; i < 200_000; i++) {
            long n = r.nextLong(-5_000_000_000_000L, 5_000_000_000_000L);
            assertThat(PlainDecimal.ofNanos(n)).isEqualTo(viaBigDecimal(n));
            long round = r.nextLong(-5_000L, 5_000L) * 1_000_000L;
            assertThat(PlainDecimal.ofNanos(round)).isEqualTo(viaBigDecimal(round));
        }
    }

    @Test
    void nanosAppendedAfterOtherTextReadTheSame() {
        long[] edges = {0, 1, -1, 8_250, 10, 100_000_000L, 1_000_000_001L, 999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE};
        for (long n : edges) {
            assertThat(PlainDecimal.appendNanos(new StringBuilder("{\"total\":"), n).append('}').toString())
                    .as("%s", n).isEqualTo("{\"total\":" + viaBigDecimal(n) + "}");
        }
        SplittableRandom r = new SplittableRandom(16);
        for (int i = 0; i < 100_000; i++) {
            long n = r.nextLong(-5_000_000_000_000L, 5_000_000_000_000L) / (1L << r.nextInt(40));
            assertThat(PlainDecimal.appendNanos(new StringBuilder("x"), n).toString()).isEqualTo("x" + viaBigDecimal(n));
        }
    }

    private static String viaBigDecimal(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }
}
