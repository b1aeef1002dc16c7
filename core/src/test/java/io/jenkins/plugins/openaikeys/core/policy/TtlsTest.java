package io.jenkins.plugins.openaikeys.core.policy;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TtlsTest {

    @ParameterizedTest
    @CsvSource({
            "30m, 1800",
            "1h, 3600",
            "90s, 90",
            "1h30m, 5400",
            "600, 600",
            "' 45M ', 2700",
            "2h0m5s, 7205",
            "1m30s, 90",
            "00120, 120",
            "1, 1",
    })
    void parsesTheFormsUsersWrite(String text, long seconds) {
        assertThat(Ttls.parse(text)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void garbageGetsOneSentenceWithExamples() {
        assertThatThrownBy(() -> Ttls.parse("abc"))
                .isInstanceOf(BrokerException.class)
                .hasMessage("TTL 'abc' is not a duration: use e.g. 30m, 1h, 90s or seconds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "-5m", "-1", "1x", "1h 30m", "1.5h", "m", "h30", "30m1h",
            "99999999999999", "d", "PT30M", "1h\n2"})
    void rejectsEverythingElse(String text) {
        assertThatThrownBy(() -> Ttls.parse(text)).isInstanceOf(BrokerException.class)
                .hasMessageContaining("is not a duration: use e.g. 30m, 1h, 90s or seconds");
    }

    @ParameterizedTest
    @NullSource
    void rejectsNull(String text) {
        assertThatThrownBy(() -> Ttls.parse(text)).isInstanceOf(BrokerException.class)
                .hasMessage("TTL '' is not a duration: use e.g. 30m, 1h, 90s or seconds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0s", "0h0m", "000"})
    void rejectsZero(String text) {
        assertThatThrownBy(() -> Ttls.parse(text)).isInstanceOf(BrokerException.class)
                .hasMessage("TTL '" + text + "' is zero: use a positive duration such as 30m, 1h, 90s or seconds");
    }

    @Test
    void errorMessageStaysShortForLongInput() {
        String junk = "x".repeat(500);
        assertThatThrownBy(() -> Ttls.parse(junk)).hasMessageNotContaining(junk)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(150));
    }

    @ParameterizedTest
    @CsvSource({
            "3600, 1h",
            "5400, 1h30m",
            "90, 1m30s",
            "7200, 2h",
            "7205, 2h5s",
            "0, 0s",
            "59, 59s",
            "90000, 25h",
    })
    void formatsLargestUnitsFirst(long seconds, String expected) {
        assertThat(Ttls.format(Duration.ofSeconds(seconds))).isEqualTo(expected);
    }

    @Test
    void formatRoundsFractionsUpAndHandlesOddValues() {
        assertThat(Ttls.format(Duration.ofMillis(1500))).isEqualTo("2s");
        assertThat(Ttls.format(Duration.ofMillis(1))).isEqualTo("1s");
        assertThat(Ttls.format(Duration.ofMinutes(-5))).isEqualTo("-5m");
        assertThat(Ttls.format(null)).isEqualTo("none");
    }

    @Test
    void formatAndParseRoundTrip() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            Duration d = Duration.ofSeconds(1 + random.nextInt(400_000));
            assertThat(Ttls.parse(Ttls.format(d))).isEqualTo(d);
        }
    }
    @ParameterizedTest
    @CsvSource({
            "30d, 2592000",
            "1d12h, 129600",
            "7D, 604800",
            "12h, 43200",
            "90m, 5400",
            "600, 600",
            "1d0h30m5s, 88205",
    })
    void periodsTakeDaysToo(String text, long seconds) {
        assertThat(Ttls.parsePeriod(text, "Rotation period")).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1d", "1.5d", "d", "1h1d", "1w", "30 d", "P30D"})
    void periodGarbageNamesTheFieldAndShowsDays(String text) {
        assertThatThrownBy(() -> Ttls.parsePeriod(text, "Rotation period")).isInstanceOf(BrokerException.class)
                .hasMessage("Rotation period '" + text.trim() + "' is not a duration: use e.g. 30d, 1d12h, 12h, 15m or seconds");
    }

    @Test
    void periodZeroIsRefused() {
        assertThatThrownBy(() -> Ttls.parsePeriod("0d", "Sweeper interval"))
                .hasMessage("Sweeper interval '0d' is zero: use a positive duration such as 30d, 12h or 15m");
    }

    @Test
    void ttlsTakeDaysLikePeriods() {
        assertThat(Ttls.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Ttls.parse("1d12h")).isEqualTo(Ttls.parsePeriod("1d12h", "Rotation period"));
        assertThatThrownBy(() -> Ttls.parse("1h1d")).isInstanceOf(BrokerException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "2592000, 30d",
            "129600, 1d12h",
            "88205, 1d30m5s",
            "3600, 1h",
            "0, 0s",
    })
    void formatsPeriodsWithDays(long seconds, String expected) {
        assertThat(Ttls.formatPeriod(Duration.ofSeconds(seconds))).isEqualTo(expected);
        assertThat(Ttls.parsePeriod(expected.equals("0s") ? "1s" : expected, "x")).isNotNull();
    }

    @Test
    void periodFormatAndParseRoundTrip() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            Duration d = Duration.ofSeconds(1 + random.nextInt(100_000_000));
            assertThat(Ttls.parsePeriod(Ttls.formatPeriod(d), "x")).isEqualTo(d);
        }
    }
}
