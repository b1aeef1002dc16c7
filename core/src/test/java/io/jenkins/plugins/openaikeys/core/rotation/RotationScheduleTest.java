package io.jenkins.plugins.openaikeys.core.rotation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RotationScheduleTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void neverRotatedIsDueAtOnce() {
        RotationSchedule s = RotationSchedule.parse("30d", null);
        assertThat(s.isDue(null, NOW)).isTrue();
        assertThat(s.nextAttempt(null, NOW)).isEqualTo(NOW);
    }

    @Test
    void dueExactlyWhenThePeriodHasPassed() {
        RotationSchedule s = RotationSchedule.parse("30d", "");
        Instant last = NOW.minus(Duration.ofDays(30));
        assertThat(s.isDue(last, NOW)).isTrue();
        assertThat(s.isDue(last.plusSeconds(1), NOW)).isFalse();
        assertThat(s.nextAttempt(last.plusSeconds(1), NOW)).isEqualTo(NOW.plusSeconds(1));
        assertThat(s.period()).isEqualTo(Duration.ofDays(30));
        assertThat(s.hasWindow()).isFalse();
    }

    @Test
    void daysAndHoursCombine() {
        assertThat(RotationSchedule.parse("1d12h", null).period()).isEqualTo(Duration.ofHours(36));
        assertThat(RotationSchedule.parse(" 7D ", null).describe()).isEqualTo("every 7d");
    }

    @Test
    void windowGatesADueRotation() {
        RotationSchedule s = RotationSchedule.parse("7d", "02:00-04:00");
        Instant last = Instant.parse("2026-11-01T03:00:00Z");
        assertThat(s.isDue(last, Instant.parse("2026-11-22T12:00:00Z"))).isFalse();
        assertThat(s.isDue(last, Instant.parse("2026-11-23T02:00:00Z"))).isTrue();
        assertThat(s.isDue(last, Instant.parse("2026-11-23T03:59:59Z"))).isTrue();
        assertThat(s.isDue(last, Instant.parse("2026-11-23T04:00:00Z"))).isFalse();
        assertThat(s.nextAttempt(last, NOW)).isEqualTo(Instant.parse("2026-11-23T02:00:00Z"));
        assertThat(s.describe()).isEqualTo("every 7d between 02:00 and 04:00 UTC");
    }

    @Test
    void windowDoesNotMakeAnUndueKeyDue() {
        RotationSchedule s = RotationSchedule.parse("30d", "00:00-23:59");
        assertThat(s.isDue(NOW.minus(Duration.ofDays(1)), NOW)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "2026-11-22T23:00:00Z, true",
            "2026-11-22T23:59:59Z, true",
            "2026-11-23T00:00:00Z, true",
            "2026-11-23T00:59:59Z, true",
            "2026-11-23T01:00:00Z, false",
            "2026-11-22T22:59:59Z, false",
            "2026-11-22T12:00:00Z, false",
    })
    void windowWrapsMidnight(String at, boolean inside) {
        RotationSchedule s = RotationSchedule.parse("1d", "23:00-01:00");
        assertThat(s.inWindow(Instant.parse(at))).isEqualTo(inside);
        assertThat(s.isDue(null, Instant.parse(at))).isEqualTo(inside);
    }

    @Test
    void nextAttemptAcrossMidnightWindow() {
        RotationSchedule s = RotationSchedule.parse("1d", "23:00-01:00");
        Instant last = Instant.parse("2026-11-21T23:30:00Z");
        // due from 2026-11-22T23:30, which is inside the window
        assertThat(s.nextAttempt(last, NOW)).isEqualTo(Instant.parse("2026-11-22T23:30:00Z"));
        // due at 01:30, just after the window closed: next evening
        Instant late = Instant.parse("2026-11-22T01:30:00Z");
        assertThat(s.nextAttempt(late.minus(Duration.ofDays(1)), late))
                .isEqualTo(Instant.parse("2026-11-22T23:00:00Z"));
        // inside the window right now
        Instant justAfterMidnight = Instant.parse("2026-11-23T00:10:00Z");
        assertThat(s.nextAttempt(null, justAfterMidnight)).isEqualTo(justAfterMidnight);
    }

    @Test
    void badPeriodsGetOneSentence() {
        assertThatThrownBy(() -> RotationSchedule.parse("monthly", null)).isInstanceOf(RotationException.class)
                .hasMessage("Rotation period 'monthly' is not a duration: use e.g. 30d, 1d12h, 12h, 15m or seconds");
        assertThatThrownBy(() -> RotationSchedule.parse(null, null))
                .hasMessage("Rotation period '' is not a duration: use e.g. 30d, 1d12h, 12h, 15m or seconds");
        assertThatThrownBy(() -> RotationSchedule.parse("0d", null))
                .hasMessage("Rotation period '0d' is zero: use a positive duration such as 30d, 12h or 15m");
        assertThatThrownBy(() -> RotationSchedule.parse("30m", null))
                .hasMessage("Rotation period '30m' is shorter than an hour: rotate at most hourly, e.g. 30d or 7d");
        assertThatThrownBy(() -> RotationSchedule.every(Duration.ofMinutes(5)))
                .hasMessage("Rotation period 5m is shorter than an hour: rotate at most hourly, e.g. 30d or 7d");
    }

    @Test
    void badWindowsGetOneSentence() {
        assertThatThrownBy(() -> RotationSchedule.parse("30d", "2-4")).isInstanceOf(RotationException.class)
                .hasMessage("Rotation window '2-4' is not of the form HH:MM-HH:MM (UTC), e.g. 02:00-04:00");
        assertThatThrownBy(() -> RotationSchedule.parse("30d", "02:00 - 04:00"))
                .hasMessage("Rotation window '02:00 - 04:00' is not of the form HH:MM-HH:MM (UTC), e.g. 02:00-04:00");
        assertThatThrownBy(() -> RotationSchedule.parse("30d", "25:00-04:00"))
                .hasMessage("Rotation window '25:00-04:00' has an invalid time: use 00:00 to 23:59, e.g. 02:00-04:00");
        assertThatThrownBy(() -> RotationSchedule.parse("30d", "03:00-03:00"))
                .hasMessage("Rotation window '03:00-03:00' starts and ends at the same time:"
                        + " leave it empty to allow any time");
    }

    @Test
    void aWindowShorterThanTheCheckIntervalIsRefused() {
        assertThatThrownBy(() -> RotationSchedule.parse("30d", "02:00-02:10")).isInstanceOf(RotationException.class)
                .hasMessage("Rotation window '02:00-02:10' lasts 10 minutes: make it at least 15 minutes, since the"
                        + " rotation check runs every 15 minutes and could miss it");
        assertThatThrownBy(() -> RotationSchedule.parse("30d", "23:55-00:05"))
                .hasMessageStartingWith("Rotation window '23:55-00:05' lasts 10 minutes");
        assertThat(RotationSchedule.parse("30d", "23:50-00:05").hasWindow()).isTrue();
        assertThat(RotationSchedule.parse("30d", "02:00-02:15").hasWindow()).isTrue();
    }

    @Test
    void equalSchedulesAreEqual() {
        assertThat(RotationSchedule.parse("30d", "02:00-04:00")).isEqualTo(RotationSchedule.parse("720h", " 02:00-04:00 "))
                .hasSameHashCodeAs(RotationSchedule.parse("720h", "02:00-04:00"))
                .isNotEqualTo(RotationSchedule.parse("30d", null));
    }
}
