package io.agentfleet.messages.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {
    private static final String KEY = "fleet.some.key";

    private static ConfigValues with(String value) {
        return ConfigValues.of(Map.of(KEY, value));
    }

    private static String failure(Runnable read) {
        ConfigException e = assertThrows(ConfigException.class, read::run);
        assertEquals(KEY, e.key());
        return e.getMessage();
    }

    @Test
    void unsetOrBlankKeysFallBackToTheDefault() {
        ConfigValues none = ConfigValues.of(Map.of());
        assertEquals(7, none.intAtLeast(KEY, 7, 1));
        assertEquals(7, with("  ").intAtLeast(KEY, 7, 1));
        assertEquals("x", none.string(KEY, "x"));
        assertEquals(Duration.ofSeconds(3), none.positiveDuration(KEY, Duration.ofSeconds(3)));
        assertFalse(with("").raw(KEY).isPresent());
    }

    @Test
    void valuesAreTrimmedAndDigitsMayBeGrouped() {
        assertEquals(10_000, with(" 10_000 ").intAtLeast(KEY, 1, 1));
        assertEquals(Duration.ofMillis(1500), with(" 1500ms ").positiveDuration(KEY, Duration.ZERO));
        assertEquals(true, with(" TRUE ").bool(KEY, false));
    }

    @Test
    void aValueBelowTheMinimumFailsNamingKeyAndValue() {
        assertEquals(
                "fleet.some.key must be >= 1, but was 0",
                failure(() -> with("0").intAtLeast(KEY, 5, 1)));
        assertEquals(
                "fleet.some.key must be >= 10ms, but was '5ms'",
                failure(() -> with("5ms").durationAtLeast(KEY, Duration.ofSeconds(1), Duration.ofMillis(10))));
        assertEquals(
                "fleet.some.key must be > 0, but was '0s'",
                failure(() -> with("0s").positiveDuration(KEY, Duration.ofSeconds(1))));
    }

    @Test
    void anIntAboveIntegerMaxSaysItIsTooLargeNotTooSmall() {
        assertEquals(
                "fleet.some.key must be <= 2147483647, but was 3000000000",
                failure(() -> with("3000000000").intAtLeast(KEY, 5, 1)));
    }

    @Test
    void aLongIsNotCappedAtIntegerMax() {
        assertEquals(3_000_000_000L, with("3000000000").longAtLeast(KEY, 0, 0));
    }

    @Test
    void unparsableValuesFailSayingWhatIsExpected() {
        assertEquals(
                "fleet.some.key must be an integer, but was 'many'",
                failure(() -> with("many").intAtLeast(KEY, 5, 1)));
        assertEquals(
                "fleet.some.key must be true or false, but was 'maybe'",
                failure(() -> with("maybe").bool(KEY, true)));
        assertEquals(
                "fleet.some.key must be a duration such as 500ms, 30s, 5m, 2h, 1d or PT30S, but was 'soon'",
                failure(() -> with("soon").positiveDuration(KEY, Duration.ofSeconds(1))));
        assertEquals(
                "fleet.some.key must be a number, but was 'NaN'",
                failure(() -> ConfigValues.parseDouble(KEY, "NaN", 0, 1)));
    }

    @Test
    void aNumberOutsideItsRangeNamesTheRange() {
        assertEquals(
                "fleet.some.key must be between 0 and 2, but was 2.5",
                failure(() -> ConfigValues.parseDouble(KEY, "2.5", 0, 2)));
        assertEquals(
                "fleet.some.key must be >= 0, but was -1",
                failure(() -> ConfigValues.parseDouble(KEY, "-1", 0, Double.MAX_VALUE)));
    }
}
