package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The 413 message names the limit in a unit that reads right, including limits under a MiB. */
class BodyReaderTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10485760|10 MiB",
            "1048576|1 MiB",
            "1572864|1.5 MiB",
            "524288|512 KiB",
            "1048|1 KiB (1048 bytes)",     // max_request_size_mb: 0.001
            "104857|102.4 KiB (104857 bytes)", // max_request_size_mb: 0.1
            "800|800 bytes",
            "1|1 byte",
    })
    void limitsReadInASensibleUnit(long bytes, String text) {
        assertThat(BodyReader.size(bytes)).isEqualTo(text);
    }
}
