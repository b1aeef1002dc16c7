package io.jenkins.plugins.openaikeys.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.rotation.RotationSchedule;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Plain unit test: no Jenkins needed. The parsing is core's; this checks what the page adds
 * (defaults for blank fields, a fallback for tasks) and that core's one-sentence messages
 * reach the form naming the field.
 */
class ConfigDurationsTest {

    @Test
    void readsDaysHoursMinutesSecondsAndPlainSeconds() {
        assertThat(ConfigDurations.parse("30d", "x")).isEqualTo(Duration.ofDays(30));
        assertThat(ConfigDurations.parse("1d12h", "x")).isEqualTo(Duration.ofHours(36));
        assertThat(ConfigDurations.parse("15M", "x")).isEqualTo(Duration.ofMinutes(15));
        assertThat(ConfigDurations.parse(" 600 ", "x")).isEqualTo(Duration.ofSeconds(600));
    }

    @Test
    void blankMeansTheDefault() {
        assertThat(ConfigDurations.parseOr("", "x", Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
        assertThat(ConfigDurations.parseOr(null, "x", Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
        assertThat(ConfigDurations.parseOr("2h", "x", Duration.ofHours(1))).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigDurations.schedule(" ", null).period()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void aBrokenSavedValueFallsBackForTheTasks() {
        assertThat(ConfigDurations.parseOrFallback("monthly", "Retry interval", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigDurations.parseOrFallback("2m", "Retry interval", "5m")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void rejectsWithOneSentenceNamingTheField() {
        assertThatThrownBy(() -> ConfigDurations.parse("monthly", "Rotation period"))
                .isInstanceOf(EphemeralKeyException.class)
                .hasMessage("Rotation period 'monthly' is not a duration: use e.g. 30d, 1d12h, 12h, 15m or seconds");
        assertThatThrownBy(() -> ConfigDurations.parse("0d", "Sweeper grace"))
                .hasMessageStartingWith("Sweeper grace '0d' is zero");
    }

    @Test
    void schedulesUseCoresRules() {
        RotationSchedule s = ConfigDurations.schedule("7d", "02:00-04:00");
        assertThat(s.period()).isEqualTo(Duration.ofDays(7));
        assertThat(s.inWindow(Instant.parse("2024-03-01T03:00:00Z"))).isTrue();
        assertThat(s.inWindow(Instant.parse("2024-03-01T05:00:00Z"))).isFalse();
        assertThatThrownBy(() -> ConfigDurations.schedule("30m", null))
                .isInstanceOf(EphemeralKeyException.class)
                .hasMessageContaining("shorter than an hour");
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
