package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void anIdIsTheMillisecondThenEightyRandomBits() {
        RequestIds ids = new RequestIds(() -> 0x0193_1a2b_3c4dL);
        String id = ids.next();
        assertThat(id).matches("req_[0-9a-f]{32}");
        assertThat(id).startsWith("req_01931a2b3c4d");
        assertThat(Long.parseLong(id.substring(4, 16), 16)).isEqualTo(0x0193_1a2b_3c4dL);
    }

    @Test
    void idsSortByTheTimeTheyWereMade() {
        // the store's primary-key indexes append instead of touching a random page per row
        AtomicLong now = new AtomicLong(1_764_590_000_000L);
        RequestIds ids = new RequestIds(() -> now.getAndAdd(1));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) made.add(ids.next());
        assertThat(made).isSorted();
    }

    @Test
    void idsOfTheSameMillisecondDifferInAboutHalfOfTheirRandomBits() {
        RequestIds ids = new RequestIds(() -> 1_764_590_000_000L);
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) made.add(ids.next());
        assertThat(new HashSet<>(made)).hasSize(made.size());
        double bitsChanged = 0;
        for (int i = 1; i < made.size(); i++) {
            bitsChanged += new BigInteger(made.get(i).substring(16), 16).xor(new BigInteger(made.get(i - 1).substring(16), 16)).bitCount();
        }
        assertThat(bitsChanged / (made.size() - 1)).isBetween(37.0, 43.0);
    }
}
