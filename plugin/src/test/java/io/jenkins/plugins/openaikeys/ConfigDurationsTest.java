package io.jenkins.plugins.openaikeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Plain unit test: no Jenkins needed. */
class ConfigDurationsTest {

    @Test
    void readsDaysHoursMinutesSecondsAndPlainSeconds() {
        assertThat(ConfigDurations.parse("30d", "x")).isEqualTo(Duration.ofDays(30));
        assertThat(ConfigDurations.parse("1d12h", "x")).isEqualTo(Duration.ofHours(36));
        assertThat(ConfigDurations.parse("15M", "x")).isEqualTo(Duration.ofMinutes(15));
        assertThat(ConfigDurations.parse(" 600 ", "x")).isEqualTo(Duration.ofSeconds(600));
        assertThat(ConfigDurations.parseOr("", "x", Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void rejectsWithOneSentenceNamingTheField() {
        assertThatThrownBy(() -> ConfigDurations.parse("monthly", "Rotation period"))
                .hasMessage("Rotation period 'monthly' is not a positive duration: use e.g. 30d, 12h, 15m, 90s or seconds");
        assertThatThrownBy(() -> ConfigDurations.parse("0d", "Sweeper grace")).hasMessageContaining("Sweeper grace");
    }

    @Test
    void windows() {
        ConfigDurations.checkWindow("02:00-04:00");
        ConfigDurations.checkWindow("23:30-00:30");
        assertThatThrownBy(() -> ConfigDurations.checkWindow("2-4")).hasMessageContaining("HH:MM-HH:MM");
        assertThatThrownBy(() -> ConfigDurations.checkWindow("03:00-03:00")).hasMessageContaining("same time");
        assertThatThrownBy(() -> ConfigDurations.checkWindow("24:00-01:00")).hasMessageContaining("invalid time");
    }
}
