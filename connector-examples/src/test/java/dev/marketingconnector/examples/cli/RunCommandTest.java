package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunCommandTest {

    @Test
    void readsResyncIntervalsWithUnitsOrIso8601() {
        assertThat(RunCommand.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(RunCommand.parseDuration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(RunCommand.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(RunCommand.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(RunCommand.parseDuration("PT15M")).isEqualTo(Duration.ofMinutes(15));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "ten minutes", "0s", "-5m", "P"})
    void rejectsIntervalsThatAreNotPositiveDurations(String text) {
        assertThatThrownBy(() -> RunCommand.parseDuration(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }
}
